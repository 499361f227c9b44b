"""The scan and baseline commands with config, suppressions, baselines and targets, end to end."""

from __future__ import annotations

import json
import shutil

import pytest

from mclint.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def tree(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "aws" / "irsa-service-account.yaml", tmp_path / "sa.yaml")
    shutil.copy(FIXTURES / "gcp" / "pd-storage.yaml", tmp_path / "pd.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(capsys, *args):
    code = main(["scan", "-f", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_bad_config_exits_2_with_file_and_line(tree, capsys):
    (tree / ".mclint.yaml").write_text("select: [aws]\nfail-on: loud\n")
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mclint: bad configuration: .mclint.yaml:2: 'fail-on' must be one of")
    assert "Traceback" not in err


def test_config_is_found_above_the_scanned_path_and_applied(tree, capsys):
    (tree / "deploy").mkdir()
    shutil.move(tree / "sa.yaml", tree / "deploy" / "sa.yaml")
    (tree / ".mclint.yaml").write_text("ignore: [aws-identity-irsa-settings]\nfail-on: none\n")
    code, report = run_json(capsys, "deploy")
    assert [f["rule_id"] for f in report["findings"]] == ["aws-identity-irsa-role"]
    assert code == 0


def test_pattern_matching_no_rule_is_warned_about(tree, capsys):
    (tree / ".mclint.yaml").write_text("select: [aws-*, awz-*]\n")
    main(["scan", "sa.yaml"])
    assert "mclint: warning: .mclint.yaml: pattern(s) matching no rule: awz-*" in capsys.readouterr().err


def test_cli_flags_override_config(tree, capsys):
    (tree / ".mclint.yaml").write_text("fail-on: none\ntargets: [aws]\n")
    code, report = run_json(capsys, "sa.yaml")
    assert (code, report["targets"], {f["severity"] for f in report["findings"]}) == (0, ["aws"], {"info"})
    code, report = run_json(capsys, "--fail-on", "info", "--target", "gcp", "sa.yaml")
    assert (code, report["targets"]) == (1, ["gcp"])
    assert [f["severity"] for f in report["findings"]] == ["high", "low"]


def test_named_config_file_wins_over_discovery(tree, capsys):
    (tree / ".mclint.yaml").write_text("select: [gcp]\n")
    (tree / "other.yaml").write_text("select: [aws]\n")
    _, report = run_json(capsys, "--config", "other.yaml", "sa.yaml", "pd.yaml")
    assert {f["provider"] for f in report["findings"]} == {"aws"}


def test_exclude_uses_gitignore_syntax(tree, capsys):
    (tree / "vendor").mkdir()
    shutil.copy(tree / "pd.yaml", tree / "vendor" / "pd.yaml")
    shutil.copy(tree / "sa.yaml", tree / "vendor" / "keep.yaml")
    (tree / ".mclint.yaml").write_text('exclude: ["vendor/*", "pd.yaml", "!vendor/keep.yaml"]\n')
    _, report = run_json(capsys, ".")
    assert sorted({f["file"] for f in report["findings"]}) == ["sa.yaml", "vendor/keep.yaml"]
    assert report["summary"]["files"] == 2


def test_targets_fail_only_on_other_providers_and_score_each(tree, capsys):
    code, report = run_json(capsys, "--target", "aws", "--fail-on", "low", ".")
    assert code == 1
    assert {f["provider"] for f in report["findings"] if f["severity"] != "info"} == {"gcp"}
    assert set(report["scores"]) == {"aws"}
    code, report = run_json(capsys, "--target", "aws", "--target", "gcp", "--fail-on", "low", ".")
    assert code == 1  # it must run on both: an AWS coupling blocks GCP, a GCP one blocks AWS
    assert {f["provider"] for f in report["findings"] if f["severity"] != "info"} == {"aws", "gcp"}
    assert report["score"] <= min(report["scores"]["aws"], report["scores"]["gcp"])
    assert report["scores"]["aws"] < report["scores"]["gcp"] < 100


def test_baseline_then_scan_reports_only_new_and_gone(tree, capsys):
    assert main(["baseline", ".", "--output", "base.json"]) == 0
    assert "wrote 6 baseline entries to base.json" in capsys.readouterr().err
    sa = (tree / "sa.yaml").read_text()
    (tree / "sa.yaml").write_text("# moved down\n\n" + sa.replace("orders", "payments"))
    code, report = run_json(capsys, "--baseline", "base.json", ".")
    assert sorted((f["rule_id"], f["name"]) for f in report["findings"]) == [
        ("aws-identity-irsa-role", "payments"),
        ("aws-identity-irsa-settings", "payments"),
    ]
    assert report["baseline"] == {"against": "in baseline base.json", "matched": 4, "gone": 2}
    assert code == 1


def test_show_suppressed_lists_how_and_why(tree, capsys):
    (tree / ".mclint.yaml").write_text(
        "waivers:\n  - rule: gcp-*\n    reason: GKE until 2027\n  - rule: aws-*\n    reason: gone\n    expires: 2020-01-01\n"
    )
    code = main(["scan", "--show-suppressed", "--no-color", "pd.yaml"])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 suppressed finding(s):" in out
    assert "pd.yaml:5  gcp-storage-provisioner  StorageClass balanced  (waiver: GKE until 2027)" in out
    assert ".mclint.yaml:4  mclint-expired-waiver  waiver for aws-* expired on 2020-01-01" in out
    assert "Portability score: 100/100" in out


def test_unused_suppression_is_a_notice_not_a_finding(tree, capsys):
    sa = (tree / "sa.yaml").read_text()
    (tree / "sa.yaml").write_text(
        sa.replace("  annotations:\n", "  annotations:\n    mclint.io/ignore: gcp-storage-provisioner\n")
    )
    code, report = run_json(capsys, "sa.yaml")
    assert [(n["rule_id"], n["severity"], n["line"]) for n in report["notices"]] == [
        ("mclint-unused-suppression", "info", 8)
    ]
    assert len(report["findings"]) == 2
    assert code == 1


def test_baseline_file_errors_exit_2(tree, capsys):
    (tree / "base.json").write_text("[]")
    assert main(["scan", "--baseline", "base.json", "."]) == 2
    assert "not an mclint baseline" in capsys.readouterr().err
