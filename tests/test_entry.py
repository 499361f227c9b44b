"""mclint.entry: `mclint scan PATH...` with default options runs without click and says exactly what the click CLI says.

Every comparison runs the quick path with mclint.cli.main replaced by a trap, so a test passes only
when the quick path itself produced the output; a subprocess shows click is never imported.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import pytest

from mclint import cli, entry
from mclint.discover import MAX_FILE_SIZE
from tests.conftest import REPO

CASES = [
    ["scan", "fixtures/aws/irsa-service-account.yaml"],
    ["scan", "--no-progress", "fixtures/aws/alb-ingress.yaml", "fixtures/gcp/near-miss-comments-and-configmap.yaml"],
    ["scan", "fixtures/gcp/near-miss-secrets.yaml", "fixtures/loader/anchors-and-merge-keys.yaml"],
    ["scan", "--no-progress", "fixtures/azure"],  # a directory with default options
    ["scan", "fixtures/gcp/pd-storage.yaml", "fixtures/render/shop"],  # Kustomize roots render as on the CLI
    ["scan", "--no-progress", "--format", "concise", "fixtures/aws/alb-ingress.yaml"],  # the pre-commit hook's
    ["scan", "--format=concise", "fixtures/gcp/pd-storage.yaml"],
    ["scan", "-f", "concise", "fixtures/aws/irsa-service-account.yaml"],
]
QUICK_OPTIONS = ("--no-progress", "--format", "--format=concise", "-f", "concise")

APP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n"
BAD_RULE = "provider: aws\ncategory: identity\nrules:\n  - id: aws-identity-x\n    title: x\n"

IN_A_PROCESS = """
import contextlib, io, json, sys
from mclint.entry import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "click": "click" in sys.modules}))
"""


def _run(main, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _in_a_process(args: list[str], cwd, tmp_path) -> dict:
    env = {
        "PATH": "/usr/bin:/bin",
        "MCLINT_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-c", IN_A_PROCESS, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def cli_main(monkeypatch):
    """The click CLI, for comparison; mclint.cli.main itself becomes a trap for the quick path."""
    real = cli.main

    def trap(args):
        raise AssertionError(f"the quick path handed {args} to the click CLI")

    monkeypatch.setattr(cli, "main", trap)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return real


@pytest.mark.parametrize("args", CASES, ids=lambda a: a[-1])
def test_the_quick_path_prints_and_exits_as_the_cli_does(args, monkeypatch, cli_main):
    monkeypatch.chdir(REPO)
    assert entry.quick_scan_files(args) == [a for a in args[1:] if a not in QUICK_OPTIONS]
    quick = _run(entry.main, args)
    assert quick == _run(cli_main, args)
    assert quick[1].rstrip().splitlines()[-1].startswith("Portability score: ")


@pytest.mark.parametrize("args", [*CASES[:2], CASES[3], CASES[5]], ids=lambda a: a[-1])
def test_the_quick_path_never_imports_click(args, tmp_path):
    ran = _in_a_process(args, REPO, tmp_path)
    assert ran["click"] is False
    assert ran["code"] == 1 and "Portability score: " in ran["out"]
    assert ("concise" in args) == (": high " in ran["out"])  # concise's FILE:LINE:COL: SEVERITY lines


def test_unreadable_yaml_is_reported_the_same_by_both_paths(tmp_path, monkeypatch, cli_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: [x\n")
    quick = _run(entry.main, ["scan", "broken.yaml"])
    assert quick == _run(cli_main, ["scan", "broken.yaml"])
    assert quick[0] == 1 and "broken.yaml:4:1" in quick[1]


def test_a_file_over_the_size_limit_is_reported_the_same_by_both_paths(tmp_path, monkeypatch, cli_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.yaml").write_text(APP + "# " + "x" * MAX_FILE_SIZE + "\n")
    quick = _run(entry.main, ["scan", "big.yaml"])
    assert quick == _run(cli_main, ["scan", "big.yaml"])
    assert quick[0] == 1 and f"over the {MAX_FILE_SIZE:,}-byte limit" in quick[1]


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
def test_a_config_file_applies_the_same_on_both_paths(tmp_path, monkeypatch, cli_main, github_actions):
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
    assert quick == _run(cli_main, args)
    code, out, err = quick
    assert err == "mclint: warning: .mclint.yaml: pattern(s) matching no rule: azure-nothing-like-this\n"
    assert "skipped/pd.yaml" not in out  # excluded by the config
    assert ("::" in out) == bool(github_actions)  # workflow commands inside GitHub Actions
    assert "gcp-storage-provisioner" not in out  # waived
    assert ("::notice file=pd.yaml,line=16" if github_actions else "16:21   info   gcp-storage-class-name") in out
    assert code == 1  # two high findings, at or above fail-on: medium


def test_a_broken_config_file_is_reported_by_the_quick_path_as_the_cli_does(tmp_path, monkeypatch, cli_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mclint.yaml").write_text("fail-on: sometimes\n")
    (tmp_path / "app.yaml").write_text(APP)
    quick = _run(entry.main, ["scan", "app.yaml"])
    assert quick == _run(cli_main, ["scan", "app.yaml"])
    code, out, err = quick
    assert (code, out) == (2, "")
    assert err.startswith("mclint: bad configuration: ") and ".mclint.yaml:1:" in err
    assert _in_a_process(["scan", "app.yaml"], tmp_path, tmp_path)["click"] is False


def test_rules_dirs_of_a_found_config_are_refused_by_the_quick_path_as_the_cli_does(tmp_path, monkeypatch, cli_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mclint.yaml").write_text("rules-dirs: [rules]\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.yaml").write_text(BAD_RULE)
    (tmp_path / "app.yaml").write_text(APP)
    quick = _run(entry.main, ["scan", "app.yaml"])
    assert quick == _run(cli_main, ["scan", "app.yaml"])
    code, out, err = quick
    assert (code, out) == (2, "")
    assert err.startswith("mclint: bad configuration: .mclint.yaml: rules-dirs in a configuration found")
    code, out, err = _run(cli_main, ["scan", "app.yaml", "--trust-config"])
    assert (code, out) == (2, "")
    assert err.startswith("Usage: mclint scan [OPTIONS] [PATHS]...\n")
    assert "Error: bad rule definition: " in err and "rule is missing 'severity'" in err


def test_an_internal_error_is_one_line_on_the_quick_path_and_never_rerun(tmp_path, monkeypatch, cli_main):
    monkeypatch.chdir(REPO)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("mclint.api.scan", broken)
    args = ["scan", "fixtures/aws/irsa-service-account.yaml"]
    quick = _run(entry.main, args)
    assert quick == _run(cli_main, args)
    assert quick[0] == 2 and quick[2].startswith("mclint: internal error: RuntimeError: a bug\n")


@pytest.mark.parametrize(
    "args",
    [
        ["scan"],  # no files: the CLI scans "."
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


def test_the_console_script_writes_every_byte_and_exits_with_the_scan_code(tmp_path):
    """run() skips the interpreter's teardown: what it printed must still all be there, with the code."""
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "mclint", "scan", "--no-progress", "fixtures/aws", "-f", "json"]
    printed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    written = subprocess.run([*command, "-o", str(report)], cwd=REPO, capture_output=True, text=True, check=False)
    assert printed.returncode == written.returncode == 1, printed.stderr
    assert json.loads(printed.stdout) == json.loads(report.read_text())
    assert len(json.loads(printed.stdout)["findings"]) > 20
    clean = tmp_path / "app.yaml"
    clean.write_text(APP)
    quiet = subprocess.run(
        [sys.executable, "-m", "mclint", "scan", str(clean)], capture_output=True, text=True, check=False
    )
    assert quiet.returncode == 0 and "Portability score: 100/100" in quiet.stdout, quiet.stderr
