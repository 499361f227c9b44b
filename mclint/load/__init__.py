"""Stage 2: read one file's bytes into positioned YAML documents, reporting what is broken."""

from __future__ import annotations

from dataclasses import dataclass, field

from mclint.load.nodes import MapNode, Position, SeqNode
from mclint.load.yamlstream import Document, LoadProblem, parse_documents

__all__ = ["Document", "LoadProblem", "LoadedFile", "MapNode", "Position", "SeqNode", "load_bytes"]


@dataclass
class LoadedFile:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


def load_bytes(data: bytes) -> LoadedFile:
    """Parse a whole file; on bytes that are not UTF-8, report them and parse a repaired copy.

    Repairing (each bad byte becomes U+FFFD) keeps the rest of the file linted: one stray byte in a
    comment must not hide the couplings around it.
    """
    result = LoadedFile()
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.problems.append(LoadProblem(1, 1, "binary file (contains NUL bytes), not YAML"))
        return result
    for item in parse_documents(data):
        if isinstance(item, Document):
            result.documents.append(item)
        else:
            result.problems.append(item)
    if result.problems and not result.documents and _is_encoding_problem(result.problems[-1]):
        repaired = data.decode("utf-8", errors="replace")
        for item in parse_documents(repaired):
            if isinstance(item, Document):
                result.documents.append(item)
            else:
                result.problems.append(item)
    return result


def _is_encoding_problem(problem: LoadProblem) -> bool:
    return "not valid UTF-8" in problem.message
