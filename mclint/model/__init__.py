"""Stage 3: Kubernetes objects (Manifests) from YAML documents, with their pod templates found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from mclint.finding import ObjectRef
from mclint.load import Document, MapNode, SeqNode, child
from mclint.model.kinds import CONTAINER_LISTS, NOT_KUBERNETES_GROUPS, PodPath, template_path

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

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def line(self) -> int:
        return self.body.line

    @property
    def metadata(self) -> MapNode | None:
        meta = self.body.get("metadata")
        return meta if type(meta) is MapNode else None


def manifests_from_document(
    document: Document, file: str, extra_workloads: dict[str, PodPath] | None = None
) -> Iterator[Manifest]:
    """The objects in one document: itself, or the items of a List; non-Kubernetes documents yield nothing."""
    root = document.root
    if type(root) is not MapNode or not _is_object(root):
        return
    kind = root["kind"]
    if kind == "List" or (kind.endswith("List") and type(root.get("items")) is SeqNode):
        for item in root.get("items") or ():
            if type(item) is MapNode and _is_object(item):
                yield _manifest(item, file, document.index, extra_workloads)
        return
    if root["apiVersion"].rpartition("/")[0] in NOT_KUBERNETES_GROUPS:
        return
    yield _manifest(root, file, document.index, extra_workloads)


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
        return line, column, f"{root['kind']} has no metadata.name; linted, but findings cannot name it"
    return None


def _linted_kind(root: MapNode) -> bool:
    return root["apiVersion"].rpartition("/")[0] not in NOT_KUBERNETES_GROUPS and not root["kind"].endswith("List")


def _is_object(node: MapNode) -> bool:
    return isinstance(node.get("apiVersion"), str) and isinstance(node.get("kind"), str) and node["kind"] != ""


def _manifest(body: MapNode, file: str, document: int, extra: dict[str, PodPath] | None) -> Manifest:
    meta = body.get("metadata")
    name = namespace = ""
    if type(meta) is MapNode:
        name = _text(meta.get("name")) or _text(meta.get("generateName"))
        namespace = _text(meta.get("namespace"))
    api_version, kind = body["apiVersion"], body["kind"]
    pod = _find_pod_template(body, api_version.rpartition("/")[0], kind, extra)
    ref = ObjectRef(file, document, kind, namespace, name, body.line)
    return Manifest(api_version, kind, name, namespace, file, document, body, pod, ref)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _find_pod_template(body: MapNode, group: str, kind: str, extra) -> PodTemplate | None:
    path = template_path(group, kind, extra)
    if path is None:
        path = ("spec", "template")  # any object with spec.template.spec is treated as a workload
    node = child(body, *path)
    if type(node) is not MapNode:
        return None
    spec = node.get("spec")
    if type(spec) is not MapNode:
        return None
    if path != () and template_path(group, kind, extra) is None and not _has_containers(spec):
        return None
    prefix = "".join(f"{key}." for key in path)
    metadata = node.get("metadata")
    return PodTemplate(metadata if type(metadata) is MapNode else None, spec, prefix)


def _has_containers(spec: MapNode) -> bool:
    return type(spec.get("containers")) is SeqNode
