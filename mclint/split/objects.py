"""The input of a split as files and objects: each file's documents, each object's couplings.

An object is read twice: by mclint's own loader (for its findings, kind, pod template and Helm
values) and, only when it changes, in round-trip mode (for editing with comments kept). Both meet
at the object's first line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mclint.finding import Finding, Severity
from mclint.load import load_bytes
from mclint.load.text import FileText
from mclint.model import Manifest, manifests_from_document
from mclint.model.kinds import VALUES_KIND
from mclint.split.documents import Chunk, Style, detect_style, dump_document, join_documents, load_document, plain
from mclint.split.removal import Removal, Shape, shape_of


class SplitError(Exception):
    """Input the split cannot take apart, with what to do instead."""


class NothingToSplit(SplitError):
    """The input holds no coupling above info to the chosen providers: it is portable already."""


@dataclass
class SourceFile:
    """One input file: its text cut into documents, and the documents an edit touched."""

    path: Path
    rel: str
    """Where it goes under the output's base, with / separators."""
    text: str
    chunks: list[Chunk]
    style: Style
    roots: dict[int, object] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)
    dropped: set[int] = field(default_factory=set)

    def root(self, index: int) -> object:
        """The round-trip tree of document `index`, read on first use and then edited in place."""
        if index not in self.roots:
            try:
                self.roots[index] = load_document(self.chunks[index].body)
            except Exception as error:  # ruamel.yaml's many error types: the file is named, not traced
                first = self.chunks[index].first_line
                raise SplitError(f"{self.rel}:{first}: cannot be edited as YAML: {_one_line(error)}") from None
        return self.roots[index]

    def chunk_at(self, line: int) -> int:
        """The document holding `line` (1-based)."""
        for index, chunk in enumerate(self.chunks):
            if chunk.first_line <= line <= max(chunk.last_line, chunk.first_line):
                return index
        return len(self.chunks) - 1

    def render(self) -> str:
        """The text with edited documents written again and moved ones left out."""
        chunks = []
        for index, chunk in enumerate(self.chunks):
            if index in self.dropped:
                continue
            if index in self.changed:
                chunk = chunk._replace(body=dump_document(self.roots[index], self.style, chunk.body))
            chunks.append(chunk)
        text = join_documents(chunks)
        return text if text.strip() else ""


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


def read_file(path: Path, rel: str) -> SourceFile:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SplitError(f"{rel}: not UTF-8 text") from None
    except OSError as error:
        raise SplitError(f"{rel}: cannot read: {error.strerror or error}") from None
    from mclint.split.documents import split_documents

    return SourceFile(path, rel, text, split_documents(text), detect_style(text))


@dataclass
class SplitObject:
    """One object of the input: where it is, what it is, its couplings and what leaves the base."""

    file: SourceFile
    chunk: int
    manifest: Manifest
    shape: Shape
    findings: list[Finding] = field(default_factory=list)
    removals: list[tuple[str, Removal]] = field(default_factory=list)
    """(provider, removal), in the order decided."""
    whole: str | None = None
    """The provider whose overlay takes the whole object."""
    original: object = None
    """The object as read (plain data), kept once it is first edited."""
    item: int | None = None
    """Its index in a List's items (as read), when it is one."""
    _node: object = None

    @property
    def ref(self):
        return self.manifest.ref

    @property
    def deployed(self) -> bool:
        return self.manifest.deployed

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.manifest.api_version, self.manifest.kind, self.manifest.namespace, self.manifest.name)

    def node(self) -> object:
        """The live round-trip node (edited in place): the document, or its item in a List."""
        if self._node is None:
            root = self.file.root(self.chunk)
            if _is_list(root, self.manifest):
                first = self.file.chunks[self.chunk].first_line
                lines = [getattr(item, "lc", None) for item in root["items"]]
                self.item = next(
                    i for i, lc in enumerate(lines) if lc is not None and lc.line + first == self.manifest.line
                )
                self._node = root["items"][self.item]
            else:
                self._node = root
        return self._node

    def snapshot(self) -> object:
        if self.original is None:
            self.original = plain(self.node())
        return self.original


def objects_of(source: SourceFile) -> list[SplitObject]:
    """Every object and Helm values document in the file, as mclint's model reads them."""
    data = source.text.encode("utf-8")
    loaded = load_bytes(data)
    text = FileText(data)
    found = []
    for document in loaded.documents:
        for manifest in manifests_from_document(document, source.rel, None, text):
            if not manifest.deployed and manifest.kind != VALUES_KIND:
                continue
            chunk = source.chunk_at(manifest.line)
            found.append(SplitObject(source, chunk, manifest, shape_of(manifest)))
    return found


def _is_list(root: object, manifest: Manifest) -> bool:
    """Whether the object is an item of the List document `root` (not the document itself)."""
    kind = root.get("kind") if isinstance(root, dict) else None
    return manifest.deployed and isinstance(kind, str) and kind.endswith("List") and kind != manifest.kind


def in_scope(finding: Finding, providers: set[str]) -> bool:
    """A coupling the split moves: one of the chosen providers, above info."""
    return finding.provider in providers and finding.severity > Severity.INFO
