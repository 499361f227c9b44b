"""The C fold (mclint/load/_cfold.c) against the Python lean fold it replaces, outcome for outcome.

The equivalence tests (test_fold_equivalence.py) check whichever fold this machine runs against
the loader before both; these check the two folds against each other, so the Python one, which
machines without a compiler or libyaml's headers run, stays what the C one is.
"""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mclint.load import Document, MapNode, SeqNode, load_bytes, pyyaml, yamlstream
from mclint.load.yamlstream import LEAN_MAX_BYTES, _duplicate, _fold_lean, _NewerYAML, _Unusual
from tests.conftest import CORPUS, FIXTURES, needs_corpus
from tests.load.equivalence import difference
from tests.load.test_fold_equivalence import CASES, EXAMPLES, PIECES, files_under, yaml_streams

cfold = yamlstream.c_fold()
libyaml = pyyaml.binding()
needs_cfold = pytest.mark.skipif(cfold is None, reason="the C fold was not built here (no compiler or libyaml headers)")


class Loaded:
    def __init__(self, documents, problems) -> None:
        self.documents, self.problems = documents, problems


def python_outcome(data: bytes):
    try:
        return Loaded(*_fold_lean(libyaml.parser(data).get_event))
    except _Unusual:
        return "unusual"
    except (_NewerYAML, libyaml.error):
        return "not libyaml"


def c_outcome(data: bytes):
    folded = cfold.fold(data, MapNode, SeqNode, Document, _duplicate)
    if folded.__class__ is tuple:
        return Loaded(*folded)
    return {cfold.UNUSUAL: "unusual", cfold.NOT_LIBYAML: "not libyaml"}[folded]


def fold_difference(data: bytes) -> str | None:
    """Where the C fold reads `data` otherwise than the Python one. It may hand a file to the full
    fold that the Python one reads itself (that file is then read as before, only slower); the
    corpus test bounds how often."""
    old, new = python_outcome(data), c_outcome(data)
    if new == "unusual":
        return None
    if isinstance(old, str) or isinstance(new, str):
        return (
            None
            if old == new
            else f"{old if isinstance(old, str) else 'folded'} != {new if isinstance(new, str) else 'folded'}"
        )
    return difference(old, new)


@needs_cfold
@pytest.mark.parametrize("data", [c for c in CASES if len(c) <= LEAN_MAX_BYTES], ids=lambda c: repr(c[:30]))
def test_tricky_cases_fold_the_same_in_c(data):
    assert fold_difference(data) is None


@needs_cfold
def test_every_outcome_is_met_by_the_cases():
    """The cases reach every way out of the C fold, so the comparison above covers each."""
    outcomes = {
        c if isinstance(c, str) else "folded" for c in map(c_outcome, (c for c in CASES if len(c) <= LEAN_MAX_BYTES))
    }
    assert outcomes == {"folded", "unusual", "not libyaml"}


@needs_cfold
def test_every_fixture_folds_the_same_in_c():
    paths = files_under(FIXTURES)
    assert paths
    assert [f"{p}: {d}" for p in paths if (d := fold_difference(p.read_bytes()))] == []


@needs_cfold
@needs_corpus()
def test_every_corpus_file_folds_the_same_in_c():
    paths = [p for p in files_under(CORPUS) if p.stat().st_size <= LEAN_MAX_BYTES]
    assert len(paths) > 1000
    assert [f"{p}: {d}" for p in paths if (d := fold_difference(p.read_bytes()))] == []
    handed = [
        p for p in paths if c_outcome(p.read_bytes()) == "unusual" and python_outcome(p.read_bytes()) != "unusual"
    ]
    assert handed == []


@needs_cfold
@pytest.mark.parametrize(
    "data",
    [b"a: [ ? ]\n", b"[?]\n", b"a: [ ? ] ]\n", b"[ ? , a]\n", b"[" * 1001 + b"]" * 1001, b"- " * 1001 + b"x\n"],
    ids=["spaced", "bare", "extra bracket", "then an entry", "deep flow", "deep block"],
)
def test_what_two_libyaml_releases_read_differently_goes_to_the_full_fold(data, monkeypatch):
    """libyaml 0.2.6 (PyYAML's) refuses nesting past 1000 levels, and reads a `]` right after an
    explicit key in a flow sequence, which 0.2.5 skips (libyaml pull requests 287, 295 and 296):
    the C fold reads none of them, whatever release it links."""
    assert c_outcome(data) == "unusual"
    with_c = load_bytes(data)
    monkeypatch.setattr(yamlstream, "_cfold", None)
    assert difference(load_bytes(data), with_c) is None


