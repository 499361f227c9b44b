"""Splitting a Kustomize root: the bases it builds from lose their couplings, and what puts them back
joins the root's own kustomization (its overlay) instead of a second one.

The root's bases (directories it lists under `resources`, with everything they reach) go under
`base/`; the root and the components it opts into are its overlay and go under
`overlays/<provider>/`, with every relative path in the copied kustomizations rewritten to the new
layout. A root that lists no base directory is itself the base, and gets a new overlay.

In the bases, resource files are split object by object. A base's `images:` entry or patch that
holds a coupling moves to the overlay whole, after the patches that restore the resources (a base
applies its patches to its resources). Objects that move whole are taken from the base's build, so
the base's own transformations (namespace, name prefix, labels) still apply to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mclint.render.kustomize import KUSTOMIZATION_NAMES, REMOTE_MARKERS
from mclint.split.base import Base, lint_with
from mclint.split.documents import Style, detect_style, dump_document, dump_plain, fresh, load_document
from mclint.split.layout import KUSTOMIZATION_STYLE, Overlay, as_patches_entry, build_overlays
from mclint.split.objects import NothingToSplit, SplitError, in_scope, read_file
from mclint.split.result import SplitResult

REFERENCE_LISTS = ("resources", "bases", "components")
FILE_LISTS = ("crds", "configurations", "generators", "transformers", "validators")
PATCH_LISTS = ("patches", "patchesStrategicMerge", "patchesJson6902")
MOVABLE_LISTS = ("images", *PATCH_LISTS)
HELM_KEYS = ("helmCharts", "helmChartInflationGenerator", "helmGlobals")
GENERATORS = ("configMapGenerator", "secretGenerator")
BUILD_ANNOTATIONS = ("config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations")


@dataclass
class Kustomization:
    directory: Path
    file: Path
    data: dict
    overlay: bool
    moved: dict[str, set[int]] = field(default_factory=dict)
    """List name → indices of its entries that move to the overlay."""


@dataclass
class Tree:
    """Everything one build reads, and which side of the split each part is on."""

    root: Path
    kustomizations: dict[Path, Kustomization] = field(default_factory=dict)
    files: dict[Path, tuple[str, bool]] = field(default_factory=dict)
    """File → (role: resource, patch or other; whether it belongs to the overlay)."""
    bases: list[Path] = field(default_factory=list)
    """Directories the root lists under resources/bases: its bases (none: the root is the base)."""

    @property
    def root_is_base(self) -> bool:
        return not self.bases

    def base_kustomizations(self) -> list[Kustomization]:
        return sorted((k for k in self.kustomizations.values() if not k.overlay), key=lambda k: k.directory.as_posix())


def read_tree(root: Path) -> Tree:
    """Every kustomization and file the root's build reads, each on its side of the split."""
    tree = Tree(root)
    first = _read(root)
    if first.get("kind") == "Component":
        raise SplitError(f"{root} is a Kustomize Component, never built alone: split a kustomization that uses it")
    tree.bases = [
        (root / entry).resolve()
        for key in ("resources", "bases")
        for entry in _strings(first.get(key))
        if not _remote(entry) and _is_dir(root / entry)
    ]
    queue = [(root.resolve(), not tree.root_is_base)]
    while queue:
        directory, overlay = queue.pop(0)
        known = tree.kustomizations.get(directory)
        if known is not None:
            known.overlay = known.overlay and overlay
            continue
        data = _read(directory)
        file = _kustomization_file(directory)
        tree.kustomizations[directory] = Kustomization(directory, file, data, overlay)
        for key in REFERENCE_LISTS:
            for entry in _strings(data.get(key)):
                if _remote(entry):
                    raise SplitError(
                        f"{file}: remote {key} entry {entry!r} is not fetched: vendor it into the tree first"
                    )
                target = (directory / entry).resolve()
                if (directory / entry).is_symlink():
                    raise SplitError(f"{file}: {entry} is a symbolic link: not followed")
                if target.is_dir():
                    queue.append((target, overlay and (key == "components" or directory != tree.root)))
                elif target.is_file():
                    tree.files.setdefault(target, ("resource", overlay))
                else:
                    raise SplitError(f"{file}: {key} entry {entry!r} does not exist, so the input does not build")
        for path, role in _referenced_files(directory, data, file):
            tree.files.setdefault(path, (role, overlay))
    return tree


