"""What loading a file yields: its documents, and the problems found on the way."""

from __future__ import annotations

from typing import NamedTuple


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
