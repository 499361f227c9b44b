"""The small per-object facts that link objects to each other, read from a Manifest while it is linted.

A scan keeps them for the kinds that take part in a link (workloads and what serves them), so the
YAML trees are still dropped file by file: only strings and tuples are kept (on disk during a scan,
mclint.model.factstore).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from mclint.finding import ObjectRef
from mclint.load import MapNode, SeqNode, child
from mclint.model import Manifest, PodTemplate

DEFAULT_SERVICE_ACCOUNT = "default"

ROUTE_KINDS = frozenset(("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"))
"""Gateway API routes: they attach to Gateways (parentRefs) and send traffic to Services (backendRefs)."""
SCALER_KINDS = frozenset(("HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject"))
"""Objects that scale one workload, named by kind and name (scaleTargetRef or targetRef)."""
BINDING_KINDS = frozenset(("RoleBinding", "ClusterRoleBinding"))
NAMED_KINDS = frozenset(
    (
        "ServiceAccount",
        "ConfigMap",
        "Secret",
        "SecretProviderClass",
        "PersistentVolumeClaim",
        "StorageClass",
        "Role",
        "ClusterRole",
        "Gateway",
    )
)
"""Kinds another object names to reach them (by namespace and name, or by name when cluster-scoped)."""
SERVING_KINDS = NAMED_KINDS | {"Service", "Ingress", "PodDisruptionBudget", *ROUTE_KINDS, *SCALER_KINDS, *BINDING_KINDS}
"""Kinds that serve a workload; with the workloads themselves, the only objects a link can reach."""
CLUSTER_SCOPED = frozenset(("StorageClass", "ClusterRole", "ClusterRoleBinding"))
MARKED_KINDS = frozenset(("Service", "Ingress", "Gateway"))
"""Kinds whose annotations `mclint plan` reads for the target's internal marker."""


class Claim(NamedTuple):
    """Persistent state a workload holds: a PVC or a volumeClaimTemplate."""

    name: str
    source: str
    """volumeClaimTemplate | PersistentVolumeClaim"""
    size: str
    access_modes: tuple[str, ...]
    storage_class: str | None
    """None: the cluster's default class."""


class ObjectFacts(NamedTuple):
    """What links an object to others. A NamedTuple: one is made per linked object of a scan."""

    ref: ObjectRef
    annotations: tuple[tuple[str, str], ...] = ()
    """Only for the kinds whose annotations can mark them internal on a cloud (MARKED_KINDS)."""
    workload: bool = False
    service_account: str = ""
    pod_labels: tuple[tuple[str, str], ...] = ()
    claim_names: tuple[str, ...] = ()
    """PVCs the pod mounts by name (persistentVolumeClaim.claimName)."""
    claims: tuple[Claim, ...] = ()
    """volumeClaimTemplates of a workload, or the claim a PVC object is."""
    selector: tuple[tuple[str, str], ...] = ()
    """A Service's selector, a PodDisruptionBudget's matchLabels."""
    backends: tuple[str, ...] = ()
    """Services an Ingress or a route sends traffic to, in its own namespace."""
    provisioner: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    resources: tuple[str, ...] = ()
    node_selectors: tuple[str, ...] = ()
    config: tuple[tuple[str, str], ...] = ()
    """(kind, name) of the ConfigMaps, Secrets and SecretProviderClasses a pod mounts or reads."""
    subjects: tuple[tuple[str, str], ...] = ()
    """(namespace, name) of the ServiceAccounts a RoleBinding or ClusterRoleBinding binds."""
    target: tuple[str, str] = ("", "")
    """(kind, name): a binding's role, an autoscaler's workload."""
    parents: tuple[tuple[str, str], ...] = ()
    """(namespace, name) of the Gateways a route attaches to."""

    @property
    def namespace(self) -> str:
        """Objects without a namespace are read as in `default`, where kubectl would put them."""
        return self.ref.namespace or "default"


