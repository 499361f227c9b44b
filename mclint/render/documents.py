"""A Kustomize build's output as documents: each one's bytes without the build metadata, and that metadata.

Overlays repeat their base's objects and every build repeats its CRDs, so a document is linted once
per distinct content. The wrapper's origin and transformation annotations name the overlay that built
the object (every object of a namespace overlay carries its transformer), so they are taken out before
the content is hashed and linted, and kept aside to map findings back to their files.

This reads kustomize's own output, which its YAML encoder writes in one layout: documents split by
`---` lines, keys at column 0 for the object, two spaces per level, annotations under
`metadata.annotations` at four. Anything else (a document not in that layout) is kept whole: hashed
and linted with its metadata in place, so nothing is lost, only shared less.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

from mclint.load import MapNode, load_bytes
from mclint.render.origin import ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION

BUILD_KEYS = (ORIGIN_ANNOTATION.encode(), TRANSFORMATIONS_ANNOTATION.encode())

SEPARATOR = b"\n---\n"
_METADATA = b"metadata:\n"
_ANNOTATIONS = b"\n  annotations:\n"
_NEXT_TOP_LEVEL = re.compile(rb"\n(?=[^ \n])")
"""A line at column 0: the object's next key (a blank line inside a block scalar is not one)."""
_PAST_ANNOTATIONS = re.compile(rb"\n(?!    )(?!\n)")
"""A line indented less than an annotation entry: the end of `metadata.annotations`."""
_NEXT_ENTRY = re.compile(rb"\n(?=    [^ \n])")
_CRD_KIND = b"\nkind: CustomResourceDefinition\n"
_BODY_KEY = re.compile(rb"^(?!apiVersion:|kind:|metadata:)[^ \n#]", re.MULTILINE)


class BuiltDocument(NamedTuple):
    """One object of a build: its content (build metadata taken out), that content's digest, and the
    build metadata as kustomize wrote it (the two annotations as YAML, or empty)."""

    content: bytes
    digest: bytes
    metadata: bytes


def split_documents(output: bytes) -> Iterator[BuiltDocument]:
    """The documents of a build's output, in order."""
    for piece in output.split(SEPARATOR):
        piece = piece.removeprefix(b"---\n")
        if piece.strip():
            yield built_document(piece if piece.endswith(b"\n") else piece + b"\n")


def built_document(text: bytes) -> BuiltDocument:
    content, metadata = strip_build_metadata(text)
    return BuiltDocument(content, digest(content), metadata)


def digest(content: bytes) -> bytes:
    import hashlib  # only builds are digested: a scan with nothing to build does not import it

    return hashlib.blake2b(content, digest_size=20).digest()


def strip_build_metadata(text: bytes) -> tuple[bytes, bytes]:
    """(the document without the two build annotations, those annotations as YAML, dedented).

    When they were its only annotations, the emptied `annotations:` key goes too: the content is what
    the object looked like before the wrapper annotated it."""
    block = _annotation_entries(text)
    if block is None:
        return text, b""
    header, start, end = block
    entries = _split_entries(text[start:end])
    build = [entry for entry in entries if entry[4:].split(b":", 1)[0] in BUILD_KEYS]
    if not build:
        return text, b""
    kept = b"".join(entry for entry in entries if entry not in build)
    content = text[:start] + kept + text[end:] if kept else text[:header] + text[end:]
    return content, b"".join(_dedent(entry) for entry in build)


def _annotation_entries(text: bytes) -> tuple[int, int, int] | None:
    """Offsets of the `  annotations:` line and of the entries under it (start, end), or None."""
    if text.startswith(_METADATA):
        metadata = 0
    else:
        found = text.find(b"\n" + _METADATA)
        if found < 0:
            return None
        metadata = found + 1
    body = metadata + len(_METADATA)
    next_key = _NEXT_TOP_LEVEL.search(text, body - 1)
    body_end = next_key.start() + 1 if next_key else len(text)
    marker = text.find(_ANNOTATIONS, body - 1, body_end)
    if marker < 0:
        return None
    start = marker + len(_ANNOTATIONS)
    if text[start : start + 4] != b"    " or text[start + 4 : start + 5] in (b" ", b"\n", b""):
        return None
    past = _PAST_ANNOTATIONS.search(text, start - 1, body_end)
    return marker + 1, start, past.start() + 1 if past else body_end


def _split_entries(block: bytes) -> list[bytes]:
    """The annotation entries of a block: each a key line and the lines that continue its value."""
    cuts = [0, *(m.end() for m in _NEXT_ENTRY.finditer(block)), len(block)]
    return [block[a:b] for a, b in itertools.pairwise(cuts) if a < b]


def _dedent(entry: bytes) -> bytes:
    return b"".join(line[4:] if line.startswith(b"    ") else line for line in entry.splitlines(keepends=True))


class BuildMetadata(NamedTuple):
    origin: str | None
    """The origin annotation's text (`path: ...`, or a generator's `configuredIn: ...`)."""
    transformations: str | None


def read_build_metadata(metadata: bytes) -> BuildMetadata:
    """The two annotations' values, read as the YAML kustomize wrote them (quoted paths included)."""
    if not metadata:
        return BuildMetadata(None, None)
    loaded = load_bytes(metadata)
    root = loaded.documents[0].root if loaded.documents else None
    if type(root) is not MapNode:
        return BuildMetadata(None, None)
    origin = root.get(ORIGIN_ANNOTATION)
    transformations = root.get(TRANSFORMATIONS_ANNOTATION)
    return BuildMetadata(
        origin if isinstance(origin, str) else None,
        transformations if isinstance(transformations, str) else None,
    )


def crd_head(content: bytes) -> bytes | None:
    """A CustomResourceDefinition's apiVersion, kind and metadata, without its schema; None for other objects.

    Kustomize writes an object's keys in order, so these come first and the head is a prefix: a line
    number in it is the line number in the whole document."""
    if _CRD_KIND not in content:
        return None
    body = _BODY_KEY.search(content)
    head = content if body is None else content[: body.start()]
    return head if _CRD_KIND in head else None
