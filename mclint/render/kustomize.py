"""Kustomize trees: which kustomizations to build (the roots), and building one with origins recorded.

A root is a kustomization no other kustomization in the scanned tree references: in a tree of bases
and overlays, the overlays are what gets deployed, so they are built and the bases reached through them.
The build goes through a temporary wrapper kustomization (outside the user's tree) that turns on
`buildMetadata: [originAnnotations, transformerAnnotations]`, so each object says which file it came
from and which kustomizations patched it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mclint.discover import SKIP_DIRS
from mclint.load import MapNode, SeqNode, load_bytes
from mclint.render.tools import ToolRun, run_tool

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
REFERENCE_KEYS = ("resources", "bases", "components")
PATCH_KEYS = ("patches", "patchesStrategicMerge", "patchesJson6902")
REMOTE_MARKERS = ("://", "github.com/", "git@", "?ref=")


@dataclass
class Kustomization:
    directory: Path
    file: Path
    is_component: bool = False
    references: list[Path] = field(default_factory=list)
    """Local directories this kustomization builds on (bases, components)."""
    patch_files: list[Path] = field(default_factory=list)
    remote: list[tuple[str, int]] = field(default_factory=list)
    """Remote (URL) resources and their line: these cannot be fetched offline."""
    problem: str = ""


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def read_kustomization(directory: Path) -> Kustomization | None:
    file = kustomization_file(directory)
    if file is None:
        return None
    found = Kustomization(directory.resolve(), file.resolve())
    try:
        loaded = load_bytes(file.read_bytes())
    except OSError as error:
        found.problem = f"cannot read: {error.strerror or error}"
        return found
    root = loaded.documents[0].root if loaded.documents else None
    if type(root) is not MapNode:
        found.problem = loaded.problems[0].message if loaded.problems else "not a YAML mapping"
        return found
    found.is_component = root.get("kind") == "Component"
    for key in REFERENCE_KEYS:
        for entry, line in _strings_with_lines(root.get(key)):
            if any(marker in entry for marker in REMOTE_MARKERS):
                found.remote.append((entry, line))
            elif _is_dir(found.directory / entry):
                found.references.append((found.directory / entry).resolve())
    for key in PATCH_KEYS:
        found.patch_files.extend(_patch_paths(root.get(key), found.directory))
    return found


def _strings_with_lines(node: object) -> list[tuple[str, int]]:
    if type(node) is not SeqNode:
        return []
    return [(item, node.item_position(i)[0]) for i, item in enumerate(node) if isinstance(item, str)]


def _patch_paths(node: object, directory: Path) -> list[Path]:
    if type(node) is not SeqNode:
        return []
    paths = []
    for item in node:
        raw = item.get("path") if type(item) is MapNode else item
        if isinstance(raw, str) and "\n" not in raw and _is_file(directory / raw):
            paths.append((directory / raw).resolve())
    return paths


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name with a NUL byte or too long for the file system
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def find_kustomizations(root: Path) -> list[Kustomization]:
    """Every kustomization under `root`, walked without following symlinks, in path order."""
    found = []
    for directory, subdirs, _files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
        item = read_kustomization(Path(directory))
        if item is not None:
            found.append(item)
    return sorted(found, key=lambda k: k.directory.as_posix())


def build_roots(tree: list[Kustomization], named: Path | None = None) -> list[Kustomization]:
    """Kustomizations nobody in the tree references (components never); a directory the user named is a root."""
    referenced = {ref for k in tree for ref in k.references}
    named = named.resolve() if named else None
    return [k for k in tree if not k.is_component and (k.directory == named or k.directory not in referenced)]


def chain(start: Kustomization, known: dict[Path, Kustomization]) -> list[Kustomization]:
    """The kustomization and every one it builds on, transitively (read from disk when outside the tree)."""
    order, stack, seen = [], [start], set()
    while stack:
        item = stack.pop()
        if item.directory in seen:
            continue
        seen.add(item.directory)
        order.append(item)
        for ref in item.references:
            nested = known.get(ref) or read_kustomization(ref)
            if nested is not None:
                known.setdefault(ref, nested)
                stack.append(nested)
    return order


def build(directory: Path, command: list[str]) -> tuple[ToolRun, Path]:
    """Build through a throw-away wrapper; returns the run and the wrapper directory origins are relative to."""
    scratch = Path(tempfile.mkdtemp(prefix="mclint-kustomize-"))
    wrapper = scratch / "wrap"
    wrapper.mkdir()
    target = os.path.relpath(directory, wrapper)
    text = f"resources:\n- {target}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n"
    (wrapper / "kustomization.yaml").write_text(text, encoding="utf-8")
    try:
        return run_tool([*command, str(wrapper)]), wrapper
    finally:
        (wrapper / "kustomization.yaml").unlink()
        wrapper.rmdir()
        scratch.rmdir()
