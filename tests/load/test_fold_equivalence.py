"""The loader reads files as it did before it read them with PyYAML's libyaml.

tests/load/reference_loader.py is a frozen copy of the loader before that change (ruamel.yaml's
C parser, then its pure-Python one). Every file here, and every generated document, must load to
the same documents (index and line), the same values and node types, the same line and column on
every node, every key, value and item position, the same sharing of aliased nodes, and the same
problems, in the same order.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mclint.load import load_bytes
from mclint.load.yamlstream import LEAN_MAX_BYTES, fold_libyaml
from tests.conftest import CORPUS, FIXTURES, needs_corpus
from tests.load import reference_loader
from tests.load.equivalence import difference

SUFFIXES = (".yaml", ".yml", ".json")
MAKE_CORPUS = CORPUS.parent / "bench" / "make_corpus.py"

EXAMPLES = settings(
    max_examples=int(os.environ.get("MCLINT_HYPOTHESIS_EXAMPLES", "150")) * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def same_as_before(data: bytes) -> str | None:
    return difference(reference_loader.load_bytes(data), load_bytes(data))


def differences(paths) -> list[str]:
    found = []
    for path in paths:
        diff = same_as_before(path.read_bytes())
        if diff:
            found.append(f"{path}: {diff}")
    return found


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def test_every_fixture_loads_as_before():
    paths = files_under(FIXTURES)
    assert paths
    assert differences(paths) == []


def test_every_fixture_without_an_error_takes_the_libyaml_path():
    """The equivalence above would still hold if every file fell back to ruamel.yaml: only slower."""
    slow = []
    for path in files_under(FIXTURES):
        data = path.read_bytes()
        if not reference_loader.load_bytes(data).problems and fold_libyaml(data) is None:
            slow.append(path)
    assert slow == []


@needs_corpus()
def test_every_corpus_file_loads_as_before():
    paths = files_under(CORPUS)
    assert len(paths) > 1000
    assert differences(paths) == []


@pytest.mark.skipif(not MAKE_CORPUS.is_file(), reason=f"{MAKE_CORPUS} is not present")
def test_the_benchmark_tree_loads_as_before(tmp_path):
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(tree), "--files", "60"], check=True, capture_output=True)
    paths = files_under(tree)
    assert len(paths) == 60
    assert differences(paths) == []


CASES = [
    # nulls, plain and quoted, tagged, as keys and values
    b"a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: '~'\ng: \"null\"\nh: !!str null\ni: ! null\nj: ! 'null'\n",
    b"~: a\nnull: b\n'~': c\n? \n: d\n",
    b"[~, null, '', \"\", !!null x, ! ~]\n",
    # merge keys: plain, quoted, aliases, lists of aliases, inline, scalar, override order
    b"base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
    b"a: &a {x: 1}\nb: &b {y: 2, x: 9}\nm:\n  z: 0\n  <<: [*a, *b]\n  x: 5\n",
    b"m:\n  '<<': {x: 1}\n  \"<<\": y\n",
    b"m:\n  <<: {x: 1, y: 2}\n  <<: [{z: 3}]\n  y: 4\n",
    b"m:\n  <<: scalar\n  <<: *undefined\n",
    b"a: &s <<\nm:\n  *s : 1\n",
    b"m: !!merge\n  <<: {a: 1}\n",
    # duplicates, at every level and with every kind of value
    b"kind: A\nkind: B\nkind: C\n",
    b"a:\n  b: 1\n  b: 2\na:\n  c: [1]\n",
    b"a: [1]\na: {x: 1}\na: *x\n",
    b"x: &x 1\na: 1\na: *x\n",
    b"~: 1\nnull: 2\n",
    # anchors, aliases, redefined anchors, aliases as keys, recursion, undefined
    b"a: &a [1, 2]\nb: *a\nc: &a x\nd: *a\n",
    b"a: &k key\n*k : value\n[*k]: x\n",
    b"a: &a [*a]\n",
    b"a: *nowhere\n",
    b"&r [1, *r]\n",
    b"- &a {x: 1}\n- *a\n- [*a, *a]\n",
    # complex keys
    b"? [a, b]\n: c\n? {x: 1}\n: d\n",
    b"{[a]: 1, {b: 2}: 3}\n",
    b"? [a]\n: 1\n? [a]\n: 2\n",
    b"? - a\n  - b\n: c\n",
    # tags never construct anything
    b"a: !!python/object/apply:os.system ['touch /tmp/mclint-x']\nb: !!binary aGk=\nc: !custom {x: 1}\n",
    b"!!map {a: !!seq [!!str 1]}\n",
    b"--- !!python/name:os.system\n",
    # documents: markers, empty documents, comments, ends, directives, a scalar root
    b"# only a comment\n",
    b"---\n---\n# c\n---\na: 1\n...\n",
    b"a: 1\n---\nb: 2\n--- c\n--- |\n  text\n--- >\n folded\n",
    b"a: 1\n...\nb: 2\n",
    b"%YAML 1.1\n---\na: 1\n",
    b"%YAML 1.2\n---\na: 1\n",
    b"%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    b"a: 1\n...\n%YAML 1.1\n---\nb: 2\n",
    b"--- # comment\na: 1\n--- &r\nb: 2\n",
    b"plain root\n",
    b"",
    b"\n\n\n",
    # line breaks and encodings
    b"a: 1\r\nb:\r\n  c: 2\r\n---\r\nd: 3\r\n",
    b"a: 1\rb: 2\r",
    b"\xef\xbb\xbfa: 1\n---\nb: 2\n",
    b"\xff\xfea\x00:\x00 \x001\x00\n\x00",
    b"a: caf\xc3\xa9\nb: \xe2\x80\xa8\nc: \xc2\x85x\n",
    b"a: caf\xe9\n",
    b'a: "\\/\\u00e9\\x41"\n',
    b'a: "\\\'"\n',
    # YAML 1.2 in flow collections, which the old libyaml refuses
    b"hosts: [host:80, a:b]\n",
    b"{a?b: c, d: [e?]}\n",
    b"{?a: b}\n",
    b"[\n\n  ? \xe2\x80\xa8host:80 ]\n",
    b"{? a\n- \nb \xe2\x80\xa8<?\n- ---\n}\n",
    b"[x]: [\xc3\xa9 \\? ]\n",
    b"<<: {a b?c}\n",
    b"[a: 1, b: 2]\n",
    b'{"a":1,"b":[true,null]}\n',
    # flow and block styles, nested, with positions on one line
    b"a: {b: [c, {d: e}], f: [[g]]}\nh:\n- - i\n  - j\n- k: l\n  m: n\n",
    b"a:\n- b\n-\n- - c\n",
    b"key:    value   # comment\n? explicit\n: value\n",
    b"a: |\n  literal\n  text\nb: >-\n  folded\n  text\nc: 'multi\n  line'\n",
    # broken files: documents before the error are kept
    b"a: 1\n---\nb: [1, 2\n",
    b"a: 1\n---\nb: {x\n",
    b"a: b: c\n",
    b"a:\n\t- b\n",
    b"- a\nb: c\n",
    b"{{ .Values.x }}\n",
    b"a: {{ .Values.x }}\n",
    # nesting around the limit
    b"[" * 999 + b"]" * 999,
    b"[" * 1000 + b"]" * 1000,
    b"[" * 1001 + b"]" * 1001,
    b"[" * 5000 + b"]" * 5000,
    b"- " * 999 + b"x\n",
    b"- " * 1001 + b"x\n",
    b"".join(b" " * i + b"k%d:\n" % i for i in range(1001)),
    # larger than the lean fold reads (LEAN_MAX_BYTES): the full fold's
    b"items:\n" + b"".join(b"- {name: n%d, value: [v%d, ~], n%d: x}\n" % (i, i, i % 7) for i in range(9000)),
    # alias bombs
    b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + b"".join(b"a%d: &a%d [%s]\n" % (i, i, b", ".join([b"*a%d" % (i - 1)] * 10)) for i in range(1, 9)),
    b"a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" * 3,
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_tricky_cases_load_as_before(data):
    assert same_as_before(data) is None


def test_a_large_file_takes_the_full_fold():
    data = CASES[-3]
    assert len(data) > LEAN_MAX_BYTES
    assert fold_libyaml(data) is not None
    assert same_as_before(data) is None


def test_an_alias_bomb_is_refused_on_the_libyaml_path_as_before():
    data = CASES[-2]
    documents, problems = fold_libyaml(data)
    assert documents == []
    assert problems == [p for p in reference_loader.load_bytes(data).problems]
    assert problems[-1].message == "aliases expand to more than 1,000,000 nodes (an alias bomb?)"


def test_yaml_1_2_in_flow_collections_takes_the_ruamel_path():
    """PyYAML's libyaml reads `:` and `?` inside a plain scalar in a flow collection; ruamel's refuses
    them and leaves the file to its pure-Python parser, which places some positions differently
    (see yamlstream._NewerYAML): such a file is read as it always was."""
    for data in (b"target: [frontend:80]\n", b"{a?b: c}\n", b"- [a, b:c]\n"):
        assert fold_libyaml(data) is None
        assert same_as_before(data) is None
    for data in (b"a: b:c\n", b"a: 'b:c'\n", b"[a, 'b:c', \"d?\", {e: f}]\n", b'{"a":1}\n'):
        assert fold_libyaml(data) is not None


def test_without_pyyaml_every_file_loads_as_before(monkeypatch):
    """PyYAML without its C extension: the libyaml path takes no file, ruamel.yaml reads them all."""
    from mclint.load import pyyaml, yamlstream

    monkeypatch.setattr(pyyaml, "binding", lambda: None)
    monkeypatch.setattr(yamlstream, "_cfold", None)  # as it then is: the C fold needs PyYAML's release
    assert fold_libyaml(b"a: 1\n") is None
    assert differences(files_under(FIXTURES)) == []
    assert [same_as_before(data) for data in CASES] == [None] * len(CASES)


def test_deep_nesting_is_refused_as_before():
    loaded = load_bytes(b"[" * 5000 + b"]" * 5000)
    assert [p.message for p in loaded.problems] == ["nesting deeper than 1000 levels"]


def test_an_undefined_alias_is_reported_as_before():
    loaded = load_bytes(b"a: 1\n---\nb: *x\n")
    assert [d.root for d in loaded.documents] == [{"a": "1"}]
    assert [tuple(p) for p in loaded.problems] == [(3, 4, "undefined alias '*x'")]


def test_no_tag_constructs_an_object(tmp_path):
    target = tmp_path / "constructed"
    data = (
        f"a: !!python/object/apply:os.system ['touch {target}']\n"
        f"b: !!python/object/new:os.system ['touch {target}']\n"
        "c: !!python/name:os.system\n"
        "d: !!python/module:os\n"
        "e: !!set {x}\n"
    ).encode()
    assert fold_libyaml(data) is not None  # the libyaml path read it
    root = load_bytes(data).documents[0].root
    assert root == {"a": [f"touch {target}"], "b": [f"touch {target}"], "c": "", "d": "", "e": {"x": None}}
    assert not target.exists()
    assert same_as_before(data) is None


# --- generated documents ------------------------------------------------------------------

WORDS = ["a", "b", "kind", "name", "x-y", "v1", "true", "1", "0.5", "null", "~", "Null", "NULL", "<<", "a b"]
QUOTABLE = [*WORDS, "", "a:b", "h: v", "#c", "*a", "&a", "- x", "[x]", "{x}", "é", "\\", "it's", 'say "x"']
TAGS = ["!!str", "!", "!custom", "!!python/object/apply:os.system", "!!null", "!!binary", "!!map", "!!seq"]


class Gen:
    """Builds YAML text from hypothesis draws: block and flow collections, anchors and aliases,
    merge keys, duplicate and complex keys, tags and quoted nulls."""

    def __init__(self, draw) -> None:
        self.draw = draw
        self.anchors: list[str] = []
        self.count = 0

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) < percent

    def props(self) -> str:
        """An optional tag and anchor; the anchor is defined once the node is complete (a
        collection's anchor cannot be used inside it)."""
        parts = []
        if self.chance(10):
            parts.append(self.pick(TAGS))
        if self.chance(15):
            self.count += 1
            parts.append(f"&n{self.count}")
        return " ".join(parts) + " " if parts else ""

    def defined(self, props: str) -> None:
        for part in props.split():
            if part.startswith("&"):
                self.anchors.append(part[1:])

    def alias(self) -> str:
        if self.chance(3):
            return "*nowhere"
        if self.anchors:
            return "*" + self.pick(self.anchors)
        return self.scalar(True)

    def scalar(self, flow: bool) -> str:
        kind = self.draw(st.integers(0, 9))
        if kind < 5:
            return self.pick(WORDS)
        text = self.pick(QUOTABLE)
        if kind < 7:
            return "'" + text.replace("'", "''") + "'"
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def flow(self, depth: int) -> str:
        kind = self.draw(st.integers(0, 9 if depth < 3 else 4))
        if kind < 4:
            props = self.props()
            text = props + self.scalar(True)
            self.defined(props)
            return text
        if kind == 4:
            return self.alias()
        props = self.props()
        size = self.draw(st.integers(0, 3))
        if kind < 7:
            text = "[" + ", ".join(self.flow(depth + 1) for _ in range(size)) + "]"
        else:
            text = "{" + ", ".join(f"{self.key(True, depth)}: {self.flow(depth + 1)}" for _ in range(size)) + "}"
        self.defined(props)
        return props + text

    def key(self, flow: bool, depth: int, pad: str = "") -> str:
        kind = self.draw(st.integers(0, 19))
        if kind < 12:
            return self.pick(["a", "b", "kind", "name", "x-y", "1"])  # few names: duplicates happen
        if kind < 14:
            return self.pick(["null", "~", "<<", "'<<'", '"~"', "''", "!!str null", "! null"])
        if kind < 16:
            return self.alias() + " "
        if kind < 18 and depth < 3:
            return "[" + self.flow(depth + 1) + "]" if flow else "? " + self.flow(depth + 1) + "\n" + pad + ":"
        return self.scalar(flow)

    def block(self, indent: int, depth: int) -> str:
        """A node after `key:` or `-`: inline (` value`) or on the next lines."""
        kind = self.draw(st.integers(0, 9 if depth < 4 else 5))
        if kind < 5:
            return " " + self.flow(depth)
        if kind == 5:
            return ""  # an empty value: null
        props = self.props()
        pad = " " * (indent + 2)
        if kind < 8:
            lines = []
            for _ in range(self.draw(st.integers(1, 3))):
                if self.chance(15):
                    lines.append(
                        f"{pad}<<: " + self.pick(["*" + (self.anchors or ["nowhere"])[-1], "{m: 1}", "[{m: 2}]"])
                    )
                    continue
                key = self.key(False, depth, pad)
                sep = "" if key.endswith(":") else ":"
                lines.append(f"{pad}{key}{sep}{self.block(indent + 2, depth + 1)}")
            text = "\n" + "\n".join(lines)
        else:
            text = "\n" + "\n".join(
                f"{pad}-{self.block(indent + 2, depth + 1)}" for _ in range(self.draw(st.integers(1, 3)))
            )
        self.defined(props)
        return (" " + props.strip() if props else "") + text

    def document(self) -> str:
        self.anchors = []
        kind = self.draw(st.integers(0, 9))
        if kind == 0:
            return ""
        if kind < 3:
            return self.flow(0)
        body = self.block(-2, 0)
        return body[1:] if body.startswith(("\n", " ")) else body


@st.composite
def yaml_streams(draw) -> bytes:
    gen = Gen(draw)
    parts = []
    for index in range(draw(st.integers(1, 3))):
        markers = ["", "---\n", "--- # c\n", "# c\n---\n"] + (["...\n---\n"] if index else [])
        marker = draw(st.sampled_from(markers))
        parts.append(("" if index == 0 and not marker else marker or "---\n") + gen.document() + "\n")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return "".join(parts).replace("\n", newline).encode()


@EXAMPLES
@given(yaml_streams())
def test_generated_yaml_loads_as_before(data):
    assert same_as_before(data) is None


@EXAMPLES
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}'\"#&*!|>%@`\n\t ,?.~<\\\u00e9\u2028")), max_size=120))
def test_yaml_punctuation_soup_loads_as_before(text):
    assert same_as_before(text.encode("utf-8")) is None