def _kustomization_file(directory: Path) -> Path:
    return next((directory / n).resolve() for n in KUSTOMIZATION_NAMES if (directory / n).is_file())


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _read(directory: Path) -> dict:
    from ruamel.yaml import YAML

    if not any((directory / n).is_file() for n in KUSTOMIZATION_NAMES):
        raise SplitError(f"{directory}: no kustomization.yaml")
    file = _kustomization_file(directory)
    try:
        data = YAML(typ="safe", pure=True).load(file.read_text(encoding="utf-8"))
    except Exception as error:  # ruamel.yaml's many error types: the file is named, not traced
        raise SplitError(f"{file}: cannot be read: {' '.join(str(error).split())[:200]}") from None
    if not isinstance(data, dict):
        raise SplitError(f"{file}: not a kustomization")
    for key in HELM_KEYS:
        if key in data:
            raise SplitError(
                f"{file}: {key} inflates a Helm chart, and split rewrites manifests, not charts. Render it"
                " (kubectl kustomize --enable-helm DIR > rendered.yaml) and split the rendered file"
            )
    return data


def _strings(node: object) -> list[str]:
    return [item for item in node if isinstance(item, str)] if isinstance(node, list) else []


def _remote(entry: str) -> bool:
    return any(marker in entry for marker in REMOTE_MARKERS)


def _referenced_files(directory: Path, data: dict, file: Path) -> list[tuple[Path, str]]:
    """Files a kustomization reads besides resources: patches, generator inputs, configurations."""
    found: list[tuple[Path, str]] = []

    def add(entry: object, role: str) -> None:
        if not isinstance(entry, str) or "\n" in entry or _remote(entry):
            return
        path = (directory / entry).resolve()
        if path.is_file():
            found.append((path, role))
        elif role != "patch":  # a patchesStrategicMerge string may be a patch written inline
            raise SplitError(f"{file}: {entry!r} does not exist, so the input does not build")

    for item in data.get("patches") or []:
        if isinstance(item, dict):
            add(item.get("path"), "patch")
    for item in data.get("patchesStrategicMerge") or []:
        add(item, "patch")
    for item in data.get("patchesJson6902") or []:
        if isinstance(item, dict):
            add(item.get("path"), "patch")
    for key in FILE_LISTS:
        for item in _strings(data.get(key)):
            add(item, "other")
    for item in data.get("replacements") or []:
        if isinstance(item, dict):
            add(item.get("path"), "other")
    if isinstance(data.get("openapi"), dict):
        add(data["openapi"].get("path"), "other")
    for key in GENERATORS:
        for generator in data.get(key) or []:
            if not isinstance(generator, dict):
                continue
            for entry in _strings(generator.get("files")):
                add(entry.split("=", 1)[-1], "other")
            for entry in _strings(generator.get("envs")):
                add(entry, "other")
            add(generator.get("env"), "other")
    return found


