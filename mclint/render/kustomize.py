"""Kustomize trees: which kustomizations to build (the roots), and building one with origins recorded.

A root is a kustomization no other kustomization in the scanned tree references: in a tree of bases
and overlays, the overlays are what gets deployed, so they are built and the bases reached through them.
The build goes through a temporary wrapper kustomization (outside the user's tree) that turns on
`buildMetadata: [originAnnotations, transformerAnnotations]`, so each object says which file it came
from and which kustomizations patched it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from mclint.discover import KUSTOMIZATION_NAMES, walk_folders
from mclint.load import MapNode, SeqNode, load_bytes
from mclint.render.paths import resolved
from mclint.render.tools import ToolRun, run_tool

REFERENCE_KEYS = ("resources", "bases", "components")
PATCH_KEYS = ("patches", "patchesStrategicMerge", "patchesJson6902")
FILE_LIST_KEYS = ("crds", "configurations")
PATH_ITEM_KEYS = ("patches", "patchesJson6902", "replacements")
"""Lists whose items name a file under `path:`."""
GENERATOR_KEYS = ("configMapGenerator", "secretGenerator")
PLUGIN_KEYS = ("generators", "transformers", "validators")
"""Files, directories or inline configurations whose own contents may name more files."""
INLINE_KEYS = frozenset(
    (
        "apiVersion",
        "kind",
        "metadata",
        "namespace",
        "namePrefix",
        "nameSuffix",
        "commonLabels",
        "labels",
        "commonAnnotations",
        "images",
        "replicas",
        "vars",
        "sortOptions",
        "buildMetadata",
        "generatorOptions",
        "openapi",
        *REFERENCE_KEYS,
        *PATCH_KEYS,
        *FILE_LIST_KEYS,
        *PATH_ITEM_KEYS,
        *GENERATOR_KEYS,
    )
)
"""Keys whose every file (if any) named_paths finds; any other key may read files it cannot list."""
REMOTE_MARKERS = ("://", "git::", "git@", "github.com/", "gitlab.com/", "bitbucket.org/", "?ref=", "?version=")
"""Matched case-insensitively: kustomize fetches `GitHub.com/org/repo` as readily as `github.com/org/repo`."""
REMOTE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+/[^/]+/")
"""`host.tld/org/repo...`: what kustomize would try to clone when no such local path exists."""


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
    named: list[tuple[str, Path]] = field(default_factory=list)
    """(key, path) of every local path it names, whether or not it exists: what a build of it reads."""
    special: list[tuple[str, int, str]] = field(default_factory=list)
    """(entry, line, what) of named paths that are neither files nor directories (a FIFO would block the build)."""
    opaque: bool = False
    """It has keys (generators, transformers, Helm charts...) whose configurations may read more files."""


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        if _kind_of(candidate) == "file":
            return candidate
    return None


def _special_kustomization(directory: Path) -> tuple[Path, str] | None:
    """A kustomization name that exists as something other than a file or a dangling link (a FIFO, a device)."""
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        kind = _kind_of(candidate)
        if kind not in ("file", "missing", "directory"):
            return candidate, kind
    return None


def read_kustomization(directory: Path) -> Kustomization | None:
    file = kustomization_file(directory)
    if file is None:
        special = _special_kustomization(directory)
        if special is None:
            return None
        path, kind = special
        return Kustomization(
            resolved(directory.absolute()), path.absolute(), problem=f"{path.name} is {kind}, not a file"
        )
    found = Kustomization(resolved(directory.absolute()), resolved(file.absolute()))
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
    found.opaque = any(key not in INLINE_KEYS for key in root)
    for key, entry, line in named_paths(root):
        _add_path(found, key, entry, line)
    return found


def _add_path(found: Kustomization, key: str, entry: str, line: int) -> None:
    """Sort one named path into remote, reference, patch file or special, and remember it for the build's key."""
    if _looks_remote(entry):
        found.remote.append((entry, line))
        return
    path = found.directory / entry
    kind = _kind_of(path)
    if kind == "missing" and key in REFERENCE_KEYS and REMOTE_HOST.match(entry):
        found.remote.append((entry, line))
        return
    found.named.append((key, Path(os.path.normpath(path))))
    if kind not in ("file", "directory", "missing"):
        found.special.append((entry, line, kind))
    elif kind == "directory" and key in REFERENCE_KEYS:
        found.references.append(resolved(path))
    elif kind == "file" and key in PATCH_KEYS:
        found.patch_files.append(resolved(path))


