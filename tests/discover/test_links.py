"""What a scanned tree's links and special files can make discovery do: nothing outside the tree is
read, nothing loops or blocks, and every one of them is reported."""

from __future__ import annotations

import io
import os
import sys

import pytest

from mclint.discover import Source, discover, read_source
from tests.cli.runner import run

GOOD = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: good\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """tmp/tree holds a good file and every kind of hostile link; tmp/outside.yaml lies outside it."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "outside.yaml").write_text(GOOD.replace("good", "secret-outside"), encoding="utf-8")
    os.symlink("b.yaml", root / "a.yaml")
    os.symlink("a.yaml", root / "b.yaml")
    os.symlink("d", root / "d")
    os.symlink("../outside.yaml", root / "leak.yaml")
    os.symlink("/dev/zero", root / "zero.yaml")
    os.symlink("nowhere.yaml", root / "dangling.yaml")
    os.symlink("../good.yaml", root / "sub" / "inside.yaml")
    os.mkfifo(root / "fifo.yaml")
    return root


def test_links_loops_fifos_and_devices_are_reported_and_only_the_tree_is_read(tree):
    found = discover(["tree"])
    assert [s.display for s in found.sources] == ["tree/good.yaml", "tree/sub/inside.yaml"]
    assert sorted((e.file, e.message) for e in found.errors) == [
        ("tree/a.yaml", "symbolic link loop"),
        ("tree/b.yaml", "symbolic link loop"),
        ("tree/dangling.yaml", "broken symbolic link"),
        ("tree/fifo.yaml", "not a regular file (a FIFO): not read"),
        ("tree/zero.yaml", "not a regular file (a device): not read"),
    ]
    assert [(s.file, s.reason) for s in found.skipped] == [
        ("tree/leak.yaml", "symbolic link to a file outside the scanned paths: not followed")
    ]


def test_a_named_loop_or_link_out_of_the_working_directory_is_not_read(tree, monkeypatch):
    monkeypatch.chdir(tree)
    found = discover(["d", "leak.yaml", "a.yaml", "fifo.yaml"])
    assert found.sources == []
    assert [e.message for e in found.errors] == [
        "symbolic link loop",
        "symbolic link loop",
        "not a regular file (a FIFO): not read",
    ]
    assert [s.file for s in found.skipped] == ["leak.yaml"]


def test_the_scan_reports_them_and_no_outside_name_appears(tree):
    code, out, err = run(["scan", "tree", "-f", "json", "--no-progress"])
    assert code == 1 and "internal error" not in err
    assert "secret-outside" not in out
    assert '"file": "tree/fifo.yaml"' in out and '"file": "tree/leak.yaml"' in out


def test_config_discovery_survives_a_config_link_loop(tree):
    os.symlink(".mclint.yaml", tree / ".mclint.yaml")
    code, out, err = run(["scan", "tree/d", "-f", "concise"])
    assert code == 1 and "internal error" not in err and "tree/d:1:1: error mclint-error symbolic link loop" in out
    code, out, err = run(["scan", "tree", "-f", "concise", "--no-progress"])
    assert code == 1 and "tree/.mclint.yaml:1:1: error mclint-error symbolic link loop" in out


def test_stdin_gets_the_file_size_limit(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 101)))
    data, problem = read_source(Source(None, "<stdin>"), max_size=100)
    assert data is None and "over the 100-byte limit" in problem.message
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 100)))
    assert read_source(Source(None, "<stdin>"), max_size=100) == (b"x" * 100, None)


def test_a_chart_template_or_values_link_leading_out_of_the_tree_is_not_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")  # no helm: the static pass reads template text
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("annotations:\n  eks.amazonaws.com/role-arn: arn:aws:iam::1:role/secret\n")
    chart = tmp_path / "tree" / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    os.symlink(outside / "secret.yaml", chart / "values.yaml")
    os.symlink(outside / "secret.yaml", chart / "templates" / "leak.yaml")
    code, out, err = run(["scan", "tree", "-f", "json", "--no-progress"])
    assert code == 0 and "internal error" not in err
    assert "role/secret" not in out and '"findings": []' in out
    assert '"file": "tree/chart/values.yaml", "reason": "symbolic link to a file outside the scanned paths' in out
