"""mclint's output does not depend on its C twins: the same JSON with them and without them."""

from __future__ import annotations

import pytest

from mclint.load import yamlstream
from mclint.rules import present, walk
from tests.cli.runner import run
from tests.conftest import CORPUS, FIXTURES, needs_corpus

BUILT = (yamlstream.c_fold(), walk._cwalk, present._cliterals)


def scan_json(*paths: str) -> str:
    code, out, err = run(["scan", "--format", "json", "--no-progress", "--render", "off", "--jobs", "1", *paths])
    assert code in (0, 1), err
    assert '"rule_id"' in out
    return out


def without_twins(monkeypatch) -> None:
    monkeypatch.setattr(yamlstream, "_cfold", None)
    monkeypatch.setattr(walk, "_cwalk", None)
    monkeypatch.setattr(present, "_cliterals", None)


@pytest.mark.skipif(BUILT == (None, None, None), reason="no C twin was built here")
def test_fixtures_scan_the_same_without_the_c_twins(monkeypatch):
    monkeypatch.chdir(FIXTURES.parent)
    with_twins = scan_json("fixtures")
    without_twins(monkeypatch)
    assert scan_json("fixtures") == with_twins


@pytest.mark.skipif(BUILT == (None, None, None), reason="no C twin was built here")
@needs_corpus()
def test_operator_repositories_scan_the_same_without_the_c_twins(monkeypatch):
    """The custom-resource repositories: deep objects, long strings, many documents per file."""
    folders = sorted(
        str(p)
        for p in CORPUS.iterdir()
        if p.is_dir()
        and any(n in p.name.lower() for n in ("kuberay", "spark", "trainer", "azure-service-operator", "crossplane"))
    )
    assert len(folders) >= 3
    with_twins = scan_json(*folders)
    without_twins(monkeypatch)
    assert scan_json(*folders) == with_twins
