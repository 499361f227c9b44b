"""Stage 2: read one file's bytes into positioned YAML documents, reporting what is broken."""

from __future__ import annotations

from typing import NamedTuple

from mclint.load.documents import Document, LoadProblem
from mclint.load.nodes import MapNode, Position, SeqNode, child
from mclint.load.yamlstream import fold_libyaml, parse_documents

__all__ = ["Document", "LoadProblem", "LoadedFile", "MapNode", "Position", "SeqNode", "child", "load_bytes"]


class LoadedFile(NamedTuple):
    documents: list[Document]
    problems: list[LoadProblem]


def load_bytes(data: bytes) -> LoadedFile:
    """Parse a whole file; on bytes that are not UTF-8, report them and parse a repaired copy.

    Repairing (each bad byte becomes U+FFFD) keeps the rest of the file linted: one stray byte in a
    comment must not hide the couplings around it.

    A file is read with PyYAML's libyaml first (the fast path, yamlstream.fold_libyaml). A file it
    does not take, or that ends in a syntax problem, is read as it always was: with ruamel.yaml's C
    parser, then its pure-Python one where the C parser fails, so problems, and the documents kept
    before one, read the same. ruamel.yaml is only imported for such a file.
    """
    if _looks_binary(data):
        return LoadedFile([], [LoadProblem(1, 1, "binary file (contains NUL or control bytes), not YAML")])
    fast = fold_libyaml(data)
    if fast is not None and not (fast[1] and _is_syntax_problem(fast[1][-1])):
        return LoadedFile(*fast)
    result = LoadedFile([], [])
    _collect(result, parse_documents(data))
    if result.problems and _is_syntax_problem(result.problems[-1]):
        second = LoadedFile([], [])
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
    return not (
        _is_encoding_problem(problem)
        or text.startswith(("duplicate key", "nesting deeper", "aliases expand", "aliases repeat"))
    )


def _is_encoding_problem(problem: LoadProblem) -> bool:
    return "not valid UTF-8" in problem.message
