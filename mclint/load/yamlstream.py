"""Fold libyaml's event stream into the light positioned tree.

Building the tree straight from events is what keeps mclint close to the parse floor: a Python
composer and constructors cost several times the parse itself. Tags are ignored, so no document
can construct a Python object, and aliases are shared, never copied, with a budget on how far they
may expand so an alias bomb stays small.

Two event sources feed the same fold. `fold_libyaml` reads PyYAML's libyaml extension, whose event
objects cost about a third less to make than ruamel.yaml's (one Python frame each, not three); it
is the path every file takes first. `parse_documents` reads ruamel.yaml's C parser, or its pure-
Python parser for the YAML 1.2 the C one refuses. mclint.load reads a file that way when
`fold_libyaml` does not take it (a syntax error, or YAML 1.2 only the newer libyaml reads), so
problems, the documents kept before one, and YAML 1.2 files read as they always have.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import NamedTuple

import mclint.load.pyyaml as pyyaml
from mclint.load.documents import Document, LoadProblem
from mclint.load.nodes import MapNode, SeqNode

CFOLD_LIBYAML = frozenset(("0.2.5", "0.2.6"))
"""The libyaml releases the C fold may run, and PyYAML's may be: those it is tested against
(tests/load/test_cfold.py), whose differences it hands to the full fold."""


def _usable_cfold():
    """The C fold, where setup.py could build it (a compiler and libyaml's headers) and it and
    PyYAML run libyaml releases it is tested with; else None, and every file takes the Python fold."""
    try:
        import mclint.speedups._cfold as _cfold
    except ImportError:
        return None
    if not {_cfold.libyaml_version(), pyyaml.libyaml_version()} <= CFOLD_LIBYAML:
        return None
    return _cfold


_UNRESOLVED = object()
_cfold = _UNRESOLVED
"""The C fold or None, once the first file asks (c_fold): deciding reads mclint's cache, which an
import must not do; a forked worker inherits the answer when the main process had it."""


def c_fold():
    """The C fold this process uses (None: every file takes the Python fold)."""
    global _cfold
    if _cfold is _UNRESOLVED:
        _cfold = _usable_cfold()
    return _cfold


@functools.cache
def _libyaml_kinds() -> _Kinds | None:
    found = pyyaml.binding()
    return _Kinds.of(found.events) if found is not None else None


MAX_DEPTH = 1000
"""Nesting deeper than this is refused: no Kubernetes object needs it, and every walker stays safe."""

MAX_EXPANDED_NODES = 1_000_000
"""How many nodes one document may stand for once aliases are expanded (an alias bomb stands for billions)."""

MAX_ALIAS_TEXT = 100_000_000
"""How many characters of scalar text the aliases of one file may repeat. Few nodes can stand for
much text (ten thousand aliases of one 100 KB value are 1 GB for the rules to search), so the node
budget alone does not bound the work a file makes for later stages."""

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


class _Kinds(NamedTuple):
    """One parser's event classes (PyYAML and ruamel.yaml each have their own, with the same fields)."""

    stream_start: type
    stream_end: type
    document_start: type
    document_end: type
    scalar: type
    alias: type
    mapping_start: type
    mapping_end: type
    sequence_start: type
    sequence_end: type

    @classmethod
    def of(cls, events) -> _Kinds:
        return cls(
            events.StreamStartEvent,
            events.StreamEndEvent,
            events.DocumentStartEvent,
            events.DocumentEndEvent,
            events.ScalarEvent,
            events.AliasEvent,
            events.MappingStartEvent,
            events.MappingEndEvent,
            events.SequenceStartEvent,
            events.SequenceEndEvent,
        )


class _Abort(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _NewerYAML(Exception):
    """A plain scalar in a flow collection holds `:` or `?` (`[host:80]`): YAML 1.2 that PyYAML's
    libyaml (0.2.x) reads but ruamel.yaml's (derived from 0.1.7) refuses, so mclint has always read
    such a file with ruamel's pure-Python parser, which differs from libyaml on a few positions (an
    empty value's; lines after U+2028) and refuses some of it. The file takes the ruamel path.

    The older libyaml never puts `:` or `?` in a plain scalar in a flow collection; this is the one
    difference between the two builds that comparing their events on the corpus and on random text
    found (tests/load/test_fold_equivalence.py)."""


def _at(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def fold_libyaml(data: bytes) -> tuple[list[Document], list[LoadProblem]] | None:
    """The documents and problems of `data` read with PyYAML's libyaml; None when the file is for
    ruamel.yaml to read: libyaml reports an error (invalid YAML or UTF-8), the file holds YAML 1.2
    that only the newer libyaml reads (_NewerYAML), or PyYAML's C extension is not installed.

    The problems are the fold's own (duplicate keys; an alias bomb, nesting too deep or an undefined
    alias, after which the rest of the file is not read), as `parse_documents` reports them.

    Most files take the lean fold (in C where mclint/speedups/_cfold.c was built: about a third of the
    Python fold's time); one with an anchor, an alias, a merge key or deep nesting, or a large one,
    is read again with the full fold.
    """
    cfold = c_fold()
    if cfold is not None and len(data) <= LEAN_MAX_BYTES:
        folded = cfold.fold(data, MapNode, SeqNode, Document, _duplicate)
        if folded.__class__ is tuple:
            return folded
        if folded == cfold.NOT_LIBYAML:
            return None
    found = pyyaml.binding()
    if found is None:
        return None
    try:
        if cfold is None and len(data) <= LEAN_MAX_BYTES:
            try:
                return _fold_lean(found.parser(data).get_event)
            except _Unusual:
                pass
        documents: list[Document] = []
        problems: list[LoadProblem] = []
        try:
            for item in _fold(found.parser(data), _libyaml_kinds(), flow_checked=True):
                (documents if type(item) is Document else problems).append(item)
        except _Abort as abort:
            problems.append(abort.problem)
        return documents, problems
    except (_NewerYAML, found.error):
        return None


LEAN_MAX_BYTES = MAX_EXPANDED_NODES // 4
"""The lean fold keeps no expansion budget. Without aliases a document stands for one node per scalar,
and libyaml makes at most one scalar per byte (a `?` on every line, an empty key and an empty value
per two bytes, is the densest YAML a search of short repeated patterns found): a file this small
cannot reach MAX_EXPANDED_NODES, with a margin of four."""


class _Unusual(Exception):
    """Something only the full fold handles: the lean fold stops and the file is read again."""


def _fold_lean(get_event) -> tuple[list[Document], list[LoadProblem]]:
    """The full fold (_fold_document) without what manifests almost never hold, for the common case:
    nearly all of a scan's time in mclint/load is spent here. It raises _Unusual at an anchor, an
    alias, a merge key or nesting past MAX_DEPTH, raises _NewerYAML as the full fold does, and keeps
    no expansion budget (see LEAN_MAX_BYTES); otherwise its documents and problems are the full
    fold's (tests/load/test_fold_equivalence.py). Fewer branches per event is what it saves: on
    the benchmark tree, 3% of the instructions and 6% of the branch mispredictions (bench/RESULTS.md).
    """
    kinds = _libyaml_kinds()
    stream_end, document_start, document_end = kinds.stream_end, kinds.document_start, kinds.document_end
    scalar_event, mapping_start, mapping_end = kinds.scalar, kinds.mapping_start, kinds.mapping_end
    sequence_start, sequence_end = kinds.sequence_start, kinds.sequence_end
    no_key, nulls = _NO_KEY, _NULLS
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    stack: list[tuple] = []
    root = node = key = key_at = keys_at = values_at = items_at = None
    is_map = in_flow = False
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.anchor:
                raise _Unusual
            value = event.value
            if in_flow and not event.style and (":" in value or "?" in value):
                raise _NewerYAML
            if value in nulls and not event.style and event.tag in (None, "!"):
                value = None
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if is_map:
                if key is no_key:
                    if value is None:
                        key = "null"
                    elif value != "<<" or event.style:
                        key = value
                    else:
                        raise _Unusual
                    key_at = at
                else:
                    if key in node:
                        problems.append(_duplicate(key, key_at, keys_at[key][0]))
                    node[key] = value
                    keys_at[key] = key_at
                    values_at[key] = at
                    key = no_key
            elif node is not None:
                node.append(value)
                items_at.append(at)
            else:
                root = value
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor or len(stack) >= MAX_DEPTH:
                raise _Unusual
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if is_map:
                if key is not no_key:
                    values_at[key] = at
            elif node is not None:
                items_at.append(at)
            stack.append((node, is_map, key, key_at, in_flow))
            in_flow = event.flow_style  # (a flow collection holds only flow collections)
            if kind is mapping_start:
                node = MapNode(*at)
                keys_at = node.keys_at
                values_at = node.values_at
                is_map = True
                key = no_key
            else:
                node = SeqNode(*at)
                items_at = node.items_at
                is_map = False
        elif kind is mapping_end or kind is sequence_end:
            value = node
            node, is_map, key, key_at, in_flow = stack.pop()
            if is_map:
                keys_at = node.keys_at
                values_at = node.values_at
                if key is no_key:  # a mapping or sequence as a key: named by its line, placed at its mapping
                    key = f"<complex key at line {value.line}>"
                    key_at = (node.line, node.column)
                    continue
                if key in node:
                    problems.append(_duplicate(key, key_at, keys_at[key][0]))
                node[key] = value
                keys_at[key] = key_at
                key = no_key
            elif node is not None:
                items_at = node.items_at
                node.append(value)
            else:
                root = value
        elif kind is document_start:
            root = None
            start = event
        elif kind is document_end:
            documents.append(Document(len(documents), root, start.start_mark.line + 1))
        elif kind is stream_end:
            return documents, problems
        elif kind is not kinds.stream_start:
            raise _Unusual  # an alias


class _PureParser:
    """ruamel.yaml's pure-Python parser behind the C parser's get_event() interface."""

    def __init__(self, data: bytes | str) -> None:
        from ruamel.yaml import YAML

        self._events = YAML(typ="safe", pure=True).parse(data)

    def get_event(self):
        return next(self._events, None)


def parse_documents(data: bytes | str, *, pure: bool = False) -> Iterator[Document | LoadProblem]:
    """Yield each document of a YAML (or JSON) stream read with ruamel.yaml, then a LoadProblem if
    the stream breaks.

    Documents before a syntax error are kept: a broken third document does not hide the first two.
    `pure` uses ruamel's Python parser, which follows YAML 1.2 where the bundled libyaml is stricter
    (a plain `host:80` inside a flow sequence, for one).
    """
    from ruamel.yaml import events
    from ruamel.yaml.cyaml import CParser
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    parser = _PureParser(data) if pure else CParser(data)
    try:
        yield from _fold(parser, _Kinds.of(events))
    except _Abort as abort:
        yield abort.problem
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _at(mark) if mark is not None else (0, 0)
        reason = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            reason = f"{error.problem} ({error.context})"
        yield LoadProblem(line, column, reason)
    except ReaderError as error:
        yield _reader_problem(data, error)
    except YAMLError as error:
        yield LoadProblem(0, 0, str(error).splitlines()[0] if str(error) else "invalid YAML")
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()


def _reader_problem(data: bytes | str, error) -> LoadProblem:
    position = getattr(error, "position", 0) or 0
    head = data[:position]
    newline = b"\n" if isinstance(head, bytes) else "\n"
    line = head.count(newline) + 1
    column = position - (head.rfind(newline) + 1) + 1
    if isinstance(data, bytes) and position < len(data):
        reason = f"byte 0x{data[position]:02x} is not valid UTF-8"
    else:
        reason = f"unacceptable character: {error.reason}"
    return LoadProblem(line, column, reason)


def _fold(parser, kinds: _Kinds, flow_checked: bool = False) -> Iterator[Document | LoadProblem]:
    get_event = parser.get_event
    stream_end, document_start = kinds.stream_end, kinds.document_start
    index = -1
    text_budget = [MAX_ALIAS_TEXT]  # shared by the file's documents
    while True:
        event = get_event()
        kind = type(event)
        if kind is stream_end or event is None:
            return
        if kind is document_start:
            index += 1
            problems: list[LoadProblem] = []
            root = _fold_document(get_event, kinds, problems, flow_checked, text_budget)
            yield from problems
            yield Document(index, root, event.start_mark.line + 1)


_NO_KEY = object()
_MERGE = object()


def _fold_document(get_event, kinds: _Kinds, problems: list[LoadProblem], flow_checked: bool, text_budget: list[int]):
    """One document's events folded into nodes; with `flow_checked`, raise _NewerYAML at a plain
    scalar in a flow collection that holds `:` or `?`. Each alias spends the characters of scalar
    text it repeats from `text_budget[0]`, the file's MAX_ALIAS_TEXT.

    Written as one loop with the open collection's state in local variables, on purpose: this is the
    hot path of every scan, and a call or an attribute per event costs more than the parse. The
    collections around the open one wait on `stack`, each as the tuple of locals to restore.
    """
    _, _, _, document_end, scalar_event, alias_event, mapping_start, mapping_end, sequence_start, sequence_end = kinds
    no_key, merge, nulls = _NO_KEY, _MERGE, _NULLS
    anchors: dict[str, tuple[object, int, int]] = {}
    stack: list[tuple] = []
    root = None
    # The open collection (None at the document's top), and for a mapping its pending key.
    node = None
    is_map = False
    key = no_key
    key_at = None
    keys_at = values_at = items_at = None
    merges = None
    in_flow = False  # (only set when flow_checked)
    # The expansion budget: `total` counts scalars and what aliases stand for, `opened` collections;
    # a collection stands for the growth of both while it is open. `chars` counts the characters of
    # scalar text, an alias's included, and an anchored collection stands for its growth.
    total = 0
    opened = 0
    chars = 0
    anchored = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            value = event.value
            if in_flow and not event.style and (":" in value or "?" in value):
                raise _NewerYAML
            if value in nulls and not event.style and event.tag in (None, "!"):
                value = None
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if value:
                chars += len(value)
            if event.anchor:
                anchors[event.anchor] = (value, 1, len(value) if value else 0)
            total += 1
            if total > MAX_EXPANDED_NODES:
                raise _alias_bomb(at)
            if is_map:
                if key is no_key:
                    if value is None:
                        key = "null"
                    elif value != "<<":
                        key = value
                    else:
                        key = merge if not event.style else "<<"
                    key_at = at
                elif key is merge:
                    key = no_key  # a scalar merges nothing
                else:
                    if key in node:
                        problems.append(_duplicate(key, key_at, keys_at[key][0]))
                    node[key] = value
                    keys_at[key] = key_at
                    values_at[key] = at
                    key = no_key
            elif node is not None:
                node.append(value)
                items_at.append(at)
            else:
                root = value
        elif kind is mapping_start or kind is sequence_start:
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if len(stack) >= MAX_DEPTH:
                raise _Abort(LoadProblem(*at, f"nesting deeper than {MAX_DEPTH} levels"))
            if is_map:
                if key is not no_key and key is not merge:
                    values_at[key] = at
            elif node is not None:
                items_at.append(at)
            stack.append((node, is_map, key, key_at, merges, anchored, in_flow))
            anchored = (event.anchor, total, opened, chars) if event.anchor else None
            opened += 1
            merges = None
            in_flow = flow_checked and event.flow_style
            if kind is mapping_start:
                node = MapNode(*at)
                keys_at = node.keys_at
                values_at = node.values_at
                is_map = True
                key = no_key
            else:
                node = SeqNode(*at)
                items_at = node.items_at
                is_map = False
        elif kind is mapping_end or kind is sequence_end:
            value = node
            if merges:
                _apply_merges(value, merges)
            if anchored:
                anchors[anchored[0]] = (value, total - anchored[1] + opened - anchored[2], chars - anchored[3])
            node, is_map, key, key_at, merges, anchored, in_flow = stack.pop()
            if is_map:
                keys_at = node.keys_at
                values_at = node.values_at
                if key is no_key:  # a mapping or sequence as a key: named by its line, placed at its mapping
                    key = f"<complex key at line {value.line}>"
                    key_at = (node.line, node.column)
                elif key is merge:
                    merges = (merges or []) + _merge_sources(value)
                    key = no_key
                else:  # its position was recorded when it started
                    if key in node:
                        problems.append(_duplicate(key, key_at, keys_at[key][0]))
                    node[key] = value
                    keys_at[key] = key_at
                    key = no_key
            elif node is not None:
                items_at = node.items_at
                node.append(value)  # its position was recorded when it started
            else:
                root = value
        elif kind is alias_event:
            if event.anchor not in anchors:
                raise _Abort(LoadProblem(*_at(event.start_mark), f"undefined alias '*{event.anchor}'"))
            value, size, text = anchors[event.anchor]
            at = _at(event.start_mark)
            total += size
            if total > MAX_EXPANDED_NODES:
                raise _alias_bomb(at)
            chars += text
            text_budget[0] -= text
            if text_budget[0] < 0:
                raise _Abort(
                    LoadProblem(*at, f"aliases repeat more than {MAX_ALIAS_TEXT:,} characters of text (an alias bomb?)")
                )
            if is_map:
                if key is no_key:
                    key = _key_text(value)
                    key_at = at
                elif key is merge:
                    merges = (merges or []) + _merge_sources(value)
                    key = no_key
                else:
                    if key in node:
                        problems.append(_duplicate(key, key_at, keys_at[key][0]))
                    node[key] = value
                    keys_at[key] = key_at
                    values_at[key] = at
                    key = no_key
            elif node is not None:
                items_at.append(at)
                node.append(value)
            else:
                root = value
        elif kind is document_end:
            return root


def _alias_bomb(at: tuple[int, int]) -> _Abort:
    return _Abort(LoadProblem(*at, f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"))


def _duplicate(key: str, at: tuple[int, int], first: int) -> LoadProblem:
    return LoadProblem(*at, f"duplicate key '{key}' (first at line {first}); the last value wins")


def _key_text(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    return f"<complex key at line {value.line}>"


def _merge_sources(value) -> list[MapNode]:
    if type(value) is MapNode:
        return [value]
    if type(value) is SeqNode:
        return [item for item in value if type(item) is MapNode]
    return []


def _apply_merges(node: MapNode, sources: list[MapNode]) -> None:
    for source in sources:
        for key, item in source.items():
            if key not in node:
                node[key] = item
                node.keys_at[key] = source.keys_at.get(key, (source.line, source.column))
                node.values_at[key] = source.value_position(key)
