"""The values _fold_document builds equal a reference parser's, on fixtures/, the corpus and generated YAML.

_fold_document is one loop with everything inlined for speed; its positions are tested elsewhere,
this checks what it builds. The reference is PyYAML's safe loader set to mclint's reading of YAML:
every scalar stays text, only a plain null (empty, ~, null, Null, NULL) becomes None, tags are
ignored, merge keys merge (explicit keys win) and anchors are shared. Null keys read as "null".
(One reading the reference cannot copy: an explicit !!null on a plain scalar, which mclint keeps
as text; generated YAML never has one.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mclint.load.yamlstream import Document, parse_documents
from tests.conftest import CORPUS, FIXTURES

BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceLoader(BASE):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers: ClassVar[dict] = {}  # only null and merge are read from plain text


ReferenceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
ReferenceLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


def _text(loader, node):
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else _untagged(loader, node)


def _untagged(loader, node):
    """A node whose tag mclint ignores: its text, its items, or its entries."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [loader.construct_object(item, deep=True) for item in node.value]
    return loader.construct_mapping(node, deep=True)


def _null(loader, node):
    """None for a plain null; a quoted one is text whatever its tag (the emitter tags quoted nulls)."""
    return None if not node.style else node.value  # plain: None from the Python parser, "" from libyaml


ReferenceLoader.add_constructor("tag:yaml.org,2002:null", _null)
for tag in ("bool", "int", "float", "timestamp", "binary", "str"):
    ReferenceLoader.add_constructor(f"tag:yaml.org,2002:{tag}", _text)
for tag in ("set", "omap", "pairs"):
    ReferenceLoader.add_constructor(f"tag:yaml.org,2002:{tag}", _untagged)
ReferenceLoader.add_constructor(None, _untagged)


def _null_keys_as_text(value):
    if isinstance(value, dict):
        return {("null" if k is None else k): _null_keys_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_keys_as_text(item) for item in value]
    return value


def reference_values(text: str) -> list:
    return [_null_keys_as_text(document) for document in yaml.load_all(text, Loader=ReferenceLoader)]


def mclint_values(text: str) -> list | None:
    """Each document's root as mclint folds it; None when the stream has a problem."""
    items = list(parse_documents(text))
    if not all(isinstance(item, Document) for item in items):
        return None
    return [item.root for item in items]


def assert_same_values(text: str) -> None:
    ours = mclint_values(text)
    if ours is None:
        return  # problems are the loader tests' subject
    try:
        theirs = reference_values(text)
    except (yaml.YAMLError, TypeError, ValueError, RecursionError):
        return  # the reference refuses it (a complex key, a merge of a scalar): nothing to compare
    assert ours == theirs


def _manifests(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def _readable(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


@pytest.mark.parametrize("path", _manifests(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_values_equal_the_reference(path):
    text = _readable(path)
    if text is not None:
        assert_same_values(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not present")
def test_corpus_values_equal_the_reference():
    compared, different = 0, []
    for path in _manifests(CORPUS):
        text = _readable(path)
        if text is None or "{{" in text:  # Go templates: not YAML to compare
            continue
        try:
            assert_same_values(text)
        except AssertionError:
            different.append(str(path.relative_to(CORPUS)))
        compared += 1
    assert compared > 2000
    assert different == []


HANDWRITTEN = [
    "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "a: &a {k: v}\nb: &b {k: w, z: 1}\nc:\n  <<: [*a, *b]\n",
    "c:\n  z: 0\n  <<: {z: 1, q: 2}\n",
    "list: &l [1, 2]\nagain: *l\nscalar: &s text\nsame: *s\n",
    "plain: null\nquoted: 'null'\ntilde: ~\nempty:\nupper: NULL\ntagged: !!str null\n",
    "? complex\n: value\nnull: x\n",
    "yes: no\non: off\nnumber: 012\nfloat: .5\ndate: 2024-01-01\nbinary: !!binary aGk=\n",
    "custom: !thing {a: 1}\nseq: !things [1, 2]\nset: !!set {a, b}\n",
    "---\n---\na: 1\n...\n---\n- x\n",
    'folded: >\n  one\n  two\nliteral: |\n  one\n  two\nquoted: "a\\tb\\u00e9"\n',
    '{"apiVersion": "v1", "kind": "List", "items": [{"a": null}, {"b": [1, 2.5, true]}]}',
]


@pytest.mark.parametrize("text", HANDWRITTEN)
def test_handwritten_values_equal_the_reference(text):
    assert mclint_values(text) is not None
    assert mclint_values(text) == reference_values(text)


SCALARS = st.none() | st.text(max_size=20) | st.sampled_from(["true", "1", "0x10", "1e3", "~", "", "<<", "- x", "a: b"])
KEYS = st.text(max_size=10) | st.sampled_from(["apiVersion", "kind", "metadata", "null", "<<", "? x", "a b"])
TREES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25
)
STYLES = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, True, None]),
        "default_style": st.sampled_from([None, '"', "'"]),
        "allow_unicode": st.booleans(),
        "width": st.sampled_from([20, 80, 1000]),
        "explicit_start": st.booleans(),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREES, shared=TREES, style=STYLES)
def test_generated_values_equal_the_reference(tree, shared, style):
    documents = [tree, {"first": shared, "again": [shared, tree]}]  # shared containers dump as anchors and aliases
    try:
        text = yaml.safe_dump_all(documents, sort_keys=False, **style)
    except yaml.YAMLError:
        assume(False)
    assert_same_values(text)