@EXAMPLES
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_as_before(data):
    assert same_as_before(data) is None


# --- the two libyaml builds ---------------------------------------------------------------


def libyaml_events(parser_class, error, data: bytes):
    """What the fold reads of each event, or the events before an error and the error."""
    parser = parser_class(data)
    events = []
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return events, None
            mark = event.start_mark
            events.append(
                (
                    type(event).__name__,
                    getattr(event, "value", None),
                    bool(getattr(event, "style", None)),
                    getattr(event, "tag", None),
                    getattr(event, "anchor", None),
                    getattr(event, "flow_style", None),
                    mark.line,
                    mark.column,
                )
            )
            if events[-1][0] == "StreamEndEvent":
                return events, None
    except error as failure:
        return events, failure


def libyaml_builds_agree(data: bytes) -> str | None:
    """PyYAML's libyaml gives the events ruamel.yaml's gives, wherever both read the file; where only
    PyYAML's reads it, a plain scalar in a flow collection holds `:` or `?` (yamlstream._NewerYAML)."""
    import ruamel.yaml.cyaml
    import ruamel.yaml.error
    import yaml._yaml
    import yaml.error

    old, old_error = libyaml_events(ruamel.yaml.cyaml.CParser, ruamel.yaml.error.YAMLError, data)
    new, new_error = libyaml_events(yaml._yaml.CParser, yaml.error.YAMLError, data)
    if old_error is None and new_error is None:
        return None if old == new else "the two builds give different events"
    if old_error is not None and new_error is None:
        flow: list[bool] = []
        for kind, value, styled, _, _, flow_style, _, _ in new:
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                flow.append(bool(flow_style))
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                flow.pop()
            elif kind == "ScalarEvent" and flow and flow[-1] and not styled and (":" in value or "?" in value):
                return None
        return f"only ruamel.yaml's libyaml refuses it ({old_error}), and not for YAML 1.2 in a flow collection"
    return None  # PyYAML's refuses it: the file takes the ruamel path


@needs_corpus()
def test_the_libyaml_builds_agree_on_the_corpus():
    found = [f"{path}: {diff}" for path in files_under(CORPUS) if (diff := libyaml_builds_agree(path.read_bytes()))]
    assert found == []


PIECES = [*"ab:-[]{},?'\"#&*!|>%.~\n\t ", "- ", ": ", "? ", "\n  ", "\n- ", "---\n", "...\n", "&a ", "*a", "!!str "]
PIECES += ["<<: ", "a:b", "a?b", "\u2028", "\u0085", "\u00e9", "\r\n", "%YAML 1.1\n", '"\\/"']


@EXAMPLES
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_libyaml_builds_agree_on_random_text(pieces):
    assert libyaml_builds_agree("".join(pieces).encode()) is None


@EXAMPLES
@given(yaml_streams())
def test_the_libyaml_builds_agree_on_generated_yaml(data):
    assert libyaml_builds_agree(data) is None
