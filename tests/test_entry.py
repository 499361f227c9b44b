"""mclint.entry: the quick path of `mclint scan FILE...` says exactly what the click CLI says."""

from __future__ import annotations

import contextlib
import io

import pytest

from mclint import cli, entry
from tests.conftest import REPO

CASES = [
    ["scan", "fixtures/aws/irsa-service-account.yaml"],
    ["scan", "--no-progress", "fixtures/aws/alb-ingress.yaml", "fixtures/gcp/near-miss-comments-and-configmap.yaml"],
    ["scan", "fixtures/gcp/near-miss-secrets.yaml", "fixtures/loader/anchors-and-merge-keys.yaml"],
]


def _run(main, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args", CASES, ids=lambda a: a[-1])
def test_the_quick_path_prints_and_exits_as_the_cli_does(args, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert entry.quick_scan_files(args) == [a for a in args[1:] if a != "--no-progress"]
    quick = _run(entry.main, args)
    assert quick == _run(cli.main, args)
    assert quick[1].rstrip().splitlines()[-1].startswith("Portability score: ")


def test_unreadable_yaml_is_reported_the_same_by_both_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: [x\n")
    quick = _run(entry.main, ["scan", "broken.yaml"])
    assert quick == _run(cli.main, ["scan", "broken.yaml"])
    assert quick[0] == 1 and "broken.yaml:4:1" in quick[1]


CONFIG = """\
select: [gcp-*, aws-*, azure-nothing-like-this]
severity:
  gcp-storage-class-name: info
fail-on: medium
exclude: [skipped/]
waivers:
  - rule: gcp-storage-provisioner
    reason: GKE until 2027
  - rule: aws-*
    reason: gone
    expires: 2020-01-01
"""


@pytest.mark.parametrize("github_actions", ["", "true"])
def test_a_config_file_applies_the_same_on_both_paths(tmp_path, monkeypatch, github_actions):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", github_actions)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / ".mclint.yaml").write_text(CONFIG)
    (tmp_path / "skipped").mkdir()
    for name in ("pd.yaml", "skipped/pd.yaml"):
        (tmp_path / name).write_text((REPO / "fixtures/gcp/pd-storage.yaml").read_text())
    args = ["scan", "pd.yaml", "skipped/pd.yaml"]
    assert entry.quick_scan_files(args) == ["pd.yaml", "skipped/pd.yaml"]
    quick = _run(entry.main, args)
    assert quick == _run(cli.main, args)
    code, out, err = quick
    assert err == "mclint: warning: .mclint.yaml: pattern(s) matching no rule: azure-nothing-like-this\n"
    assert "skipped/pd.yaml" not in out  # excluded by the config
    assert ("::" in out) == bool(github_actions)  # workflow commands inside GitHub Actions
    assert "gcp-storage-provisioner" not in out  # waived
    assert ("::notice file=pd.yaml,line=16" if github_actions else "16:21   info   gcp-storage-class-name") in out
    assert code == 1  # two high findings, at or above fail-on: medium


def test_a_broken_config_file_is_reported_by_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mclint.yaml").write_text("fail-on: sometimes\n")
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n")
    code, out, err = _run(entry.main, ["scan", "app.yaml"])
    assert (code, out) == (2, "")
    assert err.startswith("mclint: bad configuration: ") and ".mclint.yaml:1:" in err


@pytest.mark.parametrize(
    "args",
    [
        ["scan"],  # no files: the CLI scans "."
        ["scan", "fixtures"],  # a directory: Kustomize and Helm rendering are the CLI's
        ["scan", "-f", "json", "fixtures/aws/alb-ingress.yaml"],
        ["scan", "fixtures/aws/alb-ingress.yaml", "--fail-on", "high"],
        ["scan", "missing.yaml"],  # the CLI's usage error, exit 2
        ["scan", "-"],
        ["rules"],
        [],
    ],
)
def test_anything_else_goes_to_the_cli(args, monkeypatch):
    monkeypatch.chdir(REPO)
    assert entry.quick_scan_files(args) is None
