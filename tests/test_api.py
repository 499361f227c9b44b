"""mclint.api: how many processes lint a tree (the results are the same either way: tests/cli/test_determinism.py)."""

from __future__ import annotations

from itertools import pairwise

from mclint import api
from mclint.discover import Source
from mclint.run import load_ruleset

FILE = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: '" + b"x" * 900 + b"'}\n"


def sources(tmp_path, count: int) -> list[Source]:
    found = []
    for index in range(count):
        path = tmp_path / f"f{index:04d}.yaml"
        path.write_bytes(FILE)
        found.append(Source(path, path.name))
    return found


def test_a_small_tree_is_linted_in_one_process_whatever_the_jobs(tmp_path):
    small = sources(tmp_path, 100)  # 100 KB: more files than PARALLEL_MIN_FILES, too few bytes
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


def test_pieces_cover_the_files_in_order_shrinking_towards_the_end():
    pieces = api._pieces(1000, 2)
    assert pieces[0] == (0, api.MAX_PIECE) and pieces[-1][1] == 1000
    assert all(end == start for (_, end), (start, _) in pairwise(pieces))  # consecutive, no gap
    sizes = [end - start for start, end in pieces]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] <= api.MIN_PIECE


def test_results_come_back_in_file_order_from_the_workers(tmp_path, monkeypatch):
    tree = sources(tmp_path, 80)
    monkeypatch.setattr(api, "PARALLEL_MIN_BYTES", 0)
    options = api.ScanOptions(jobs=2)
    ruleset = load_ruleset()
    assert api._use_processes(tree, options)
    results = list(api._lint_in_processes(tree, ruleset, options))
    alone = [api.lint_source(source, ruleset, options) for source in tree]
    assert [[(o.file, o.name) for o in r.objects] for r in results] == [
        [(o.file, o.name) for o in r.objects] for r in alone
    ]
    assert [r.objects[0].file for r in results] == [s.display for s in tree]


COUPLED = (
    b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
    b"    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n---\n"
    b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {storageClassName: gp3}\n---\n"
    b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
    b"    service.beta.kubernetes.io/aws-load-balancer-scheme: internal\n"
)


def test_pieces_from_the_workers_merge_as_their_files_results_do(tmp_path, monkeypatch):
    """The workers hand back pieces with their findings and objects encoded: the merged scan is the
    one the same files' results make one by one (findings, objects, counts, storage classes)."""
    tree = []
    for index in range(90):
        path = tmp_path / f"app{index:03d}.yaml"
        path.write_bytes(COUPLED if index % 3 else FILE)
        tree.append(Source(path, path.name))
    monkeypatch.setattr(api, "PARALLEL_MIN_BYTES", 0)
    options, ruleset = api.ScanOptions(jobs=2), load_ruleset()
    pieces = list(api._lint_in_processes(tree, ruleset, options, packed=True))
    assert len(pieces) > 3 and sum(len(piece.files) for piece in pieces) == len(tree)
    alone = [api.lint_source(source, ruleset, options) for source in tree]
    packed = api.merge(pieces, [], [], len(tree), len(ruleset))
    one_by_one = api.merge(alone, [], [], len(tree), len(ruleset))
    assert list(packed.findings) == list(one_by_one.findings)
    assert len(packed.findings) == len(one_by_one.findings) > 100
    assert list(packed.objects) == list(one_by_one.objects)
    assert packed.findings.counts == one_by_one.findings.counts
    assert packed.findings.conditional == one_by_one.findings.conditional > 0
    assert list(packed.facts) == list(one_by_one.facts)
    assert [(e.file, e.message) for e in packed.errors] == [(e.file, e.message) for e in one_by_one.errors]