@needs_cfold
def test_the_c_fold_runs_only_with_the_libyaml_releases_it_is_tested_with(monkeypatch):
    assert yamlstream._usable_cfold() is cfold
    monkeypatch.setattr(pyyaml, "libyaml_version", lambda: "0.2.7")
    assert yamlstream._usable_cfold() is None


@needs_cfold
@EXAMPLES
@given(yaml_streams())
def test_generated_yaml_folds_the_same_in_c(data):
    assert fold_difference(data) is None


@needs_cfold
@EXAMPLES
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_random_text_folds_the_same_in_c(pieces):
    assert fold_difference("".join(pieces).encode()) is None


@needs_cfold
@EXAMPLES
@given(st.binary(max_size=200))
def test_arbitrary_bytes_fold_the_same_in_c(data):
    assert fold_difference(data) is None


@needs_cfold
def test_the_c_fold_keeps_no_memory():
    """Every object it makes is the result's or freed, on each way out: folding the same files
    again and again, results dropped, leaves the traced memory where it was."""
    files = [b"a: {b: [c, {d: e}]}\nb: 1\nb: 2\n---\n- x\n", b"a: &x 1\n", b"a: [b:c]\n", b"a: [1\n", b"? [a]\n: b\n"]
    for data in files:  # warm every cache first
        c_outcome(data)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            for data in files:
                c_outcome(data)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000


def test_without_the_c_fold_every_fixture_loads_the_same(monkeypatch):
    paths = files_under(FIXTURES)
    built = {p: load_bytes(p.read_bytes()) for p in paths}
    monkeypatch.setattr(yamlstream, "_cfold", None)
    assert [f"{p}: {d}" for p in paths if (d := difference(built[p], load_bytes(p.read_bytes())))] == []


class _MapWithoutSlots(dict):
    """A mapping type the C fold does not know the layout of: it is called, as Python would."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column, self.keys_at, self.values_at = line, column, {}, {}


class _SeqWithoutSlots(list):
    def __init__(self, line: int, column: int) -> None:
        self.line, self.column, self.items_at = line, column, []


def _shape(node: object) -> object:
    """A node as plain data: its positions, tables and children, whatever its class."""
    if isinstance(node, dict):
        tables = (dict(node.keys_at), dict(node.values_at))
        return ("map", node.line, node.column, tables, {key: _shape(value) for key, value in node.items()})
    if isinstance(node, list):
        return ("seq", node.line, node.column, list(node.items_at), [_shape(item) for item in node])
    return node


SHALLOW_CASES = [c for c in CASES if len(c) <= LEAN_MAX_BYTES and c.count(b"[") + c.count(b"-") < 500]
"""The cases _shape can walk within Python's recursion limit."""


@needs_cfold
@pytest.mark.parametrize("data", SHALLOW_CASES, ids=lambda c: repr(c[:30]))
def test_nodes_made_without_their_init_are_the_nodes_their_init_makes(data):
    """The fold makes MapNode and SeqNode with dict's and list's own constructors and sets their
    slots; given types whose slots it does not know, it calls them: the trees are the same."""
    made = cfold.fold(data, MapNode, SeqNode, Document, _duplicate)
    called = cfold.fold(data, _MapWithoutSlots, _SeqWithoutSlots, Document, _duplicate)
    if made.__class__ is not tuple:
        assert called == made
        return
    assert [(d.index, d.line, _shape(d.root)) for d in called[0]] == [
        (d.index, d.line, _shape(d.root)) for d in made[0]
    ]
    assert called[1] == made[1]
    for document in made[0]:
        stack = [document.root]
        while stack:
            node = stack.pop()
            assert type(node) in (MapNode, SeqNode, str, type(None))
            if type(node) is MapNode:
                assert (type(node.keys_at), type(node.values_at), type(node.line)) == (dict, dict, int)
                stack.extend(node.values())
            elif type(node) is SeqNode:
                assert (type(node.items_at), type(node.column)) == (list, int)
                stack.extend(node)
