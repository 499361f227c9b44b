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


def test_a_config_file_or_github_actions_goes_to_the_cli(tmp_path, monkeypatch):
    manifest = tmp_path / "app.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n")
    monkeypatch.chdir(tmp_path)
    assert entry.quick_scan_files(["scan", "app.yaml"]) == ["app.yaml"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # the default format there is github, not text
    assert entry.quick_scan_files(["scan", "app.yaml"]) is None
    monkeypatch.delenv("GITHUB_ACTIONS")
    (tmp_path / ".mclint.yaml").write_text("fail-on: high\n")
    assert entry.quick_scan_files(["scan", "app.yaml"]) is None
