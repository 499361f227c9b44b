"""Stage 3: Kubernetes objects (Manifests) from YAML documents, with their pod templates found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from mclint.finding import ObjectRef
from mclint.finding.clip import clip
from mclint.load import Document, MapNode, SeqNode, child
from mclint.load.text import FileText
from mclint.model.embedded import helm_values_parts, json_patch_parts, kustomization_patches, looks_like_values
from mclint.model.kinds import (
    BUILT_IN_GROUPS,
    CONTAINER_LISTS,
    KUSTOMIZE_GROUP,
    NOT_KUBERNETES_GROUPS,
    PATCH_KIND,
    VALUES_KIND,
    PodPath,
    template_path,
)

__all__ = ["Container", "Manifest", "PodTemplate", "manifests_from_document"]


class Container(NamedTuple):
    node: MapNode
    path: str


class PodTemplate(NamedTuple):
    """A pod spec inside an object: its metadata (labels, annotations), spec and field path."""

    metadata: MapNode | None
    spec: MapNode
    path: str

    def containers(self) -> Iterator[Container]:
        for list_name in CONTAINER_LISTS:
            items = self.spec.get(list_name)
            if type(items) is SeqNode:
                for index, item in enumerate(items):
                    if type(item) is MapNode:
                        yield Container(item, f"{self.path}spec.{list_name}[{index}].")


class Manifest(NamedTuple):
    """One Kubernetes object, as read: identity, where it is, and its positioned body."""

    api_version: str
    kind: str
    name: str
    namespace: str
    file: str
    document: int
    body: MapNode
    pod: PodTemplate | None
    ref: ObjectRef
    """Made once: every finding on the object shares it."""
    text: FileText | None = None
    """The file's text, for the exact line of a match inside a multi-line value."""
    values: tuple[tuple[tuple, MapNode], ...] = ()
    """Configuration for other objects held inside this one (a HelmRelease's spec.values, an Argo CD
    Application's helm values, a kustomization's JSON patch values), each with the trail of keys to
    it: every rule reads them, whatever its kinds."""
    deployed: bool = True
    """False for what configures a deployment without being deployed (Helm values, a kustomization
    and its inline patches): scored when it holds a coupling, never counted as a portable object."""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def line(self) -> int:
        return self.body.line

    @property
    def metadata(self) -> MapNode | None:
        if type(self.body) is not MapNode:
            return None
        meta = self.body.get("metadata")
        return meta if type(meta) is MapNode else None


def manifests_from_document(
    document: Document,
    file: str,
    extra_workloads: dict[str, PodPath] | None = None,
    text: FileText | None = None,
) -> Iterator[Manifest]:
    """The objects in one document: itself, the items of a List, a kustomization's inline patches,
    or Helm values; documents that are none of these yield nothing."""
    root = document.root
    if type(root) is SeqNode:
        operations = json_patch_parts(root)
        if operations:
            yield _config_manifest(root, file, document.index, text, PATCH_KIND, operations)
        return
    if type(root) is not MapNode:
        return
    if not _is_object(root):
        if looks_like_values(root):
            yield _values_manifest(root, file, document.index, text)
        return
    kind = root["kind"]
    if kind == "List" or (kind.endswith("List") and type(root.get("items")) is SeqNode):
        for item in root.get("items") or ():
            if type(item) is MapNode and _is_object(item):
                yield _manifest(item, file, document.index, extra_workloads, text)
        return
    group = root["apiVersion"].rpartition("/")[0]
    if group == KUSTOMIZE_GROUP:
        patches, operations = kustomization_patches(root, text)
        kustomization = _manifest(root, file, document.index, extra_workloads, text)
        yield kustomization._replace(values=tuple(operations), deployed=False)
        for patch in patches:
            yield _manifest(patch, file, document.index, extra_workloads, text)._replace(deployed=False)
        return
    if group in NOT_KUBERNETES_GROUPS:
        return
    yield _manifest(root, file, document.index, extra_workloads, text)


def document_warning(document: Document) -> tuple[int, int, str] | None:
    """Why a document looks like a broken Kubernetes object, with where; None when it is fine.

    Only object-shaped mistakes are reported: values files, CI configs, Kustomize JSON patches and
    component configs (kubelet, audit policy) have other shapes and stay silent.
    """
    root = document.root
    if type(root) is SeqNode and any(type(item) is MapNode and _is_object(item) for item in root):
        return root.line, root.column, "document is a bare list of objects (use kind: List); not linted"
    if type(root) is not MapNode:
        return None
    meta = root.get("metadata")
    if type(meta) is not MapNode:
        return None
    if "kind" in root and not isinstance(root.get("apiVersion"), str):
        line, column = root.key_position("kind")
        return line, column, "object has kind and metadata but no apiVersion; not linted"
    unnamed = not (_text(meta.get("name")) or _text(meta.get("generateName")))
    if unnamed and _is_object(root) and _linted_kind(root):
        line, column = root.key_position("metadata")
        return line, column, f"{clip(root['kind'])} has no metadata.name; linted, but findings cannot name it"
    return None


