"""The same tree gives byte-identical JSON across runs, argument orders and --jobs values."""

from __future__ import annotations

import shutil

from tests.cli.runner import run
from tests.conftest import FIXTURES


def scan(*args: str) -> str:
    code, out, err = run(["scan", "--format", "json", "--no-progress", *args])
    assert code in (0, 1), err
    return out


def test_json_is_byte_identical_across_runs_orders_and_jobs(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    for provider in ("aws", "gcp", "azure"):
        shutil.copytree(FIXTURES / provider, tree / provider)
    for copy in range(30):  # enough files for the process pool to be used
        shutil.copy(FIXTURES / "aws" / "managed-services.yaml", tree / f"copy-{copy:02d}.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("mclint.api.PARALLEL_MIN_BYTES", 0)  # a small tree: use the pool all the same
    first = scan("tree", "--jobs", "1")
    assert first == scan("tree", "--jobs", "1")
    assert first == scan("tree", "--jobs", "2")
    assert first == scan("tree", "--jobs", "3")
    reordered = scan("tree/gcp", "tree/azure", "tree", "tree/aws", "--jobs", "2")
    assert reordered == first
    assert '"findings": [' in first and first.count('"rule_id"') > 100