def _looks_remote(entry: str) -> bool:
    lowered = entry.lower()
    return any(marker in lowered for marker in REMOTE_MARKERS)


def named_paths(root: MapNode) -> list[tuple[str, str, int]]:
    """(key, entry, line) of every path a kustomization names, in the fields kustomize reads files from."""
    found = []
    for key in (*REFERENCE_KEYS, *FILE_LIST_KEYS, *PLUGIN_KEYS, "patchesStrategicMerge"):
        found += [(key, entry, line) for entry, line in _strings_with_lines(root.get(key)) if "\n" not in entry]
    for key in PATH_ITEM_KEYS:
        found += [(key, entry, line) for entry, line in _item_values(root.get(key), "path")]
    for key in GENERATOR_KEYS:
        items = root.get(key)
        for item in items if type(items) is SeqNode else ():
            if type(item) is MapNode:
                files = _strings_with_lines(item.get("files"))
                found += [(key, entry.rpartition("=")[2], line) for entry, line in files]
                found += [(key, entry, line) for entry, line in _strings_with_lines(item.get("envs"))]
                if isinstance(item.get("env"), str):
                    found.append((key, item["env"], item.value_position("env")[0]))
    openapi = root.get("openapi")
    if type(openapi) is MapNode and isinstance(openapi.get("path"), str):
        found.append(("openapi", openapi["path"], openapi.value_position("path")[0]))
    return found


def _strings_with_lines(node: object) -> list[tuple[str, int]]:
    if type(node) is not SeqNode:
        return []
    return [(item, node.item_position(i)[0]) for i, item in enumerate(node) if isinstance(item, str)]


def _item_values(node: object, name: str) -> list[tuple[str, int]]:
    """The `name:` string of each mapping item of a list, with its line."""
    if type(node) is not SeqNode:
        return []
    return [
        (item[name], item.value_position(name)[0])
        for item in node
        if type(item) is MapNode and isinstance(item.get(name), str) and "\n" not in item[name]
    ]


def _kind_of(path: Path) -> str:
    """What a path names, following links: "file", "directory", "missing", or the special kind it is."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # missing, a dangling or looping link, a NUL byte, a name too long
        return "missing"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def find_kustomizations(root: Path) -> list[Kustomization]:
    """Every kustomization under `root`, walked without following symlinks, in path order."""
    found = []
    for directory, files in walk_folders(root):
        if not any(name in files for name in KUSTOMIZATION_NAMES):
            continue  # a kustomization name that is a folder is none, as read_kustomization finds
        item = read_kustomization(directory)
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


def reach(chain: list[Kustomization]) -> tuple[Path, ...]:
    """The directories a build of this chain reads files from: its kustomizations' and the generator,
    transformer and validator directories they name (kustomize confines every other file to these)."""
    plugins = [
        path.resolve() for k in chain for key, path in k.named if key in PLUGIN_KEYS and _kind_of(path) == "directory"
    ]
    return tuple(dict.fromkeys([k.directory for k in chain] + plugins))


_SCRATCH: set[Path] = set()
_SCRATCH_LOCK = threading.Lock()

BUILD_METADATA = ["originAnnotations", "transformerAnnotations"]


def wrapper_text(target: str) -> str:
    """The wrapper kustomization, as JSON (which YAML reads): a root named `ov #x`, or with a newline in
    its name, stays one quoted path instead of becoming a comment or new keys."""
    return json.dumps({"resources": [target], "buildMetadata": BUILD_METADATA}) + "\n"


def build(directory: Path, command: list[str]) -> tuple[ToolRun, Path]:
    """Build through a throw-away wrapper; returns the run and the wrapper directory origins are relative to."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="mclint-kustomize-"))
    with _SCRATCH_LOCK:
        _SCRATCH.add(scratch)
    wrapper = scratch / "wrap"
    try:
        wrapper.mkdir()
        target = os.path.relpath(directory, wrapper)
        (wrapper / "kustomization.yaml").write_text(wrapper_text(target), encoding="utf-8")
        return run_tool([*command, str(wrapper)]), wrapper
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with _SCRATCH_LOCK:
            _SCRATCH.discard(scratch)


def remove_scratch() -> None:
    """Remove every wrapper folder still on disk (the scan is being stopped)."""
    import shutil

    with _SCRATCH_LOCK:
        folders = list(_SCRATCH)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