def _moves(tree: Tree, providers: set[str] | None, lint) -> list[tuple[str, Kustomization, str, int]]:
    """Entries of the bases' kustomizations (images, patches) that hold a coupling: (provider,
    kustomization, list name, index). A coupling written anywhere else in a base's kustomization
    is refused with its line."""
    found = []
    patch_files = {
        path: read_file(path, path.as_posix())
        for path, (role, overlay) in tree.files.items()
        if role == "patch" and not overlay
    }
    in_files = {}
    for finding in lint(list(patch_files.values())) if patch_files else []:
        if (providers is None or in_scope(finding, providers)) and finding.severity > 0:
            in_files.setdefault(Path(finding.file), []).append(finding)
    for kustomization in tree.base_kustomizations():
        source = read_file(kustomization.file, kustomization.file.as_posix())
        spans = _entry_spans(source.text)
        for finding in lint([source]):
            if finding.severity == 0 or (providers is not None and not in_scope(finding, providers)):
                continue
            where = next(((name, i) for name, i, first, last in spans if first <= finding.line <= last), None)
            if where is None:
                raise SplitError(
                    f"{kustomization.file}:{finding.line}: {finding.rule_id}: this base's kustomization holds the"
                    " coupling outside images and patches; move it into the overlay, then split again"
                )
            found.append((finding.provider, kustomization, *where))
        for name in PATCH_LISTS:
            for index, item in enumerate(kustomization.data.get(name) or []):
                entry = item.get("path") if isinstance(item, dict) else item
                if isinstance(entry, str) and "\n" not in entry:
                    path = (kustomization.directory / entry).resolve()
                    for finding in in_files.get(path, []):
                        found.append((finding.provider, kustomization, name, index))
    return found


