"""mclint.run: `mclint scan` as a plain function, and the problems it raises before scanning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mclint.process import Problem, UsageProblem
from mclint.run import ScanRequest, output_stream, run_scan
from tests.conftest import FIXTURES


def test_a_request_scans_and_writes_every_report_it_asks_for(tmp_path, capsys):
    request = ScanRequest(
        paths=[str(FIXTURES / "aws" / "irsa-service-account.yaml")],
        fmt="json",
        output=tmp_path / "report.json",
        fail_on="high",
        no_progress=True,
        extra_reports=[("markdown", tmp_path / "report.md")],
    )
    assert run_scan(request) == 1  # a high finding, at fail-on high
    report = json.loads((tmp_path / "report.json").read_text())
    assert [f["rule_id"] for f in report["findings"]] == ["aws-identity-irsa-role", "aws-identity-irsa-settings"]
    assert (tmp_path / "report.md").read_text().startswith("## mclint: portability score 46/100")
    assert capsys.readouterr().out == ""


def test_fail_on_left_unset_takes_the_configuration_then_the_default(tmp_path, capsys):
    (tmp_path / "sa.yaml").write_text((FIXTURES / "aws" / "irsa-service-account.yaml").read_text())
    paths = [str(tmp_path / "sa.yaml")]
    assert run_scan(ScanRequest(paths, no_progress=True)) == 1  # default: low
    (tmp_path / ".mclint.yaml").write_text("fail-on: none\n")
    assert run_scan(ScanRequest(paths, no_progress=True)) == 0
    assert run_scan(ScanRequest(paths, no_progress=True, fail_on="high")) == 1  # given wins over the config
    capsys.readouterr()


@pytest.mark.parametrize(
    ("request_changes", "problem", "message"),
    [
        ({"paths": ["no-such.yaml"]}, UsageProblem, "no such file or directory: no-such.yaml"),
        (
            {"baseline": Path("b.json"), "new_since": "HEAD"},
            UsageProblem,
            "use either --baseline or --new-since, not both",
        ),
        ({"config_file": Path("bad.yaml")}, Problem, "bad configuration: "),
    ],
)
def test_problems_are_raised_before_anything_is_scanned(tmp_path, monkeypatch, request_changes, problem, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n")
    (tmp_path / "bad.yaml").write_text("fail-on: sometimes\n")
    monkeypatch.setattr("mclint.api.scan", lambda *a, **k: pytest.fail("scanned"))
    with pytest.raises(problem) as raised:
        run_scan(ScanRequest(**{"paths": ["app.yaml"], **request_changes}))
    assert str(raised.value).startswith(message)


def test_a_file_that_cannot_be_written_is_a_usage_problem_naming_it(tmp_path):
    (tmp_path / "a-file").write_text("")
    target = tmp_path / "a-file" / "out.json"  # a missing folder is created; a file cannot hold one
    expected = pytest.raises(UsageProblem, match=f"cannot write {target}: Not a directory")
    with expected, output_stream(target) as stream:
        stream.write("x")
