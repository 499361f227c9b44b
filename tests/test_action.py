"""action.yml, read and run as the Actions runner runs a composite action's bash steps.

Each step's `${{ ... }}` expressions are filled in from the inputs' defaults, the runner's
directories and earlier steps' outputs, and its script runs under `bash --noprofile --norc -eo
pipefail`, with GITHUB_OUTPUT, GITHUB_PATH and GITHUB_ENV files as the runner gives them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

yaml = pytest.importorskip("yaml")
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("id") or step["name"]: step for step in ACTION["runs"]["steps"]}
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def fill(text: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m.group(1)], text)


def run_step(step: dict, context: dict[str, str], workspace: Path) -> tuple[int, str, dict[str, str], Path]:
    """(exit code, stdout, the step's outputs, the runner's file directory) of one bash step."""
    files = workspace.parent / f"runner-files-{step.get('id')}"
    files.mkdir(exist_ok=True)
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    env |= {name: str(files / name) for name in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")}
    env |= {name: fill(str(value), context) for name, value in step.get("env", {}).items()}
    script = files / "step.sh"
    script.write_text(fill(step["run"], context), encoding="utf-8")
    assert step["shell"] == "bash"
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = files / "GITHUB_OUTPUT"
    lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
    return proc.returncode, proc.stdout + proc.stderr, dict(line.split("=", 1) for line in lines), files


def context_for(workspace: Path, **inputs: str) -> dict[str, str]:
    defaults = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    return {
        **defaults,
        **{f"inputs.{name.replace('_', '-')}": value for name, value in inputs.items()},
        "runner.temp": str(workspace.parent / "runner-temp"),
        "github.action_path": str(REPO),
    }


def test_the_action_uploads_with_codeql_v4_and_leaves_the_callers_python_alone():
    uses = [step.get("uses", "") for step in ACTION["runs"]["steps"]]
    assert "github/codeql-action/upload-sarif@v4" in uses
    assert not any(u.startswith("actions/setup-python") for u in uses)  # it would change the job's python
    scripts = "\n".join(step.get("run", "") for step in ACTION["runs"]["steps"])
    assert "GITHUB_PATH" not in scripts and "GITHUB_ENV" not in scripts
    assert "-m venv" in STEPS["install"]["run"] and "pip install" in STEPS["install"]["run"]
    assert '"$MCLINT_BIN/mclint" scan' in STEPS["scan"]["run"]
    assert {name: spec["value"] for name, spec in ACTION["outputs"].items()} == {
        "score": "${{ steps.scan.outputs.score }}",
        "findings": "${{ steps.scan.outputs.findings }}",
        "sarif-file": "${{ steps.scan.outputs.sarif-file }}",
    }


@pytest.fixture
def workspace(tmp_path):
    tree = tmp_path / "workspace"
    (tree / "k8s").mkdir(parents=True)
    shutil.copy(FIXTURES / "aws" / "irsa-service-account.yaml", tree / "k8s" / "sa.yaml")
    shutil.copy(FIXTURES / "gcp" / "pd-storage.yaml", tree / "k8s" / "pd.yaml")
    (tmp_path / "runner-temp").mkdir()
    return tree


def installed_bin() -> str:
    """The test environment's own mclint stands in for the one the install step makes."""
    folder = Path(sys.executable).parent
    if not (folder / "mclint").exists():
        pytest.skip("no mclint console script beside the test interpreter")
    return str(folder)


@pytest.mark.parametrize(("fail_on", "expected_exit"), [("high", 1), ("none", 0)])
def test_the_scan_step_annotates_writes_sarif_and_sets_the_outputs(workspace, fail_on, expected_exit):
    context = {**context_for(workspace, paths="k8s", fail_on=fail_on), "steps.install.outputs.bin": installed_bin()}
    code, log, outputs, _ = run_step(STEPS["scan"], context, workspace)
    assert code == expected_exit, log
    expected = subprocess.run(
        [sys.executable, "-m", "mclint", "scan", "k8s", "-f", "json"], cwd=workspace, capture_output=True, text=True
    )
    report = json.loads(expected.stdout)
    assert outputs == {
        "score": str(report["score"]),
        "findings": str(report["summary"]["findings"]),
        "sarif-file": "mclint.sarif",
    }
    sarif = json.loads((workspace / "mclint.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == report["summary"]["findings"] == 6
    assert "::error file=k8s/sa.yaml,line=8,col=5,title=aws-identity-irsa-role" in log


def test_a_tree_with_nothing_to_score_gives_an_empty_score_output(workspace):
    context = {**context_for(workspace, paths="empty"), "steps.install.outputs.bin": installed_bin()}
    (workspace / "empty").mkdir()
    code, log, outputs, _ = run_step(STEPS["scan"], context, workspace)
    assert code == 0, log
    assert outputs == {"score": "", "findings": "0", "sarif-file": "mclint.sarif"}


def test_the_outputs_are_set_even_when_the_scan_is_refused(workspace):
    context = {**context_for(workspace, args="--no-such-option"), "steps.install.outputs.bin": installed_bin()}
    code, log, outputs, _ = run_step(STEPS["scan"], context, workspace)
    assert code == 2 and "No such option '--no-such-option'" in log
    assert outputs == {"sarif-file": "mclint.sarif"}


@pytest.mark.slow
def test_the_install_step_builds_its_own_environment(workspace):
    """A real venv and pip install of this repository, as on a runner; the job's environment is untouched."""
    context = {**context_for(workspace, python=sys.executable)}
    code, log, outputs, files = run_step(STEPS["install"], context, workspace)
    if code != 0 and "Could not find a version" in log:
        pytest.skip("the package index cannot be reached")
    assert code == 0, log
    venv = Path(context["runner.temp"]) / "mclint-venv"
    assert outputs == {"bin": str(venv / "bin")}
    version = subprocess.run([str(venv / "bin" / "mclint"), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("mclint, version ")
    assert not (files / "GITHUB_PATH").exists() and not (files / "GITHUB_ENV").exists()
    scan_context = {**context_for(workspace, paths="k8s"), "steps.install.outputs.bin": outputs["bin"]}
    code, _, scanned, _ = run_step(STEPS["scan"], scan_context, workspace)
    assert code == 1 and scanned["findings"] == "6"
