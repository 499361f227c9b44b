"""Editing YAML files in place: a file cut into its documents, and a document read and written back
with ruamel.yaml's round-trip mode, so comments, key order, quoting and indentation survive.

Only the documents that change are written again; the others keep their bytes. Round-trip mode is
slow and is never used on the scan path: this module is imported by `split` and `plan
--emit-overlay` alone.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from typing import NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

_MARKER = re.compile(r"^(---|\.\.\.)([ \t]+#.*)?[ \t]*$")
_BLANK_HEAD = re.compile(r"(?:[ \t]*\n)*")
_BLANK_TAIL = re.compile(r"(?:\n[ \t]*)*\Z")
_BLOCK_SCALAR = re.compile(r"(:|^ *-)\s+[|>][-+0-9]*\s*(#.*)?$")
_KEY_LINE = re.compile(r"^(?P<indent> *)(?:- +)?[^\s#-][^#]*:\s*(#.*)?$")


class Chunk(NamedTuple):
    """One document of a file: the separator line before it (verbatim, or "") and its text."""

    head: str
    body: str
    first_line: int
    """1-based line of the body's first line in the file."""

    @property
    def last_line(self) -> int:
        return self.first_line + self.body.count("\n") - (0 if self.body.endswith("\n") or not self.body else -1)


def split_documents(text: str) -> list[Chunk]:
    """The file's documents in order, cut at `---`/`...` lines; joining heads and bodies gives the text back."""
    chunks: list[Chunk] = []
    head, body, first = "", [], 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _MARKER.match(line.rstrip("\r\n")):
            if body or head:
                chunks.append(Chunk(head, "".join(body), first))
            head, body, first = line, [], number + 1
        else:
            body.append(line)
    if body or head or not chunks:
        chunks.append(Chunk(head, "".join(body), first))
    return chunks


def join_documents(chunks: list[Chunk]) -> str:
    return "".join(chunk.head + chunk.body for chunk in chunks)


class Style(NamedTuple):
    """Indentation as ruamel.yaml's `indent()` takes it."""

    mapping: int = 2
    sequence: int = 2
    offset: int = 0


def detect_style(text: str) -> Style:
    """The indentation most of the text uses: nested mappings' step, and where a list's dash sits
    under its key (`key:\\n- a` or `key:\\n  - a`). Block scalars' contents are not YAML and do not count."""
    mapping: Counter[int] = Counter()
    dash: Counter[int] = Counter()
    lines = _structure_lines(text)
    for line, following in itertools.pairwise(lines):
        if _KEY_LINE.match(line) is None:
            continue
        stripped = line.lstrip(" ")
        column = len(line) - len(stripped)
        if stripped.startswith("- "):
            column += len(stripped) - len(stripped[1:].lstrip(" "))
        step = len(following) - len(following.lstrip(" ")) - column
        if following.lstrip(" ").startswith("- "):
            dash[max(step, 0)] += 1
        elif step > 0:
            mapping[step] += 1
    indent = mapping.most_common(1)[0][0] if mapping else 2
    offset = dash.most_common(1)[0][0] if dash else 0
    return Style(indent, max(indent, offset + 2), offset)


def _structure_lines(text: str) -> list[str]:
    """The lines that hold YAML structure: no blanks, comments, or block scalars' contents."""
    kept: list[str] = []
    block_indent = -1
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if block_indent >= 0:
            if indent > block_indent:
                continue
            block_indent = -1
        kept.append(line)
        if _BLOCK_SCALAR.search(line):
            block_indent = indent
    return kept


def round_trip(style: Style | None = None) -> YAML:
    """A round-trip reader and writer that keeps quotes and long lines as they are."""
    style = style or Style()
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # `[{port: 80}]` stays as written
    yaml.width = 1 << 16
    yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
    return yaml


def load_document(body: str) -> object:
    """The document's root as round-trip nodes (CommentedMap, CommentedSeq, scalars)."""
    return round_trip().load(body)


def dump_document(root: object, style: Style, original: str) -> str:
    """The document written back, with the blank lines that began and ended the original kept."""
    stream = io.StringIO()
    round_trip(style).dump(root, stream)
    text = stream.getvalue().rstrip("\n")
    leading = _BLANK_HEAD.match(original).group()
    trailing = _BLANK_TAIL.search(original).group()
    return leading + text + trailing


def dump_plain(data: object, style: Style | None = None) -> str:
    """A new document (a patch, a kustomization) in the given indentation; a null is written
    `null`, so a patch that deletes a key says so."""
    stream = io.StringIO()
    yaml = round_trip(style)
    yaml.representer.add_representer(type(None), _null)
    yaml.dump(data, stream)
    return stream.getvalue()


def _null(representer, _data) -> object:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def plain(node: object) -> object:
    """Round-trip nodes as plain dicts and lists (scalars keep their round-trip types and styles)."""
    if isinstance(node, dict):
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(item) for item in node]
    return node


def fresh(node: object) -> object:
    """A copy as new round-trip containers, without the source's comments or positions; text of
    several lines is written as a literal block, as people write it."""
    if isinstance(node, dict):
        copy = CommentedMap()
        for key, value in node.items():
            copy[key] = fresh(value)
        return copy
    if isinstance(node, list):
        return CommentedSeq(fresh(item) for item in node)
    if type(node) is str and "\n" in node and _literal_safe(node):
        return LiteralScalarString(node)
    return node


def _literal_safe(text: str) -> bool:
    """Whether a literal block keeps the text exactly: printable lines without trailing blanks."""
    lines = text.split("\n")
    return not text.startswith((" ", "\n")) and all(line.isprintable() and line == line.rstrip(" \t") for line in lines)
