"""`--format concise`: one grep-able line per finding, and the GitHub problem matcher that reads it."""

from __future__ import annotations

import json
import re

from mclint.finding import Severity
from tests.cli.runner import run
from tests.conftest import REPO

MATCHER = REPO / ".github" / "mclint-problem-matcher.json"
FILES = [
    "fixtures/aws/irsa-service-account.yaml",  # high, low
    "fixtures/gcp/internal-lb-neg-service.yaml",  # high, medium
    "fixtures/aws/ecr-images.yaml",  # high, info
]


def test_one_line_per_finding_then_the_workload_and_score_lines(in_repo):
    code, out, _ = run(["scan", "-f", "concise", *FILES])
    _, data, _ = run(["scan", "-f", "json", *FILES])
    findings = json.loads(data)["findings"]
    lines = out.splitlines()
    assert code == 1
    assert lines[:-2] == [
        f"{f['file']}:{f['line']}:{f['column']}: {f['severity']} {f['rule_id']} {f['message']}" for f in findings
    ]
    assert lines[len(lines) - 6] == (
        "fixtures/aws/irsa-service-account.yaml:8:5: high aws-identity-irsa-role "
        "ServiceAccount is bound to AWS IAM role arn:aws:iam::111122223333:role/orders-s3-reader through IRSA"
    )
    _, text, _ = run(["scan", *FILES])
    assert lines[-2] == text.splitlines()[0]  # the same workload line and summary as the text report
    assert lines[-1] == text.splitlines()[-1]


def test_file_problems_and_notices_are_lines_of_the_same_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: [unclosed\n")
    (tmp_path / "stale.yaml").write_text(
        "# mclint: ignore[aws-identity-irsa-role]\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    )
    _, out, _ = run(["scan", "-f", "concise", "broken.yaml", "stale.yaml"])
    lines = out.splitlines()
    assert re.fullmatch(r"broken\.yaml:3:1: error mclint-error .+", lines[0]), lines
    assert lines[1].startswith("stale.yaml:1:1: info mclint-unused-suppression ")
    _, quiet, _ = run(["scan", "-f", "concise", "-q", "broken.yaml", "stale.yaml"])
    assert "mclint-unused-suppression" not in quiet


def _matchers() -> list[tuple[str, re.Pattern, dict]]:
    data = json.loads(MATCHER.read_text(encoding="utf-8"))["problemMatcher"]
    return [(m["severity"], re.compile(m["pattern"][0]["regexp"]), m["pattern"][0]) for m in data]


def test_the_problem_matcher_reads_every_concise_line_at_the_right_severity(in_repo):
    """Each line matches exactly one owner, whose severity GitHub supports, with every field right."""
    _, out, _ = run(["scan", "-f", "concise", *FILES, "fixtures/loader/not-kubernetes.yaml"])
    _, data, _ = run(["scan", "-f", "json", *FILES])
    expected_level = {"high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    matchers = _matchers()
    assert {level for level, _, _ in matchers} == {"error", "warning", "notice"}
    findings = json.loads(data)["findings"]
    assert {f["severity"] for f in findings} == {s.label for s in Severity}  # every severity is exercised
    lines = out.splitlines()
    for finding, line in zip(findings, lines, strict=False):
        hits = [(level, regex.fullmatch(line), fields) for level, regex, fields in matchers if regex.fullmatch(line)]
        assert len(hits) == 1, line
        level, match, fields = hits[0]
        assert level == expected_level[finding["severity"]]
        got = {name: match.group(fields[name]) for name in ("file", "line", "column", "code", "message")}
        assert got == {
            "file": finding["file"],
            "line": str(finding["line"]),
            "column": str(finding["column"]),
            "code": finding["rule_id"],
            "message": finding["message"],
        }
    assert not any(regex.fullmatch(lines[-1]) for _, regex, _ in matchers)  # the score line is no problem


def test_the_problem_matcher_reads_file_problems_as_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n")
    _, out, _ = run(["scan", "-f", "concise", "broken.yaml"])
    hits = [level for level, regex, _ in _matchers() if regex.fullmatch(out.splitlines()[0])]
    assert hits == ["error"]