def _entry_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(list name, index, first line, last line) of each entry of the movable lists."""
    from mclint.load import load_bytes

    loaded = load_bytes(text.encode("utf-8"))
    if not loaded.documents or not isinstance(loaded.documents[0].root, dict):
        return []
    root = loaded.documents[0].root
    starts = sorted(line for line, _ in root.keys_at.values())
    spans = []
    for name in MOVABLE_LISTS:
        items = root.get(name)
        if not isinstance(items, list):
            continue
        key_line = root.keys_at[name][0]
        end = next((line - 1 for line in starts if line > key_line), text.count("\n") + 1)
        lines = [items.item_position(i)[0] for i in range(len(items))]
        for index, first in enumerate(lines):
            last = lines[index + 1] - 1 if index + 1 < len(lines) else end
            spans.append((name, index, first, last))
    return spans


def placements(tree: Tree, provider: str) -> dict[Path, str]:
    """Each directory and file the build reads → its path under the output."""
    overlay_root = f"overlays/{provider}"
    places: dict[Path, str] = {}
    base_dirs = [k.directory for k in tree.kustomizations.values() if not k.overlay]
    base_dirs += [path.parent for path, (_, overlay) in tree.files.items() if not overlay]
    if base_dirs:
        anchor = Path(os.path.commonpath([str(p) for p in base_dirs]))
        for path in [*tree.kustomizations, *tree.files]:
            if not _overlay_side(tree, path):
                places[path] = _under("base", path, anchor)
    outside = [p if p in tree.kustomizations else p.parent for p in [*tree.kustomizations, *tree.files]]
    outside = [
        p
        for p, q in zip(outside, [*tree.kustomizations, *tree.files], strict=True)
        if _overlay_side(tree, q) and not _within(p, tree.root)
    ]
    outside_anchor = Path(os.path.commonpath([str(p) for p in outside])) if outside else None
    extra = _free_folder(tree.root, "components")
    for path in [*tree.kustomizations, *tree.files]:
        if _overlay_side(tree, path):
            if _within(path, tree.root):
                places[path] = _under(overlay_root, path, tree.root)
            else:
                places[path] = _under(f"{overlay_root}/{extra}", path, outside_anchor)
    return places


def _overlay_side(tree: Tree, path: Path) -> bool:
    if path in tree.kustomizations:
        return tree.kustomizations[path].overlay
    return tree.files[path][1]


def _under(prefix: str, path: Path, anchor: Path) -> str:
    relative = path.relative_to(anchor).as_posix()
    return prefix if relative == "." else f"{prefix}/{relative}"


def _within(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _free_folder(root: Path, name: str) -> str:
    candidate, number = name, 1
    while (root / candidate).exists():
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def split_kustomization(root: Path, providers: list[str] | None, ruleset) -> SplitResult:
    tree = read_tree(root)
    _check_input_builds(root)
    lint = lint_with(ruleset)
    resource_paths = sorted(p for p, (role, overlay) in tree.files.items() if role == "resource" and not overlay)
    probe = [read_file(path, path.as_posix()) for path in resource_paths]
    wanted = set(providers) if providers else None
    moves = _moves(tree, wanted, lint)
    found = {f.provider for f in lint(probe) if in_scope(f, wanted or {f.provider})} | {m[0] for m in moves}
    chosen = sorted(found)
    if not chosen:
        raise NothingToSplit(f"nothing to split: the bases of {root} hold no coupling above info")
    if len(chosen) > 1 and not tree.root_is_base:
        raise SplitError(
            f"{root} is an overlay, and its bases couple to {', '.join(chosen)}: one overlay takes one"
            " provider's couplings; name it with --provider"
        )
    for provider, kustomization, name, index in moves:
        if name != "images" and any(key in kustomization.data for key in ("replacements", "vars")):
            raise SplitError(
                f"{kustomization.file}: a patch here holds a {provider} coupling, and this kustomization's"
                " replacements may read what the patch sets: move the patch into the overlay by hand"
            )
        kustomization.moved.setdefault(name, set()).add(index)
    per_provider = {provider: placements(tree, provider) for provider in chosen}
    places = per_provider[chosen[0]]
    base = Base([read_file(path, places[path]) for path in resource_paths])
    base.check_buildable()
    left = base.take_out(set(chosen), lint)
    if left:
        first = left[0]
        raise SplitError(
            f"{first.file}:{first.line}: {first.rule_id} could not be taken out of the base ({first.field})"
        )
    built = _built_base_objects(tree) if any(obj.whole for obj in base.objects) else {}
    overlays = build_overlays(base, chosen, lambda obj: _built_text(obj, built, obj.file.style))
    result = SplitResult(providers=chosen)
    for provider in chosen:
        places = per_provider[provider]
        overlay = overlays[provider]
        _add_moved_entries(tree, places, overlay, [m for m in moves if m[0] == provider])
        _write_tree(tree, places, result, base)
        _write_overlay(tree, places, result, overlay, provider)
        result.patched += len(overlay.patches)
        result.moved.extend(
            (provider, obj.ref.label, ", ".join(sorted({f.rule_id for f in obj.findings})))
            for obj in base.objects
            if obj.whole == provider
        )
        result.overlays[provider] = f"overlays/{provider}"
        result.expected[provider] = root
    result.objects = len(base.deployed())
    return result


def _check_input_builds(root: Path) -> None:
    from mclint.split.verify import build

    built = build(root)
    if built is not None and built.problem:
        raise SplitError(f"{root} does not build: {built.problem}")


def _add_moved_entries(tree: Tree, places: dict[Path, str], overlay: Overlay, moves: list) -> None:
    """Copy the bases' moved images and patches into the overlay, in the order the bases list them."""
    seen = set()
    for _, kustomization, name, index in sorted(moves, key=lambda m: (m[1].directory.as_posix(), m[2], m[3])):
        if (kustomization.directory, name, index) in seen:
            continue
        seen.add((kustomization.directory, name, index))
        entry = kustomization.data[name][index]
        if name == "images":
            overlay.images.append(dict(entry))
            continue
        path = entry.get("path") if isinstance(entry, dict) else entry
        if isinstance(path, str) and "\n" not in path:
            source = (kustomization.directory / path).resolve()
            copied = overlay.add_file("patches", source.name, source.read_text(encoding="utf-8"))
            entry = {**entry, "path": copied} if isinstance(entry, dict) else copied
        overlay.moved_patches.append((name, entry))


def _built_base_objects(tree: Tree) -> dict[tuple, list[dict]]:
    """Objects as the bases build them (their transformations applied), by source file and kind."""
    from ruamel.yaml import YAML

    from mclint.render import kustomize as render_kustomize
    from mclint.render.tools import kustomize_command

    command = kustomize_command()
    if command is None:
        raise SplitError("moving whole objects out of a Kustomize base needs kustomize or kubectl on PATH")
    found: dict[tuple, list[dict]] = {}
    for start in tree.bases or [tree.root]:
        run, wrapper = render_kustomize.build(start, command)
        if not run.ok:
            raise SplitError(f"{start} does not build: {run.message}")
        for document in YAML(typ="safe", pure=True).load_all(run.stdout.decode("utf-8")):
            if isinstance(document, dict):
                origin = _origin(document, wrapper)
                if origin is not None:
                    found.setdefault((origin, document.get("kind")), []).append(document)
    return found


