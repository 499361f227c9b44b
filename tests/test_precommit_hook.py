"""The pre-commit hook, proved with a real `pre-commit try-repo` against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

pytestmark = [pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"), pytest.mark.slow]


def pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "pre_commit", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def manifest_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("manifests")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(FIXTURES / "aws/irsa-service-account.yaml", repo / "coupled.yaml")
    shutil.copy(FIXTURES / "gcp/near-miss-comments-and-configmap.yaml", repo / "clean.yaml")
    (repo / "notes.txt").write_text("not a manifest\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_hook_fails_on_a_coupled_manifest_and_names_rule_and_line(manifest_repo, hook_home):
    proc = pre_commit(["try-repo", str(REPO), "mclint", "--files", "coupled.yaml"], manifest_repo, hook_home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "aws-identity-irsa-role" in output
    assert "8:5" in output
    assert "Traceback" not in output


def test_hook_passes_on_a_clean_manifest_and_ignores_other_files(manifest_repo, hook_home):
    proc = pre_commit(["try-repo", str(REPO), "mclint", "--files", "clean.yaml", "notes.txt"], manifest_repo, hook_home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Passed" in output


def test_many_files_get_one_verdict(tmp_path, hook_home):
    """pre-commit splits the files of a commit into batches, one process each, unless the hook is
    serial: then the commit gets one compact report (a line per finding) and one score."""
    repo = tmp_path / "many"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for index in range(40):
        shutil.copy(FIXTURES / "aws/irsa-service-account.yaml", repo / f"sa-{index:02}.yaml")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    proc = pre_commit(["try-repo", str(REPO), "mclint", "--all-files", "--verbose"], repo, hook_home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert output.count("Portability score:") == 1, output
    assert output.count("Workloads: ") == 1, output
    assert output.count(": high aws-identity-irsa-role ") == 40, output  # concise: FILE:LINE:COL: SEVERITY RULE
    assert "Couplings by provider and category" not in output


def test_chart_files_bring_in_the_charts_static_pass(tmp_path, hook_home):
    repo = tmp_path / "charts"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copytree(FIXTURES / "render/chart-eks", repo / "chart")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    files = ["chart/values.yaml", "chart/templates/service.yaml"]
    proc = pre_commit(["try-repo", str(REPO), "mclint", "--files", *files], repo, hook_home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "chart/templates/service.yaml" in output and "aws-network-lb-internal" in output
    assert "Traceback" not in output
