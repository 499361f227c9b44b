"""Resolving paths with each folder resolved once gives what os.path.realpath gives."""

from __future__ import annotations

import os

import pytest

from mclint.render.paths import forget_folders, real_path


@pytest.fixture
def tree(tmp_path):
    real = tmp_path / "real"
    (real / "base").mkdir(parents=True)
    (real / "base" / "kustomization.yaml").write_text("resources: []\n", encoding="utf-8")
    (tmp_path / "through").symlink_to(real, target_is_directory=True)
    (real / "base" / "named").symlink_to(real / "base" / "kustomization.yaml")
    (real / "base" / "dangling").symlink_to(tmp_path / "nowhere")
    (real / "base" / "loop").symlink_to(real / "base" / "loop")
    (real / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    return tmp_path


def test_every_kind_of_path_resolves_as_realpath_does(tree, monkeypatch):
    monkeypatch.chdir(tree)
    forget_folders()
    cases = [
        tree / "real" / "base" / "kustomization.yaml",
        tree / "through" / "base" / "kustomization.yaml",  # a link among the folders
        tree / "through" / "base" / "named",  # the name itself a link
        tree / "through" / "base" / "dangling",
        tree / "through" / "base" / "loop",
        tree / "through" / "base" / "missing.yaml",
        tree / "through" / "elsewhere" / "through" / "base",
        f"{tree}/through/elsewhere/../base",  # `..` after a link: the link first
        f"{tree}/through/./base//kustomization.yaml",
        "through/base/kustomization.yaml",  # relative
        "/",
    ]
    for _ in range(2):  # the second time from what the first learned
        for case in cases:
            assert real_path(case) == os.path.realpath(case), case


def test_a_new_scan_does_not_keep_what_the_last_one_resolved(tree):
    forget_folders()
    moved = tree / "moved"
    moved.symlink_to(tree / "real", target_is_directory=True)
    assert real_path(moved / "base" / "x") == str(tree / "real" / "base" / "x")
    moved.unlink()
    moved.symlink_to(tree / "through" / "elsewhere", target_is_directory=True)
    forget_folders()
    assert real_path(moved / "base" / "x") == os.path.realpath(moved / "base" / "x") == str(tree / "base" / "x")