def _linted_kind(root: MapNode) -> bool:
    return root["apiVersion"].rpartition("/")[0] not in NOT_KUBERNETES_GROUPS and not root["kind"].endswith("List")


def _is_object(node: MapNode) -> bool:
    return isinstance(node.get("apiVersion"), str) and isinstance(node.get("kind"), str) and node["kind"] != ""


def _manifest(
    body: MapNode, file: str, document: int, extra: dict[str, PodPath] | None, text: FileText | None = None
) -> Manifest:
    meta = body.get("metadata")
    name = namespace = ""
    if type(meta) is MapNode:
        name = _text(meta.get("name")) or _text(meta.get("generateName"))
        namespace = _text(meta.get("namespace"))
    name, namespace = clip(name), clip(namespace)
    api_version, kind = body["apiVersion"], clip(body["kind"])
    pod = _find_pod_template(body, api_version.rpartition("/")[0], kind, extra)
    ref = ObjectRef(file, document, kind, namespace, name, body.line)
    values = helm_values_parts(body, api_version.rpartition("/")[0], kind, text)
    return Manifest(api_version, kind, name, namespace, file, document, body, pod, ref, text, values)


def _values_manifest(root: MapNode, file: str, document: int, text: FileText | None) -> Manifest:
    """A Helm values document, named after its chart (values.yaml) or its own file."""
    values = helm_values_parts(root, "", VALUES_KIND, text)
    return _config_manifest(root, file, document, text, VALUES_KIND, values)


def _config_manifest(root, file: str, document: int, text: FileText | None, kind: str, parts: tuple) -> Manifest:
    """Configuration that is not itself an object (Helm values, a JSON patch file), named after its
    chart (values.yaml) or its own file."""
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = file.rsplit("/", 2)[-2] if stem.startswith("values") and "/" in file else stem
    ref = ObjectRef(file, document, kind, "", name, root.line)
    return Manifest("", kind, name, "", file, document, root, None, ref, text, parts, False)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _find_pod_template(body: MapNode, group: str, kind: str, extra) -> PodTemplate | None:
    """The pod template where the kinds table says, else the first one found by its shape (a custom
    resource's head group, replica spec or task template), for the kinds that can hold one."""
    path = template_path(group, kind, extra)
    if path is not None:
        return _template_at(body, path, require_containers=False)
    if group in BUILT_IN_GROUPS or not group:
        return None
    found = _template_at(body, ("spec", "template"), require_containers=True)
    return found if found is not None else _template_by_shape(body, [], 0)


def _template_at(body: MapNode, path: PodPath, require_containers: bool) -> PodTemplate | None:
    node = child(body, *path)
    spec = child(node, "spec")
    if type(spec) is not MapNode or (require_containers and not _has_containers(spec)):
        return None
    metadata = node.get("metadata")
    prefix = "".join(f"{key}." for key in path)
    return PodTemplate(metadata if type(metadata) is MapNode else None, spec, prefix)


def _template_by_shape(node: object, trail: list, depth: int) -> PodTemplate | None:
    """Depth-first, in document order: a mapping whose `spec` holds a `containers` list of containers."""
    if depth > MAX_TEMPLATE_DEPTH:
        return None
    if type(node) is SeqNode:
        for index, item in enumerate(node):
            found = _template_by_shape(item, [*trail, f"[{index}]"], depth + 1)
            if found is not None:
                return found
        return None
    if type(node) is not MapNode:
        return None
    spec = node.get("spec")
    if trail and type(spec) is MapNode and _has_containers(spec):
        metadata = node.get("metadata")
        prefix = "".join(step if step.startswith("[") else f".{step}" for step in trail).lstrip(".") + "."
        return PodTemplate(metadata if type(metadata) is MapNode else None, spec, prefix.replace(".[", "["))
    for key, value in node.items():
        if type(value) in (MapNode, SeqNode) and key not in ("metadata", "status"):
            found = _template_by_shape(value, [*trail, str(key)], depth + 1)
            if found is not None:
                return found
    return None


MAX_TEMPLATE_DEPTH = 8
"""Pod templates sit a few levels down in custom resources (spec.workerGroupSpecs[0].template)."""


def _has_containers(spec: MapNode) -> bool:
    containers = spec.get("containers")
    return type(containers) is SeqNode and any(type(c) is MapNode and "image" in c for c in containers)
