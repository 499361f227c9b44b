"""Mapping findings on built (rendered) objects back to the file and line that introduced the value.

Each built object carries kustomize's origin annotation (the file it came from) and transformation
annotation (the kustomizations whose patches touched it). The finding's rendered line gives the key and
value; that text is looked up in the patches first (an overlay's patch wins over its base), then the
origin file. When the value cannot be found, the finding points at the object in its origin file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mclint.discover import display_path
from mclint.finding import Finding, ObjectRef
from mclint.load import MapNode, load_bytes

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations"
KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#](?:[^:#]*[^\s:#])?)\s*:\s*((?:.*\S)?)\s*$")
"""`key: value` with the spaces around both left out. The key starts and ends with a non-space, so no
two parts of the expression can claim the same spaces: one pass over any line, however long its runs."""
LIST_ITEM = re.compile(r"^\s*-\s+((?:.*\S)?)\s*$")


Show = Callable[[Path], str]
"""How the render stage names a file in reports (see shown)."""


def shown(path: Path, relative: bool) -> str:
    """A rendered source's name in reports, matching how discover names the same file: `relative`
    (every path given was relative) names files outside the working directory relative to it too."""
    display = display_path(path)
    if relative and os.path.isabs(display):
        return Path(os.path.relpath(path)).as_posix()
    return display


@dataclass
class BuiltObject:
    """Where one object of a build came from: its file, and the files that may have patched it."""

    origin: Path | None
    patchers: list[Path] = field(default_factory=list)


@dataclass
class SourceText:
    """Files read once per scan: their lines and parsed documents."""

    lines: dict[Path, list[str]] = field(default_factory=dict)
    documents: dict[Path, list] = field(default_factory=dict)

    def text_lines(self, path: Path) -> list[str]:
        if path not in self.lines:
            try:
                self.lines[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.lines[path] = []
        return self.lines[path]

    def object_line(self, path: Path, kind: str, name: str) -> tuple[int, int]:
        """(document index, line) of the object in `path`: same kind and name, else same kind, else the top."""
        if path not in self.documents:
            data = "\n".join(self.text_lines(path)).encode("utf-8")
            self.documents[path] = load_bytes(data).documents
        fallback = None
        for document in self.documents[path]:
            root = document.root
            if type(root) is not MapNode or root.get("kind") != kind:
                continue
            metadata = root.get("metadata")
            found = metadata.get("name") if type(metadata) is MapNode else None
            if isinstance(found, str) and found and found in name:
                return document.index, document.line
            fallback = fallback or (document.index, document.line)
        return fallback or (0, 1)


def built_objects(stdout: bytes, wrapper: Path) -> dict[int, BuiltObject]:
    """Rendered document index → where it came from, read from the build's annotations."""
    objects = {}
    for document in load_bytes(stdout).documents:
        root = document.root
        metadata = root.get("metadata") if type(root) is MapNode else None
        annotations = metadata.get("annotations") if type(metadata) is MapNode else None
        if type(annotations) is not MapNode:
            objects[document.index] = BuiltObject(None)
            continue
        objects[document.index] = BuiltObject(
            _origin_path(annotations.get(ORIGIN_ANNOTATION), wrapper),
            _patchers(annotations.get(TRANSFORMATIONS_ANNOTATION), wrapper),
        )
    return objects


ORIGIN_PATH = re.compile(r"^(?:path|configuredIn):\s*(\S+)\s*$", re.MULTILINE)
CONFIGURED_IN = re.compile(r"configuredIn:\s*(\S+)")


def _origin_path(text: object, wrapper: Path) -> Path | None:
    """The `path:` (or generator's `configuredIn:`) of an origin annotation; None for remote origins."""
    if not isinstance(text, str) or re.search(r"^repo:", text, re.MULTILINE):
        return None
    match = ORIGIN_PATH.search(text)
    return _resolve(match.group(1), wrapper) if match else None


def _patchers(text: object, wrapper: Path) -> list[Path]:
    """The kustomization files that transformed the object (their patch files are read by the caller)."""
    found = [_resolve(raw, wrapper) for raw in CONFIGURED_IN.findall(text)] if isinstance(text, str) else []
    return list(dict.fromkeys(p for p in found if p is not None))


def _resolve(raw: object, wrapper: Path) -> Path | None:
    if not isinstance(raw, str) or not raw:
        return None
    path = Path(os.path.normpath(wrapper / raw))
    return path if path.is_file() else None


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
    rendered_lines: list[str],
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
    line = rendered_lines[finding.line - 1] if 0 < finding.line <= len(rendered_lines) else ""
    key, value = rendered_key_value(line)
    candidates = [f for patcher in built.patchers for f in patch_files.get(patcher, [])]
    candidates += [*built.patchers, origin]
    spot = locate(key, value, list(dict.fromkeys(candidates)), sources)
    path, number, column = spot or (origin, object_line, 1)
    return finding._replace(file=show(path), line=number, column=column, obj=ref)
