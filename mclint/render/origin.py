"""Mapping findings on built (rendered) objects back to the file and line that introduced the value.

Each built object carries kustomize's origin annotation (the file it came from) and transformation
annotation (the kustomizations whose patches touched it). The finding's rendered line gives the key and
value; that text is looked up in the patches first (an overlay's patch wins over its base), then the
origin file. When the value cannot be found, the finding points at the object in its origin file.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mclint.discover import display_path
from mclint.finding import Finding, ObjectRef
from mclint.load import MapNode, SeqNode, load_bytes
from mclint.render.paths import forget_folders, real_path

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations"
KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#](?:[^:#]*[^\s:#])?)\s*:\s*((?:.*\S)?)\s*$")
"""`key: value` with the spaces around both left out. The key starts and ends with a non-space, so no
two parts of the expression can claim the same spaces: one pass over any line, however long its runs."""
LIST_ITEM = re.compile(r"^\s*-\s+((?:.*\S)?)\s*$")


Show = Callable[[Path], str]
"""How the render stage names a file in reports (see shown)."""


def shown(path: Path, relative: bool, cwd: Path | None = None) -> str:
    """A rendered source's name in reports, matching how discover names the same file: `relative`
    (every path given was relative) names files outside the working directory relative to it too."""
    cwd = cwd or Path.cwd()
    display = display_path(path, cwd)
    if relative and os.path.isabs(display):
        return Path(os.path.relpath(path, cwd)).as_posix()
    return display


@dataclass
class BuiltObject:
    """Where one object of a build came from: its file, and the files that may have patched it."""

    origin: Path | None
    patchers: list[Path] = field(default_factory=list)


@dataclass
class SourceText:
    """Files read once per scan: their lines, and where each object is in them."""

    lines: dict[Path, list[str]] = field(default_factory=dict)
    heads: dict[Path, list[tuple[int, int, object, object]]] = field(default_factory=dict)
    """Per file, each document's (index, line, kind, metadata.name): what object_line reads, without the trees."""
    positions: dict[tuple[Path, str, str], tuple[int, int]] = field(default_factory=dict)
    """(file, kind, name) → (document index, line), as object_line found it (or a build cache remembered it)."""

    def text_lines(self, path: Path) -> list[str]:
        if path not in self.lines:
            try:
                self.lines[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.lines[path] = []
        return self.lines[path]

    def object_line(self, path: Path, kind: str, name: str) -> tuple[int, int]:
        """(document index, line) of the object in `path`: same kind and name, else same kind, else the top."""
        key = (path, kind, name)
        found = self.positions.get(key)
        if found is None:
            found = self.positions[key] = self._find(path, kind, name)
        return found

    def _find(self, path: Path, kind: str, name: str) -> tuple[int, int]:
        if path not in self.heads:
            self.heads[path] = _heads("\n".join(self.text_lines(path)))
        fallback = None
        for index, line, found_kind, found_name in self.heads[path]:
            if found_kind != kind:
                continue
            if isinstance(found_name, str) and found_name and found_name in name:
                return index, line
            fallback = fallback or (index, line)
        return fallback or (0, 1)


_LEADING_MARKER = re.compile(r"(?:[ \t]*(?:#.*)?\n)*---[ \t]*(?:#.*)?\n")
_BODY_KEY = re.compile(r"^(?!apiVersion:|kind:|metadata:)[^\s#]", re.MULTILINE)
_LATER = re.compile(r"^(?:(?:---|\.\.\.)(?:\s|$)|(?:kind|metadata|<<|apiVersion)\s*:|[{\[%&*!|>'\"])", re.MULTILINE)
"""What past an object's head could change what the head says: another document, the head's keys
again, a merge, flow or quoted keys, anchors, directives."""


def _heads(text: str) -> list[tuple[int, int, object, object]]:
    """Each document's (index, line, kind, name). A file of one object whose apiVersion, kind and
    metadata come first (a CRD's schema is megabytes after them) is read by its head alone: the
    head is a prefix of the file, so its document starts where the file's does."""
    leading = _LEADING_MARKER.match(text)
    body = _BODY_KEY.search(text, leading.end() if leading else 0)
    if body is not None and _LATER.search(text, body.start()) is None:
        loaded = load_bytes(text[: body.start()].encode("utf-8"))
        if len(loaded.documents) == 1 and not loaded.problems:
            head = _head(loaded.documents[0])
            if isinstance(head[2], str):
                return [head]
    return [_head(document) for document in load_bytes(text.encode("utf-8")).documents]


def _head(document) -> tuple[int, int, object, object]:
    root = document.root
    if type(root) is not MapNode:
        return document.index, document.line, None, None
    metadata = root.get("metadata")
    return document.index, document.line, root.get("kind"), metadata.get("name") if type(metadata) is MapNode else None


def built_object(
    origin: str | None, transformations: str | None, wrapper: Path, inside: tuple[str, ...]
) -> BuiltObject:
    """Where one built object came from, read from its build annotations' values.

    Paths are relative to the wrapper kustomization; one outside the directories `inside` (the
    kustomizations the build read, which kustomize confines every file to) is ignored, so an
    annotation written in the tree cannot point a finding at a file elsewhere."""
    return BuiltObject(
        _within(_origin_path(origin, wrapper), inside),
        [p for p in _patchers(transformations, wrapper) if _within(p, inside)],
    )


def _within(path: Path | None, inside: tuple[str, ...]) -> Path | None:
    if path is None:
        return None
    real = _real(path)
    return path if any(real == folder or real.startswith(folder + os.sep) for folder in inside) else None


def forget_files() -> None:
    """Start a scan without what the last one learned about the file system."""
    _real.cache_clear()
    _existing_file.cache_clear()
    forget_folders()


@functools.lru_cache(maxsize=4096)
def _real(path: Path) -> str:
    return real_path(path)


PLAIN_ORIGIN = re.compile(r"path: ([\w./+~=-]+)\n")
PLAIN_STEP = re.compile(r"- configuredIn: ([\w./+~=-]+)\n  configuredBy:\n(?:    .*\n)*")
"""The annotations as kustomize writes them for paths YAML needs no quotes for: read without a parser."""


def _yaml(text: object) -> object:
    if not isinstance(text, str) or not text:
        return None
    loaded = load_bytes(text.encode("utf-8"))
    return loaded.documents[0].root if loaded.documents else None


def _origin_path(text: object, wrapper: Path) -> Path | None:
    """The `path:` (or generator's `configuredIn:`) of an origin annotation; None for remote origins."""
    plain = PLAIN_ORIGIN.fullmatch(text) if isinstance(text, str) else None
    if plain is not None:
        return _resolve(plain.group(1), wrapper)
    origin = _yaml(text)
    if type(origin) is not MapNode or "repo" in origin:
        return None
    return _resolve(origin.get("path") or origin.get("configuredIn"), wrapper)


def _patchers(text: object, wrapper: Path) -> list[Path]:
    """The kustomization files that transformed the object (their patch files are read by the caller)."""
    if not isinstance(text, str):
        return []
    plain = list(PLAIN_STEP.finditer(text))
    steps = [m.group(1) for m in plain]
    if sum(len(m.group(0)) for m in plain) != len(text):  # not all in the plain layout: parse it
        steps = _yaml(text)
        if type(steps) is not SeqNode:
            return []
        steps = [step.get("configuredIn") for step in steps if type(step) is MapNode]
    found = [_resolve(step, wrapper) for step in steps]
    return list(dict.fromkeys(p for p in found if p is not None))


def _resolve(raw: object, wrapper: Path) -> Path | None:
    if not isinstance(raw, str) or not raw:
        return None
    return _existing_file(os.path.normpath(os.path.join(wrapper, raw)))


@functools.lru_cache(maxsize=4096)
def _existing_file(path: str) -> Path | None:
    return Path(path) if os.path.isfile(path) else None


def rendered_key_value(line: str) -> tuple[str, str]:
    """The key and value a rendered line holds (`key: value`, or a list item's value)."""
    match = KEY_VALUE.match(line)
    if match:
        return match.group(1).strip("'\""), match.group(2).strip("'\"")
    item = LIST_ITEM.match(line)
    return ("", item.group(1).strip("'\"")) if item else ("", line.strip())


def locate(key: str, value: str, candidates: list[Path], sources: SourceText) -> tuple[Path, int, int] | None:
    """The first candidate line holding key and value, else the value, else the key: (file, line, column)."""
    tests = []  # (predicate over a line, the text whose column is reported)
    if key and value:
        tests.append((lambda text: key in text and value in text, value))
    if value and len(value) >= 3:
        tests.append((lambda text: value in text, value))
        image = value.rsplit(":", 1)[0] if "/" in value and ":" in value.rsplit("/", 1)[-1] else ""
        if image:  # kustomize's images: transformer writes name and tag on separate lines
            tests.append((lambda text: image in text, image))
    if key:
        key_line = re.compile(rf"(^|\s|\"|')({re.escape(key)})[\"']?\s*:")
        tests.append((lambda text: key_line.search(text) is not None, key))
    for test, needle in tests:
        for path in candidates:
            for number, text in enumerate(sources.text_lines(path), start=1):
                if not text.lstrip().startswith("#") and test(text):
                    return path, number, text.find(needle) + 1
    return None


def remap(
    finding: Finding,
    rendered_line: str,
    built: BuiltObject,
    patch_files: dict[Path, list[Path]],
    fallback: Path,
    sources: SourceText,
    show: Show,
) -> Finding:
    """The finding moved from the rendered output to the source file and line that introduced the value."""
    origin = built.origin or fallback
    document, object_line = sources.object_line(origin, finding.obj.kind, finding.obj.name)
    ref = ObjectRef(show(origin), document, finding.obj.kind, finding.obj.namespace, finding.obj.name, object_line)
    key, value = rendered_key_value(rendered_line)
    candidates = [f for patcher in built.patchers for f in patch_files.get(patcher, [])]
    candidates += [*built.patchers, origin]
    spot = locate(key, value, list(dict.fromkeys(candidates)), sources)
    path, number, column = spot or (origin, object_line, 1)
    return finding._replace(file=show(path), line=number, column=column, obj=ref)
