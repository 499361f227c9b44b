"""Stage 2: read one file's bytes into positioned YAML documents, reporting what is broken."""

from __future__ import annotations

import re
from typing import NamedTuple

from mclint.load.nodes import MapNode, Position, SeqNode, child
from mclint.load.yamlstream import Document, LoadProblem, parse_documents

__all__ = ["Document", "LoadProblem", "LoadedFile", "MapNode", "Position", "SeqNode", "child", "load_bytes"]


class LoadedFile(NamedTuple):
    documents: list[Document]
    problems: list[LoadProblem]
    warnings: list[LoadProblem]
    """Loaded, but changed on the way (a lone surrogate replaced): the file is still linted."""


def load_bytes(data: bytes) -> LoadedFile:
    """Parse a whole file (see _parse); a lone surrogate written as an escape (\\ud800), which no
    UTF-8 output can hold, is replaced by U+FFFD and reported as a warning on its line."""
    loaded = _parse(data)
    if b"\\u" in data or b"\\U" in data:
        _replace_surrogates(loaded)
    return loaded


def _parse(data: bytes) -> LoadedFile:
    """Parse a whole file; on bytes that are not UTF-8, report them and parse a repaired copy.

    Repairing (each bad byte becomes U+FFFD) keeps the rest of the file linted: one stray byte in a
    comment must not hide the couplings around it.
    """
    result = LoadedFile([], [], [])
    if _looks_binary(data):
        result.problems.append(LoadProblem(1, 1, "binary file (contains NUL or control bytes), not YAML"))
        return result
    _collect(result, parse_documents(data))
    if result.problems and _is_syntax_problem(result.problems[-1]):
        second = LoadedFile([], [], [])
        _collect(second, parse_documents(data, pure=True))
        if not (second.problems and _is_syntax_problem(second.problems[-1])):
            return second  # the stricter C parser was wrong about YAML 1.2: trust the full parse
    if result.problems and not result.documents and _is_encoding_problem(result.problems[-1]):
        repaired = data.decode("utf-8", errors="replace")
        for item in parse_documents(repaired):
            if isinstance(item, Document):
                result.documents.append(item)
            else:
                result.problems.append(item)
    return result


def _replace_surrogates(loaded: LoadedFile) -> None:
    seen: set[int] = set()  # a node that aliases repeat is repaired once
    for index, document in enumerate(loaded.documents):
        if _has_surrogate(document.root):
            loaded.documents[index] = document._replace(root=_repaired(document.root, (document.line, 1), loaded))
        stack = [document.root]
        while stack:
            node = stack.pop()
            if id(node) in seen or type(node) not in (MapNode, SeqNode):
                continue
            seen.add(id(node))
            if type(node) is MapNode:
                _repair_map(node, loaded)
                stack.extend(node.values())
            else:
                for at, item in enumerate(node):
                    if _has_surrogate(item):
                        node[at] = _repaired(item, node.item_position(at), loaded)
                stack.extend(node)


def _repair_map(node: MapNode, loaded: LoadedFile) -> None:
    for key in [k for k, v in node.items() if _has_surrogate(k) or _has_surrogate(v)]:
        value = node.pop(key)
        key_at, value_at = node.keys_at.pop(key, None), node.values_at.pop(key, None)
        new_key = _repaired(key, key_at, loaded) if _has_surrogate(key) else key
        node[new_key] = _repaired(value, value_at or key_at, loaded) if _has_surrogate(value) else value
        if key_at is not None:
            node.keys_at[new_key] = key_at
        if value_at is not None:
            node.values_at[new_key] = value_at


def _has_surrogate(item: object) -> bool:
    return isinstance(item, str) and _SURROGATE.search(item) is not None


def _repaired(text: str, at: tuple[int, int] | None, loaded: LoadedFile) -> str:
    """Escaped surrogate pairs (JSON writes astral characters so) joined; a lone one becomes U+FFFD
    and a warning at `at`."""
    paired = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if _SURROGATE.search(paired) is None:
        return paired
    line, column = at or (0, 0)
    message = "lone surrogate escape in a string (not a character): replaced by U+FFFD"
    loaded.warnings.append(LoadProblem(line, column, message))
    return _SURROGATE.sub("\ufffd", paired)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 text; or "UTF-16" that decodes to control characters, or to mostly
    non-ASCII text (manifest keys are ASCII, so real UTF-16 YAML is mostly ASCII)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
        controls = any(ch < " " and ch not in "\t\n\r" for ch in text) or "\ufffd" in text
        return controls or sum(ch.isascii() for ch in text) < len(text) / 2
    return b"\x00" in head


def _collect(result: LoadedFile, items) -> None:
    for item in items:
        if isinstance(item, Document):
            result.documents.append(item)
        else:
            result.problems.append(item)


def _is_syntax_problem(problem: LoadProblem) -> bool:
    """A parser error (not a duplicate key, depth or alias limit, which both parsers agree on)."""
    text = problem.message
    return not (_is_encoding_problem(problem) or text.startswith(("duplicate key", "nesting deeper", "aliases expand")))


def _is_encoding_problem(problem: LoadProblem) -> bool:
    return "not valid UTF-8" in problem.message