def _origin(document: dict, wrapper: Path) -> Path | None:
    annotations = (document.get("metadata") or {}).get("annotations") or {}
    text = annotations.get("config.kubernetes.io/origin")
    if not isinstance(text, str):
        return None
    for line in text.splitlines():
        if line.startswith("path:"):
            return (wrapper / line.split(":", 1)[1].strip()).resolve()
    return None


def _built_text(obj, built: dict, style: Style) -> str:
    """The object as its base builds it, without the build's own annotations."""
    candidates = built.get((obj.file.path.resolve(), obj.manifest.kind), [])
    name = obj.manifest.name
    matches = [d for d in candidates if name and name in str((d.get("metadata") or {}).get("name", ""))]
    if len(matches) != 1:
        raise SplitError(f"{obj.ref.file}:{obj.ref.line}: {obj.ref.label} cannot be found in its base's build")
    document = matches[0]
    meta = document.get("metadata") or {}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in BUILD_ANNOTATIONS}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return dump_plain(fresh(document), style)


def _write_tree(tree: Tree, places: dict[Path, str], result: SplitResult, base: Base) -> None:
    """Everything the build reads at its new place: the split resource files, the other files as
    they are (a patch that moved to the overlay is left out), the bases' kustomizations rewritten."""
    for source in base.files:
        result.files[places[source.path.resolve()]] = source.render() or "# every object here moved to an overlay\n"
    split = {source.path.resolve() for source in base.files}
    still_used = _files_still_used(tree)
    for path, (_, overlay) in tree.files.items():
        if path not in split and (overlay or path in still_used):
            result.files[places[path]] = path.read_text(encoding="utf-8")
    for kustomization in tree.kustomizations.values():
        if kustomization.directory != tree.root or tree.root_is_base:
            target = f"{places[kustomization.directory]}/{kustomization.file.name}"
            result.files[target] = _rewritten(kustomization, places)


def _files_still_used(tree: Tree) -> set[Path]:
    """Files of the bases some entry that stays in a base still reads."""
    moved = set()
    for kustomization in tree.kustomizations.values():
        for name, indices in kustomization.moved.items():
            for index in indices:
                entry = kustomization.data[name][index]
                path = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(path, str):
                    moved.add((kustomization.directory / path).resolve())
    kept = set()
    for kustomization in tree.kustomizations.values():
        for name in PATCH_LISTS:
            for index, entry in enumerate(kustomization.data.get(name) or []):
                if index not in kustomization.moved.get(name, set()):
                    path = entry.get("path") if isinstance(entry, dict) else entry
                    if isinstance(path, str):
                        kept.add((kustomization.directory / path).resolve())
    return {path for path in tree.files if path not in moved or path in kept}


def _rewritten(kustomization: Kustomization, places: dict[Path, str], edit=None) -> str:
    """The kustomization's own text (comments kept), moved entries taken out, every local path
    pointing at the new layout."""
    text = kustomization.file.read_text(encoding="utf-8")
    root = load_document(text)
    here = places[kustomization.directory]

    def moved(entry: object) -> object:
        if not isinstance(entry, str) or "\n" in entry or _remote(entry):
            return entry
        key, separator, value = entry.rpartition("=") if "=" in entry else ("", "", entry)
        new = places.get((kustomization.directory / value).resolve())
        return entry if new is None else f"{key}{separator}{Path(os.path.relpath(new, here)).as_posix()}"

    for name, indices in kustomization.moved.items():
        items = root.get(name)
        for index in sorted(indices, reverse=True):
            del items[index]
        if not items:
            del root[name]
    for key in (*REFERENCE_LISTS, *FILE_LISTS, "patchesStrategicMerge"):
        items = root.get(key)
        if isinstance(items, list):
            for index, item in enumerate(items):
                items[index] = moved(item)
    for key in ("patches", "patchesJson6902", "replacements"):
        for item in root.get(key) or []:
            if isinstance(item, dict) and "path" in item:
                item["path"] = moved(item["path"])
    if isinstance(root.get("openapi"), dict) and "path" in root["openapi"]:
        root["openapi"]["path"] = moved(root["openapi"]["path"])
    for key in GENERATORS:
        for generator in root.get(key) or []:
            if isinstance(generator, dict):
                for name in ("files", "envs"):
                    if isinstance(generator.get(name), list):
                        generator[name][:] = [moved(e) for e in generator[name]]
                if "env" in generator:
                    generator["env"] = moved(generator["env"])
    if edit is not None:
        edit(root)
    return dump_document(root, detect_style(text), text)


