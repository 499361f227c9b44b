"""mclint.api: how many processes lint a tree (the results are the same either way: tests/cli/test_determinism.py)."""

from __future__ import annotations

from mclint import api
from mclint.discover import Source

FILE = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: '" + b"x" * 900 + b"'}\n"


def sources(tmp_path, count: int) -> list[Source]:
    found = []
    for index in range(count):
        path = tmp_path / f"f{index:04d}.yaml"
        path.write_bytes(FILE)
        found.append(Source(path, path.name))
    return found


def test_a_small_tree_is_linted_in_one_process_whatever_the_jobs(tmp_path):
    small = sources(tmp_path, 300)  # 300 KB: more files than PARALLEL_MIN_FILES, too few bytes
    assert len(small) >= api.PARALLEL_MIN_FILES
    assert api._use_processes(small, api.ScanOptions(jobs=4)) is False


def test_a_large_tree_gets_the_workers_and_one_job_never_does(tmp_path, monkeypatch):
    tree = sources(tmp_path, 100)
    monkeypatch.setattr(api, "PARALLEL_MIN_BYTES", 50 * len(FILE))
    assert api._use_processes(tree, api.ScanOptions(jobs=2)) is True
    assert api._use_processes(tree, api.ScanOptions(jobs=1)) is False
    assert api._use_processes(tree[:40], api.ScanOptions(jobs=2)) is False  # under PARALLEL_MIN_FILES


def test_a_file_gone_before_it_is_counted_counts_nothing(tmp_path, monkeypatch):
    tree = sources(tmp_path, 100)
    monkeypatch.setattr(api, "PARALLEL_MIN_BYTES", 100 * len(FILE))
    tree[0].path.unlink()
    assert api._use_processes(tree, api.ScanOptions(jobs=2)) is False
