"""The files of a split: the base's kustomization, and each overlay's kustomization, patches,
provider-only resources and Helm values, named after what they hold."""

from __future__ import annotations

import re

from mclint.model.kinds import VALUES_KIND
from mclint.split.base import Base
from mclint.split.documents import Style, dump_plain, fresh
from mclint.split.engine import restoring_patch, views
from mclint.split.objects import SplitObject
from mclint.split.patches import restoring_values

KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"
KUSTOMIZATION_STYLE = Style(2, 4, 2)
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def kustomization(resources: list[str], header: str = "") -> str:
    data = {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization", "resources": resources}
    return header + dump_plain(fresh(data), KUSTOMIZATION_STYLE)


class Overlay:
    """One provider's overlay: what its kustomization lists, and the files it holds."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.files: dict[str, str] = {}
        self.resources: list[str] = []
        self.patches: list[str] = []
        self.images: list[dict[str, str]] = []
        self.values: list[str] = []
        self.moved_patches: list[tuple[str, object]] = []
        """Patches of a base that hold couplings, as (the list they came from, the entry), moved here whole."""
        self._names: set[str] = set()

    def add_resource(self, obj: SplitObject, text: str) -> None:
        path = self._name("resources", obj)
        self.files[path] = text
        self.resources.append(path)

    def add_patch(self, obj: SplitObject, patch: dict) -> None:
        path = self._name("patches", obj)
        self.files[path] = dump_plain(fresh(patch), obj.file.style)
        self.patches.append(path)

    def add_values(self, rel: str, values: dict, style: Style) -> None:
        path = f"helm-values/{rel}"
        self.files[path] = dump_plain(fresh(values), style)
        self.values.append(path)

    def add_file(self, folder: str, name: str, text: str) -> str:
        """A file copied in under its own name (numbered when taken); returns its path."""
        stem, dot, suffix = name.rpartition(".")
        path, number = f"{folder}/{name}", 1
        while path in self.files:
            number += 1
            path = f"{folder}/{stem}-{number}{dot}{suffix}" if dot else f"{folder}/{name}-{number}"
        self.files[path] = text
        self._names.add(path.rsplit(".", 1)[0])
        return path

    def _name(self, folder: str, obj: SplitObject) -> str:
        """`<kind>-<name>.yaml`, with the namespace (then a number) only when needed to be unique."""
        kind = safe_name(obj.manifest.kind)
        candidates = [f"{kind}-{safe_name(obj.manifest.name)}"]
        if obj.manifest.namespace:
            candidates.append(f"{kind}-{safe_name(obj.manifest.namespace)}-{safe_name(obj.manifest.name)}")
        chosen = next((c for c in candidates if f"{folder}/{c}" not in self._names), None)
        number = 1
        while chosen is None:
            number += 1
            if f"{folder}/{candidates[-1]}-{number}" not in self._names:
                chosen = f"{candidates[-1]}-{number}"
        self._names.add(f"{folder}/{chosen}")
        return f"{folder}/{chosen}.yaml"

    def kustomization(self, base: str, existing: dict | None = None) -> dict:
        """The overlay's kustomization: the base, then provider-only resources, patches and images."""
        data = {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization"}
        data["resources"] = [base, *self.resources]
        patches = [{"path": path} for path in self.patches]
        patches += [as_patches_entry(name, entry) for name, entry in self.moved_patches]
        if patches:
            data["patches"] = patches
        if self.images:
            data["images"] = self.images
        return data


def as_patches_entry(name: str, entry: object) -> object:
    """An entry of `name` (patches, patchesStrategicMerge, patchesJson6902) as a `patches` entry."""
    if name == "patchesStrategicMerge":
        return {"patch": entry} if "\n" in entry else {"path": entry}
    return entry


def safe_name(text: str) -> str:
    return _UNSAFE.sub("-", text.lower()).strip("-.") or "unnamed"


def original_text(obj: SplitObject) -> str:
    """The object as the input wrote it: its document verbatim, or a List item written out."""
    if obj.item is None:
        body = obj.file.chunks[obj.chunk].body
        return body if body.endswith("\n") else body + "\n"
    return dump_plain(fresh(obj.snapshot()), obj.file.style)


def build_overlays(base: Base, providers: list[str], resource_text=None) -> dict[str, Overlay]:
    """Each provider's overlay, from the decisions recorded on the base's objects; `resource_text`
    gives a whole object's text (default: as the input wrote it)."""
    overlays = {provider: Overlay(provider) for provider in providers}
    for obj in sorted(base.objects, key=lambda o: (o.file.rel, o.chunk, o.manifest.line)):
        if obj.whole is not None:
            overlays[obj.whole].add_resource(obj, (resource_text or original_text)(obj))
            continue
        for provider in sorted({p for p, _ in obj.removals}):
            current = obj.node()
            if obj.manifest.kind == VALUES_KIND:
                values = restoring_values(*views(obj, provider, base.images, _plain(current)))
                if values:
                    overlays[provider].add_values(obj.file.rel, values, obj.file.style)
                continue
            patch = restoring_patch(obj, provider, base.images, _plain(current))
            if patch is not None:
                overlays[provider].add_patch(obj, patch)
    for provider, entries in base.images.entries.items():
        overlays[provider].images = [{"name": name, "newName": original} for name, original in sorted(entries.items())]
    return overlays


def _plain(node: object) -> object:
    from mclint.split.documents import plain

    return plain(node)
