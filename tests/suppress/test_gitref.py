"""--new-since: the tree at a ref is read through git, and the working tree is left as it was."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mclint.cli import main
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git(tmp_path, "init", "-q")
    shutil.copy(FIXTURES / "aws" / "irsa-service-account.yaml", tmp_path / "sa.yaml")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_only_findings_since_the_ref_are_reported(repo, capsys):
    moved = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pad\n---\n" + (repo / "sa.yaml").read_text()
    (repo / "sa.yaml").write_text(moved)
    shutil.copy(FIXTURES / "gcp" / "pd-storage.yaml", repo / "pd.yaml")
    code = main(["scan", "--new-since", "HEAD", "-f", "json", "."])
    report = __import__("json").loads(capsys.readouterr().out)
    assert {f["rule_id"] for f in report["findings"]} == {
        "gcp-storage-provisioner",
        "gcp-storage-class-name",
        "gcp-storage-csi-volume",
        "gcp-storage-in-tree-volume",
    }
    assert {(s["rule_id"], s["how"]) for s in report["suppressed"]} == {
        ("aws-identity-irsa-role", "baseline"),
        ("aws-identity-irsa-settings", "baseline"),
    }
    assert report["baseline"] == {"against": "already present at HEAD", "matched": 2, "gone": 0}
    assert code == 1
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status.splitlines() == [" M sa.yaml", "?? pd.yaml"]


def test_unknown_ref_is_a_usage_error(repo, capsys):
    assert main(["scan", "--new-since", "no-such-ref", "."]) == 2
    assert "--new-since no-such-ref: not a commit in this git repository" in capsys.readouterr().err