def _write_overlay(tree: Tree, places: dict[Path, str], result: SplitResult, overlay: Overlay, provider: str) -> None:
    """A new overlay beside the base, or the root's own kustomization with the new entries first."""
    root_place = places[tree.root.resolve()]
    if tree.root_is_base:
        overlay_dir = f"overlays/{provider}"
        for path, text in overlay.files.items():
            result.files[f"{overlay_dir}/{path}"] = text
        reference = Path(os.path.relpath(root_place, overlay_dir)).as_posix()
        header = f"# The {provider} overlay, written by mclint split: the {provider} settings the portable base leaves out.\n"
        result.files[f"{overlay_dir}/kustomization.yaml"] = header + dump_plain(
            fresh(overlay.kustomization(reference)), KUSTOMIZATION_STYLE
        )
        return
    taken = {p[len(root_place) + 1 :] for p in result.files if p.startswith(root_place + "/")}
    renamed = {}
    for path, text in overlay.files.items():
        target, number = path, 1
        while target in taken:
            number += 1
            stem, _, suffix = path.rpartition(".")
            target = f"{stem}-{number}.{suffix}"
        taken.add(target)
        renamed[path] = target
        result.files[f"{root_place}/{target}"] = text
    kustomization = tree.kustomizations[tree.root.resolve()]
    result.files[f"{root_place}/{kustomization.file.name}"] = _rewritten(
        kustomization, places, lambda root: _prepend(root, overlay, renamed)
    )


def _prepend(root, overlay: Overlay, renamed: dict[str, str]) -> None:
    """Put the overlay's entries before the root's own: they stand for the bases, built first."""
    from ruamel.yaml.comments import CommentedSeq

    def listed(name: str) -> CommentedSeq:
        if not isinstance(root.get(name), list):
            root[name] = CommentedSeq()
        return root[name]

    if overlay.resources:
        listed("resources").extend(renamed[p] for p in overlay.resources)
    entries = [("patches", {"path": renamed[p]}) for p in overlay.patches]
    entries += [(name, _renamed_entry(entry, renamed)) for name, entry in overlay.moved_patches]
    if entries:
        field = "patchesStrategicMerge" if "patchesStrategicMerge" in root and not overlay.moved_patches else "patches"
        converted = [_as_field(field, name, entry) for name, entry in entries]
        listed(field)[0:0] = [fresh(entry) if isinstance(entry, dict) else entry for entry in converted]
    if overlay.images:
        listed("images")[0:0] = [fresh(image) for image in overlay.images]


def _renamed_entry(entry: object, renamed: dict[str, str]) -> object:
    if isinstance(entry, dict) and entry.get("path") in renamed:
        return {**entry, "path": renamed[entry["path"]]}
    return renamed.get(entry, entry) if isinstance(entry, str) else entry


def _as_field(field: str, name: str, entry: object) -> object:
    """An entry of `name` (patches, patchesStrategicMerge, patchesJson6902) written for `field`."""
    if field == "patchesStrategicMerge":
        return entry["path"] if isinstance(entry, dict) else entry
    return as_patches_entry(name, entry)
