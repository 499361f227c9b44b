"""Markdown fits where it is posted: under GitHub's 65,536-character comment limit (and so the
1 MiB job summary), with --max-findings and a note that counts what is not listed."""

from __future__ import annotations

import io
import re

from mclint.finding import Diagnostic
from mclint.finding.spools import Findings
from mclint.report import markdown
from mclint.result import Report, ScanResult
from mclint.score import score
from tests.cli.runner import run
from tests.conftest import CORPUS, needs_corpus

LIMIT = 65_536
JOB_SUMMARY_LIMIT = 1024 * 1024


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\| (high|medium|low|info) \| ", line)]


def test_fixtures_fit_a_pull_request_comment_and_count_the_rest(in_repo):
    _, out, _ = run(["scan", "fixtures", "-f", "markdown", "--render", "off"])
    _, concise, _ = run(["scan", "fixtures", "-f", "concise", "--render", "off"])
    total = len(concise.splitlines()) - 2  # the workload and score lines
    assert total > 300  # more than a comment can hold: the limit is what is tested
    assert len(out) <= LIMIT
    listed = len(_rows(out))
    assert 20 < listed < total
    assert f"**{total - listed} more finding(s) not listed** (GitHub's comment size limit)" in out
    assert out.count("<details>") == out.count("</details>")


def test_max_findings_lists_that_many_and_notes_the_rest(in_repo):
    _, out, _ = run(["scan", "fixtures/azure", "-f", "markdown", "--max-findings", "5"])
    _, concise, _ = run(["scan", "fixtures/azure", "-f", "concise"])
    total = len(concise.splitlines()) - 2  # the workload and score lines
    assert len(_rows(out)) == 5
    assert f"### Top findings (5 of {total})" in out
    assert f"**{total - 5} more finding(s) not listed** (--max-findings 5)" in out
    _, everything, _ = run(["scan", "fixtures/azure", "-f", "markdown", "--max-findings", str(total)])
    assert len(_rows(everything)) == total and "not listed" not in everything


def test_the_job_summary_takes_max_findings_too(in_repo, tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    run(["scan", "fixtures/gcp", "--max-findings", "3"], env=env)
    text = summary.read_text(encoding="utf-8")
    assert len(_rows(text)) == 3 and "(--max-findings 3)" in text


def _huge_report(ruleset, findings, errors) -> Report:
    result = ScanResult(Findings(findings), errors, [], [], 1, len(ruleset))
    return Report(result, score([], []), rules=ruleset.rules)


def test_long_findings_and_thousands_of_file_errors_still_fit(ruleset, scan_text):
    (finding,) = scan_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/r\n"
    ).findings
    found = [finding._replace(message=f"{finding.message} {'r' * 40_000}")]  # longer than a clipped value
    errors = [Diagnostic(f"dir/file-{n}.yaml", 1, 1, "did not find expected key " * 5) for n in range(5_000)]
    stream = io.StringIO()
    markdown.write(_huge_report(ruleset, list(found) * 3, errors), stream)
    text = stream.getvalue()
    assert len(text) <= LIMIT
    assert "**2 more finding(s) not listed** (GitHub's comment size limit)" in text
    listed = text.count("- `dir/file-")
    assert 0 < listed < 5_000 and f"- and {5_000 - listed} more file error(s)" in text
    assert text.rstrip().endswith("</details>")


@needs_corpus()
def test_the_corpus_report_fits_both_limits(in_repo):
    _, out, _ = run(["scan", str(CORPUS), "-f", "markdown", "--render", "off", "--no-progress"])
    assert len(out) <= LIMIT and len(out.encode("utf-8")) <= JOB_SUMMARY_LIMIT
    assert "more finding(s) not listed" in out
