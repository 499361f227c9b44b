"""`mclint scan` end to end: the JSON shape other tools rely on, exit codes, stdin, text output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.runner import run
from tests.conftest import FIXTURES, REPO

FINDING_KEYS = {
    "rule_id", "provider", "category", "severity", "file", "line", "column",
    "kind", "name", "namespace", "field", "message", "remediation",
}  # fmt: skip


def test_json_report_has_the_documented_shape(in_repo):
    code, out, _ = run(["scan", "fixtures/aws/irsa-service-account.yaml", "--format", "json"])
    report = json.loads(out)
    assert code == 1
    assert report["tool"]["name"] == "mclint"
    assert isinstance(report["score"], int)
    assert set(report["summary"]) >= {"providers", "categories", "severities", "files", "objects"}
    assert report["errors"] == []
    first = report["findings"][0]
    assert set(first) == FINDING_KEYS
    assert first == {
        "rule_id": "aws-identity-irsa-role",
        "provider": "aws",
        "category": "identity",
        "severity": "high",
        "file": "fixtures/aws/irsa-service-account.yaml",
        "line": 8,
        "column": 5,
        "kind": "ServiceAccount",
        "name": "orders",
        "namespace": "shop",
        "field": "metadata.annotations['eks.amazonaws.com/role-arn']",
        "message": "ServiceAccount is bound to AWS IAM role arn:aws:iam::111122223333:role/orders-s3-reader through IRSA",
        "remediation": first["remediation"],
    }
    assert first["remediation"].startswith("Keep the ServiceAccount provider-neutral")
    assert report["summary"]["severities"] == {"high": 1, "medium": 0, "low": 1, "info": 0}


def test_findings_are_sorted_by_file_line_column_rule(in_repo):
    _, out, _ = run(["scan", "fixtures", "--format", "json"])
    findings = json.loads(out)["findings"]
    keys = [(f["file"], f["line"], f["column"], f["rule_id"]) for f in findings]
    assert keys == sorted(keys)
    assert len({f["file"] for f in findings}) > 10


def test_clean_input_exits_zero_with_score_100(in_repo):
    code, out, _ = run(["scan", "fixtures/gcp/near-miss-comments-and-configmap.yaml", "--format", "json"])
    report = json.loads(out)
    assert (code, report["score"], report["findings"]) == (0, 100, [])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--fail-on", "high"], 1),  # the file has a high finding
        (["--fail-on", "none"], 0),
        (["--fail-on", "none", "--fail-under", "50"], 1),  # score 46
        (["--fail-on", "none", "--fail-under", "46"], 0),
    ],
)
def test_exit_code_follows_fail_on_and_fail_under(in_repo, args, expected):
    code, out, _ = run(["scan", "fixtures/aws/irsa-service-account.yaml", "--format", "json", *args])
    assert json.loads(out)["score"] == 46
    assert code == expected


def test_fail_on_medium_ignores_low_findings(tmp_path):
    path = tmp_path / "sa.yaml"
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  annotations:\n"
    path.write_text(text + "    eks.amazonaws.com/audience: sts.amazonaws.com\n")
    assert run(["scan", str(path), "--fail-on", "medium"])[0] == 0
    assert run(["scan", str(path), "--fail-on", "low"])[0] == 1


@pytest.mark.parametrize(
    "args",
    [["scan", "no/such/dir"], ["scan", "--no-such-option"], ["scan", "--fail-on", "sometimes"], ["nosuchcommand"]],
)
def test_usage_errors_exit_two_without_traceback(args):
    code, out, err = run(args)
    assert code == 2
    assert "Traceback" not in out + err
    assert "Error" in err


def test_unparsable_file_is_an_error_with_line_and_the_scan_goes_on(tmp_path):
    (tmp_path / "a-broken.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: [x\n")
    (tmp_path / "b-good.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: g\n  annotations:\n"
        "    iam.gke.io/gcp-service-account: g@p.iam.gserviceaccount.com\n"
    )
    code, out, _ = run(["scan", str(tmp_path), "--format", "json", "--fail-on", "none"])
    report = json.loads(out)
    assert code == 1
    (error,) = report["errors"]
    assert error["file"].endswith("a-broken.yaml") and error["line"] == 4
    assert [f["rule_id"] for f in report["findings"]] == ["gcp-identity-workload-identity"]


def test_stdin_is_scanned_as_one_file(in_repo):
    text = (FIXTURES / "azure/internal-lb-service.yaml").read_text()
    code, out, _ = run(["scan", "-", "--format", "json"], input=text)
    report = json.loads(out)
    assert code == 1
    assert [(f["file"], f["line"], f["rule_id"]) for f in report["findings"]] == [
        ("<stdin>", 7, "azure-network-lb-internal"),
        ("<stdin>", 8, "azure-network-lb-annotation"),
    ]


def test_helm_templates_are_skipped_as_not_rendered_not_errors(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "sa.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\n{{- if .Values.x }}\n")
    code, out, _ = run(["scan", str(tmp_path), "--format", "json"])
    report = json.loads(out)
    assert code == 0
    assert report["errors"] == []
    assert [s["file"].endswith("chart/templates/sa.yaml") for s in report["skipped"]] == [True]
    assert "not rendered" in report["skipped"][0]["reason"]


def test_text_report_groups_by_file_and_ends_with_the_score(in_repo):
    code, out, _ = run(["scan", "fixtures/aws/nlb-internal-service.yaml"])
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == "Workloads: none found"  # the report leads with the workload line
    assert lines[2].startswith("fixtures/aws/nlb-internal-service.yaml")
    assert "aws-network-lb-internal" in out and "8:5" in out
    assert "Couplings by provider and category" in out
    assert lines[-1].startswith("Portability score: 37/100")
    assert "\x1b[" not in out  # no colour when not a terminal


def test_explain_score_lists_each_unit_contribution(in_repo):
    _, out, _ = run(["scan", "fixtures/aws", "--explain-score"])
    assert "Score contributions (units with couplings)" in out
    rows = {line.split("  ")[0]: line.split() for line in out.splitlines()}
    # the StatefulSet and the StorageClass its claim template names are one unit of two objects
    assert rows["StatefulSet shop/postgres"][2:4] == ["2", "fixtures/aws/kube2iam-statefulset-gp3.yaml:1"]
    assert "StorageClass fast" in rows  # a class no claim in the tree uses is a unit of its own


def test_output_file_receives_the_report(in_repo, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = run(["scan", "fixtures/aws/ebs-storage-class.yaml", "-f", "json", "-o", str(target)])
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["findings"][0]["rule_id"] == "aws-storage-provisioner"


def test_console_script_runs_in_a_real_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "mclint", "scan", "fixtures/gcp/workload-identity-service-account.yaml", "-f", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert (finding["rule_id"], finding["line"], finding["column"]) == ("gcp-identity-workload-identity", 8, 5)


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        ("--color", {"NO_COLOR": "", "FORCE_COLOR": ""}, True),
        ("--color", {"NO_COLOR": "1"}, True),  # an explicit flag beats the environment
        ("--no-color", {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
        (None, {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # piped, but FORCE_COLOR asks for colour
        (None, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR beats FORCE_COLOR
        (None, {"FORCE_COLOR": "", "NO_COLOR": ""}, False),  # piped: plain
    ],
)
def test_color_flag_beats_no_color_and_force_color_is_honoured(in_repo, flag, env, coloured):
    args = ["scan", "fixtures/aws/ebs-storage-class.yaml", *([flag] if flag else [])]
    _, out, _ = run(args, env=env)
    assert ("\x1b[" in out) is coloured
    assert "aws-storage-provisioner" in out


def test_no_progress_bar_when_stderr_is_not_a_terminal(in_repo):
    _, _, err = run(["scan", "fixtures"])
    assert "scanning" not in err and "\x1b[" not in err
    assert err.splitlines() == [
        "mclint: helm not found on PATH: 1 chart(s) read statically (values.yaml and template text)"
    ]
