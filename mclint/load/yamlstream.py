"""Fold libyaml's event stream (ruamel.yaml's C parser) into the light positioned tree.

Building the tree straight from events is what keeps mclint close to the parse floor: ruamel's
Python composer and constructors cost several times the parse itself. Tags are ignored, so no
document can construct a Python object, and aliases are shared, never copied, with a budget on
how far they may expand so an alias bomb stays small.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ruamel.yaml import events as ev
from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from mclint.load.nodes import MapNode, SeqNode

MAX_DEPTH = 1000
"""Nesting deeper than this is refused: no Kubernetes object needs it, and every walker stays safe."""

MAX_EXPANDED_NODES = 1_000_000
"""How many nodes one document may stand for once aliases are expanded (an alias bomb stands for billions)."""

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


class LoadProblem(NamedTuple):
    """Something wrong in a file, with where it is (line and column are 1-based, 0 when unknown)."""

    line: int
    column: int
    message: str


class Document(NamedTuple):
    """One YAML document: its index in the file and its root (a MapNode, SeqNode, str or None)."""

    index: int
    root: object
    line: int


class _Abort(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _at(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _Frame:
    """A mapping or sequence being built, with its pending key and expanded size so far."""

    __slots__ = ("anchor", "is_map", "key", "key_at", "merges", "node", "size")

    def __init__(self, node, anchor, is_map: bool) -> None:
        self.node = node
        self.anchor = anchor
        self.is_map = is_map
        self.size = 1
        self.key = _NO_KEY
        self.key_at = (0, 0)
        self.merges = None


_NO_KEY = object()


class _PureParser:
    """ruamel.yaml's pure-Python parser behind the C parser's get_event() interface."""

    def __init__(self, data: bytes | str) -> None:
        from ruamel.yaml import YAML

        self._events = YAML(typ="safe", pure=True).parse(data)

    def get_event(self):
        return next(self._events, None)


def parse_documents(data: bytes | str, *, pure: bool = False) -> Iterator[Document | LoadProblem]:
    """Yield each document of a YAML (or JSON) stream, then a LoadProblem if the stream breaks.

    Documents before a syntax error are kept: a broken third document does not hide the first two.
    `pure` uses ruamel's Python parser, which follows YAML 1.2 where the bundled libyaml is stricter
    (a plain `host:80` inside a flow sequence, for one).
    """
    parser = _PureParser(data) if pure else CParser(data)
    try:
        yield from _fold(parser)
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


def _reader_problem(data: bytes | str, error: ReaderError) -> LoadProblem:
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


def _fold(parser) -> Iterator[Document | LoadProblem]:
    index = -1
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ev.StreamEndEvent or event is None:
            return
        if kind is ev.DocumentStartEvent:
            index += 1
            problems: list[LoadProblem] = []
            root = _fold_document(parser, problems)
            yield from problems
            yield Document(index, root, event.start_mark.line + 1)


def _fold_document(parser, problems: list[LoadProblem]):
    """One document's events folded into nodes. Written as one loop with the common cases inlined
    on purpose: this is the hot path of every scan, and a call per event costs more than the parse."""
    get_event = parser.get_event
    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    mapping_start, sequence_start = ev.MappingStartEvent, ev.SequenceStartEvent
    mapping_end, sequence_end, document_end = ev.MappingEndEvent, ev.SequenceEndEvent, ev.DocumentEndEvent
    no_key, merge, nulls = _NO_KEY, _MERGE, _NULLS
    anchors: dict[str, tuple[object, int]] = {}
    stack: list[_Frame] = []
    root = None
    total = 0
    while True:
        event = get_event()
        kind = event.__class__
        if kind is scalar_event:
            value = event.value
            style = event.style
            if not style and value in nulls and event.tag in (None, "!"):
                value = None
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            total += 1
            if total > MAX_EXPANDED_NODES:
                raise _alias_bomb(at)
            if not stack:
                root = value
                continue
            frame = stack[-1]
            frame.size += 1
            if not frame.is_map:
                frame.node.append(value)
                frame.node.items_at.append(at)
                continue
            key = frame.key
            if key is no_key:
                if value.__class__ is str and value != "<<":
                    frame.key = value
                    frame.key_at = at
                    continue
            elif key is not merge:
                frame.key = no_key
                node = frame.node
                if key in node:
                    _duplicate(frame, key, problems)
                node[key] = value
                node.keys_at[key] = frame.key_at
                node.values_at[key] = at
                continue
            frame.size -= 1
            _attach(frame, value, 1, at, not style, problems)
        elif kind is mapping_start or kind is sequence_start:
            if len(stack) >= MAX_DEPTH:
                raise _Abort(LoadProblem(*_at(event.start_mark), f"nesting deeper than {MAX_DEPTH} levels"))
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            is_map = kind is mapping_start
            node = MapNode(*at) if is_map else SeqNode(*at)
            if stack:
                parent = stack[-1]
                if parent.is_map:
                    if parent.key is not no_key:
                        parent.node.values_at[parent.key] = at
                else:
                    parent.node.items_at.append(at)
            stack.append(_Frame(node, event.anchor, is_map))
        elif kind is mapping_end or kind is sequence_end:
            frame = stack.pop()
            if frame.merges:
                _apply_merges(frame.node, frame.merges)
            value, size = frame.node, frame.size
            if frame.anchor:
                anchors[frame.anchor] = (value, size)
            if not stack:
                root = value
                continue
            parent = stack[-1]
            key = parent.key
            if not parent.is_map:
                parent.size += size
                parent.node.append(value)  # its position was recorded when it started
            elif key is not no_key and key is not merge:
                parent.size += size
                parent.key = no_key
                node = parent.node
                if key in node:
                    _duplicate(parent, key, problems)
                node[key] = value
                node.keys_at[key] = parent.key_at
            else:
                _attach(parent, value, size, None, False, problems)
        elif kind is alias_event:
            if event.anchor not in anchors:
                raise _Abort(LoadProblem(*_at(event.start_mark), f"undefined alias '*{event.anchor}'"))
            value, size = anchors[event.anchor]
            at = _at(event.start_mark)
            total += size
            if total > MAX_EXPANDED_NODES:
                raise _alias_bomb(at)
            if not stack:
                root = value
                continue
            _attach(stack[-1], value, size, at, False, problems)
        elif kind is document_end:
            return root


def _alias_bomb(at: tuple[int, int]) -> _Abort:
    return _Abort(LoadProblem(*at, f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"))


def _duplicate(frame: _Frame, key: str, problems: list[LoadProblem]) -> None:
    first = frame.node.keys_at[key][0]
    problems.append(LoadProblem(*frame.key_at, f"duplicate key '{key}' (first at line {first}); the last value wins"))


def _attach(frame: _Frame, value, size: int, at, is_plain_key: bool, problems: list[LoadProblem]) -> None:
    """Add a finished value to the open container: an item, a key, or a key's value."""
    node = frame.node
    frame.size += size
    if not frame.is_map:
        if at is not None:
            node.items_at.append(at)
        node.append(value)
        return
    if frame.key is _NO_KEY:
        key = _key_text(value)
        frame.key_at = at if at is not None else (node.line, node.column)
        frame.key = _MERGE if key == "<<" and (at is None or is_plain_key) else key
        return
    key = frame.key
    frame.key = _NO_KEY
    if key is _MERGE:
        frame.merges = (frame.merges or []) + _merge_sources(value)
        return
    if key in node:
        _duplicate(frame, key, problems)
    node[key] = value
    node.keys_at[key] = frame.key_at
    if at is not None:
        node.values_at[key] = at


_MERGE = object()


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
