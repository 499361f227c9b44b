"""The small per-object facts plan and inventory need beyond an ObjectRef, read in one pass.

Reuses discover → load → model (no second loader); keeps only strings and tuples, so the YAML
trees are dropped file by file, as in a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mclint.discover import MAX_FILE_SIZE, discover, read_source
from mclint.finding import ObjectRef
from mclint.load import MapNode, SeqNode, child, load_bytes
from mclint.model import Manifest, manifests_from_document

DEFAULT_SERVICE_ACCOUNT = "default"


@dataclass(frozen=True)
class Claim:
    """Persistent state a workload holds: a PVC or a volumeClaimTemplate."""

    name: str
    source: str
    """volumeClaimTemplate | PersistentVolumeClaim"""
    size: str
    access_modes: tuple[str, ...]
    storage_class: str | None
    """None: the cluster's default class."""


@dataclass(frozen=True)
class ObjectFacts:
    ref: ObjectRef
    api_version: str = ""
    annotations: tuple[tuple[str, str], ...] = ()
    workload: bool = False
    service_account: str = ""
    pod_labels: tuple[tuple[str, str], ...] = ()
    claim_names: tuple[str, ...] = ()
    """PVCs the pod mounts by name (persistentVolumeClaim.claimName)."""
    claims: tuple[Claim, ...] = ()
    """volumeClaimTemplates of a workload, or the claim a PVC object is."""
    selector: tuple[tuple[str, str], ...] = ()
    backends: tuple[str, ...] = ()
    provisioner: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    resources: tuple[str, ...] = ()
    node_selectors: tuple[str, ...] = ()

    @property
    def namespace(self) -> str:
        """Objects without a namespace are read as in `default`, where kubectl would put them."""
        return self.ref.namespace or "default"


def collect_facts(
    paths: list[str], max_file_size: int = MAX_FILE_SIZE, exclude: Callable[[str], bool] | None = None
) -> list[ObjectFacts]:
    """Facts for every object under `paths` but those `exclude` leaves out (as the scan does), in file
    order; unreadable files are the scan's to report."""
    found = discover(paths)
    facts: list[ObjectFacts] = []
    for source in found.sources:
        if exclude is not None and source.path is not None and exclude(source.display):
            continue
        data, _ = read_source(source, max_file_size)
        if data is None:
            continue
        for document in load_bytes(data).documents:
            manifests = manifests_from_document(document, source.display)
            facts.extend(facts_of(m) for m in manifests if m.deployed)
    return facts


def facts_of(manifest: Manifest) -> ObjectFacts:
    spec = _map(manifest.body.get("spec"))
    meta = manifest.metadata
    common = {
        "ref": manifest.ref,
        "api_version": manifest.api_version,
        "annotations": _pairs(child(meta, "annotations")),
    }
    if manifest.pod is not None:
        return ObjectFacts(**common, **_workload_facts(manifest, spec))
    kind = manifest.kind
    if kind == "Service":
        return ObjectFacts(**common, selector=_pairs(spec.get("selector")))
    if kind == "Ingress":
        return ObjectFacts(**common, backends=tuple(sorted(set(_ingress_backends(spec)))))
    if kind == "PersistentVolumeClaim":
        return ObjectFacts(**common, claims=(_claim(manifest.name, "PersistentVolumeClaim", spec),))
    if kind == "StorageClass":
        params = _pairs(manifest.body.get("parameters"))
        return ObjectFacts(**common, provisioner=_str(manifest.body.get("provisioner")), parameters=params)
    return ObjectFacts(**common)


def _workload_facts(manifest: Manifest, spec: MapNode) -> dict:
    pod = manifest.pod
    account = _str(pod.spec.get("serviceAccountName")) or _str(pod.spec.get("serviceAccount"))
    templates = tuple(
        _claim(_str(child(t, "metadata", "name")), "volumeClaimTemplate", _map(child(t, "spec")))
        for t in _seq(spec.get("volumeClaimTemplates"))
        if type(t) is MapNode
    )
    claim_names = tuple(
        sorted(
            {n for v in _seq(pod.spec.get("volumes")) if (n := _str(child(v, "persistentVolumeClaim", "claimName")))}
        )
    )
    resources = set()
    for container in pod.containers():
        for section in ("limits", "requests"):
            resources.update(str(k) for k in _map(child(container.node, "resources", section)))
    return {
        "workload": True,
        "service_account": account or DEFAULT_SERVICE_ACCOUNT,
        "pod_labels": _pairs(child(pod.metadata, "labels")),
        "claim_names": claim_names,
        "claims": templates,
        "resources": tuple(sorted(resources)),
        "node_selectors": tuple(sorted(str(k) for k in _map(pod.spec.get("nodeSelector")))),
    }


def _claim(name: str, source: str, spec: MapNode) -> Claim:
    size = _str(child(spec, "resources", "requests", "storage"))
    modes = tuple(str(m) for m in _seq(spec.get("accessModes")) if isinstance(m, str))
    storage_class = spec.get("storageClassName")
    return Claim(name, source, size, modes, storage_class if isinstance(storage_class, str) else None)


def _ingress_backends(spec: MapNode) -> Iterable[str]:
    for backend in (spec.get("defaultBackend"), spec.get("backend")):
        yield from _backend_service(backend)
    for rule in _seq(spec.get("rules")):
        for path in _seq(child(rule, "http", "paths")):
            yield from _backend_service(child(path, "backend"))


def _backend_service(backend: object) -> Iterable[str]:
    name = _str(child(backend, "service", "name")) or _str(child(backend, "serviceName"))
    if name:
        yield name


def _map(node: object) -> MapNode:
    return node if type(node) is MapNode else MapNode(0, 0)


def _seq(node: object) -> list:
    return node if type(node) is SeqNode else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _pairs(node: object) -> tuple[tuple[str, str], ...]:
    if type(node) is not MapNode:
        return ()
    return tuple(sorted((str(k), v if isinstance(v, str) else "") for k, v in node.items()))