def facts_of(manifest: Manifest) -> ObjectFacts | None:
    """The facts of a workload or of an object that may serve one; None for any other kind."""
    kind = manifest.kind
    if manifest.pod is None and kind not in SERVING_KINDS:
        return None
    ref, spec = manifest.ref, _map(manifest.body.get("spec"))
    if manifest.pod is not None:
        return ObjectFacts(ref, **_workload_facts(manifest.pod, spec))
    if kind in MARKED_KINDS:
        annotations = _pairs(child(manifest.metadata, "annotations"))
        if kind == "Service":
            return ObjectFacts(ref, annotations, selector=_pairs(spec.get("selector")))
        if kind == "Ingress":
            return ObjectFacts(ref, annotations, backends=tuple(sorted(set(_ingress_backends(spec)))))
        return ObjectFacts(ref, annotations)
    if kind == "PodDisruptionBudget":
        return ObjectFacts(ref, selector=_pairs(child(spec, "selector", "matchLabels")))
    if kind in ROUTE_KINDS:
        return ObjectFacts(ref, backends=_route_backends(spec), parents=_parents(ref, spec))
    if kind == "PersistentVolumeClaim":
        return ObjectFacts(ref, claims=(_claim(manifest.name, "PersistentVolumeClaim", spec),))
    if kind == "StorageClass":
        body = manifest.body
        return ObjectFacts(ref, provisioner=_str(body.get("provisioner")), parameters=_pairs(body.get("parameters")))
    if kind in BINDING_KINDS:
        return ObjectFacts(ref, **_binding_facts(ref, manifest.body))
    if kind in SCALER_KINDS:
        return ObjectFacts(ref, target=_kind_name(spec.get("scaleTargetRef") or spec.get("targetRef"), "Deployment"))
    return ObjectFacts(ref)


def _workload_facts(pod: PodTemplate, spec: MapNode) -> dict:
    account = _str(pod.spec.get("serviceAccountName")) or _str(pod.spec.get("serviceAccount"))
    templates = tuple(
        _claim(_str(child(t, "metadata", "name")), "volumeClaimTemplate", _map(child(t, "spec")))
        for t in _seq(spec.get("volumeClaimTemplates"))
        if type(t) is MapNode
    )
    volumes = _seq(pod.spec.get("volumes"))
    claim_names = tuple(sorted({n for v in volumes if (n := _str(child(v, "persistentVolumeClaim", "claimName")))}))
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
        "config": tuple(sorted(set(_config_refs(pod)))),
    }


def _config_refs(pod: PodTemplate) -> Iterator[tuple[str, str]]:
    """ConfigMaps and Secrets mounted as volumes (projected too), read by env and envFrom, or pulled
    with (imagePullSecrets); SecretProviderClasses named by a secrets-store CSI volume."""
    for volume in _seq(pod.spec.get("volumes")):
        yield from _named("ConfigMap", child(volume, "configMap", "name"))
        yield from _named("Secret", child(volume, "secret", "secretName"))
        yield from _named("SecretProviderClass", child(volume, "csi", "volumeAttributes", "secretProviderClass"))
        for source in _seq(child(volume, "projected", "sources")):
            yield from _named("ConfigMap", child(source, "configMap", "name"))
            yield from _named("Secret", child(source, "secret", "name"))
    for item in _seq(pod.spec.get("imagePullSecrets")):
        yield from _named("Secret", child(item, "name"))
    for container in pod.containers():
        for source in _seq(container.node.get("envFrom")):
            yield from _named("ConfigMap", child(source, "configMapRef", "name"))
            yield from _named("Secret", child(source, "secretRef", "name"))
        for variable in _seq(container.node.get("env")):
            yield from _named("ConfigMap", child(variable, "valueFrom", "configMapKeyRef", "name"))
            yield from _named("Secret", child(variable, "valueFrom", "secretKeyRef", "name"))


def _named(kind: str, name: object) -> Iterator[tuple[str, str]]:
    if isinstance(name, str) and name:
        yield kind, name


def _binding_facts(ref: ObjectRef, body: MapNode) -> dict:
    own = ref.namespace or "default"
    subjects = tuple(
        sorted(
            {
                (_str(s.get("namespace")) or own, _str(s.get("name")))
                for s in _seq(body.get("subjects"))
                if type(s) is MapNode and s.get("kind") == "ServiceAccount" and _str(s.get("name"))
            }
        )
    )
    return {"subjects": subjects, "target": _kind_name(body.get("roleRef"), "ClusterRole")}


def _kind_name(node: object, default_kind: str) -> tuple[str, str]:
    if type(node) is not MapNode:
        return ("", "")
    return (_str(node.get("kind")) or default_kind, _str(node.get("name")))


def _route_backends(spec: MapNode) -> tuple[str, ...]:
    """Services a route's rules send traffic to in its own namespace (cross-namespace ones need a
    ReferenceGrant and are left unlinked)."""
    names = {
        _str(backend.get("name"))
        for rule in _seq(spec.get("rules"))
        for backend in _seq(child(rule, "backendRefs"))
        if type(backend) is MapNode and _str(backend.get("kind")) in ("", "Service") and not backend.get("namespace")
    }
    return tuple(sorted(name for name in names if name))


def _parents(ref: ObjectRef, spec: MapNode) -> tuple[tuple[str, str], ...]:
    own = ref.namespace or "default"
    return tuple(
        sorted(
            {
                (_str(p.get("namespace")) or own, _str(p.get("name")))
                for p in _seq(spec.get("parentRefs"))
                if type(p) is MapNode and _str(p.get("kind")) in ("", "Gateway") and _str(p.get("name"))
            }
        )
    )


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
