"""Cross-object links: who runs as a ServiceAccount, what a workload mounts, what routes and scales it.

Links are by namespace and name, as the API server resolves them; an object without a namespace is
taken as in `default`. Only objects in the scanned tree are linked: nothing is guessed. A repository
often holds alternative manifests for the same app (a quickstart, an all-in-one file, a Kustomize
base): a link goes to the closest candidates, in the same file, else in the deepest directory
the two share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from mclint.finding import ObjectRef
from mclint.model.facts import (
    BINDING_KINDS,
    CLUSTER_SCOPED,
    NAMED_KINDS,
    ROUTE_KINDS,
    SCALER_KINDS,
    Claim,
    ObjectFacts,
)

Key = tuple[str, str]
"""(namespace, name)"""


class Links:
    """Every link among a scan's objects, indexed once; `serving` answers "what does this workload need"."""

    def __init__(self, facts: dict[ObjectRef, ObjectFacts]) -> None:
        self.facts = facts
        self.service_accounts: dict[Key, list[ObjectRef]] = {}
        """ServiceAccount → the workloads that run as it."""
        self.claims: dict[Key, ObjectFacts] = {}
        self.storage_classes: dict[str, ObjectFacts] = {}
        self.service_backends: dict[ObjectRef, list[ObjectRef]] = {}
        """Service → the workloads its selector matches."""
        self.ingress_backends: dict[ObjectRef, list[ObjectRef]] = {}
        """Ingress → the Services it routes to."""
        self.route_backends: dict[ObjectRef, list[ObjectRef]] = {}
        """Gateway API route → the Services it routes to."""
        self.budgets: dict[ObjectRef, list[ObjectRef]] = {}
        """PodDisruptionBudget → the workloads its selector matches."""
        self.named: dict[tuple[str, str, str], list[ObjectRef]] = defaultdict(list)
        """(kind, namespace or "" when cluster-scoped, name) → the objects of that identity."""
        self.bindings: dict[Key, list[ObjectRef]] = defaultdict(list)
        """ServiceAccount (namespace, name) → the RoleBindings and ClusterRoleBindings naming it."""
        self.scalers: dict[tuple[str, str, str], list[ObjectRef]] = defaultdict(list)
        """(namespace, kind, name) of a workload → the autoscalers aimed at it."""
        self.routed_by: dict[ObjectRef, list[ObjectRef]] = defaultdict(list)
        """Service → the Ingresses and routes that send traffic to it."""
        self.selected_by: dict[ObjectRef, list[ObjectRef]] = defaultdict(list)
        """Workload → the Services and PodDisruptionBudgets whose selector matches it."""
        self._served: dict[ObjectRef, list[ObjectRef]] | None = None
        self._mounting: dict[Key, list[ObjectRef]] | None = None
        self._using_class: dict[str, list[ObjectRef]] | None = None

    def workloads(self) -> list[ObjectFacts]:
        return [f for f in self.facts.values() if f.workload]

    def claims_of(self, workload: ObjectFacts) -> list[Claim]:
        """volumeClaimTemplates plus the PVCs the pod mounts (when defined in the tree)."""
        found = list(workload.claims)
        for name in workload.claim_names:
            pvc = self.claims.get((workload.namespace, name))
            found.extend(pvc.claims if pvc else ())
        return found

    def storage_class_of(self, claim: Claim) -> ObjectFacts | None:
        return self.storage_classes.get(claim.storage_class) if claim.storage_class else None

    def serving(self, workload: ObjectFacts) -> list[ObjectRef]:
        """The objects a workload needs to run, nearest first where a name has several candidates: its
        ServiceAccount and the bindings and roles granted to it, the ConfigMaps, Secrets and claims it
        mounts or reads and their StorageClasses, the Services, Ingresses, routes and Gateways that
        reach it, its autoscalers and disruption budgets."""
        ref, namespace, file = workload.ref, workload.namespace, workload.ref.file
        found = self.lookup("ServiceAccount", namespace, workload.service_account, file)
        for binding in nearest(file, self.bindings.get((namespace, workload.service_account), [])):
            kind, name = self.facts[binding].target
            found += [binding, *self.lookup(kind, self.facts[binding].namespace, name, binding.file)]
        for kind, name in workload.config:
            found += self.lookup(kind, namespace, name, file)
        claims = list(workload.claims)
        for name in workload.claim_names:
            for pvc in self.lookup("PersistentVolumeClaim", namespace, name, file):
                found.append(pvc)
                claims.extend(self.facts[pvc].claims)
        for claim in claims:
            if claim.storage_class:
                found += self.lookup("StorageClass", "", claim.storage_class, file)
        for selector in self.selected_by.get(ref, ()):
            found.append(selector)
            for route in self.routed_by.get(selector, ()):
                found.append(route)
                for namespace_, name in self.facts[route].parents:
                    found += self.lookup("Gateway", namespace_, name, route.file)
        found += nearest(file, self.scalers.get((namespace, ref.kind, ref.name), []))
        return sorted(set(found) - {ref}, key=ref_order)

    def lookup(self, kind: str, namespace: str, name: str, near: str) -> list[ObjectRef]:
        """The objects of this kind and name (in `namespace` unless cluster-scoped) closest to `near`."""
        scope = "" if kind in CLUSTER_SCOPED else namespace
        return nearest(near, self.named.get((kind, scope, name), []))

    def affected_workloads(self, ref: ObjectRef) -> list[ObjectRef]:
        """The workloads a coupling on this object reaches (the object itself for a workload)."""
        facts = self.facts.get(ref)
        if facts is None:
            return []
        if facts.workload:
            return [ref]
        kind = ref.kind
        if kind == "ServiceAccount":
            found = nearest(ref.file, self.service_accounts.get((facts.namespace, ref.name), []))
        elif kind == "Service":
            found = self.service_backends.get(ref, [])
        elif kind == "Ingress":
            found = [w for s in self.ingress_backends.get(ref, []) for w in self.service_backends.get(s, [])]
        elif kind == "PersistentVolumeClaim":
            found = self.mounting().get((facts.namespace, ref.name), [])
        elif kind == "StorageClass":
            found = self.using_class().get(ref.name, [])
        else:
            found = self.served().get(ref, [])
        return sorted(set(found), key=ref_order)

    def served(self) -> dict[ObjectRef, list[ObjectRef]]:
        """Each object that serves a workload → the workloads it serves (see `serving`)."""
        if self._served is None:
            served: dict[ObjectRef, list[ObjectRef]] = defaultdict(list)
            for workload in self.workloads():
                for ref in self.serving(workload):
                    served[ref].append(workload.ref)
            self._served = dict(served)
        return self._served

    def mounting(self) -> dict[Key, list[ObjectRef]]:
        """(namespace, claim name) → the workloads that mount a claim of that name, indexed once: a
        plan asks for each claim's and each StorageClass's workloads, and a scan over every workload
        for each made plan and inventory quadratic in the tree's size."""
        if self._mounting is None:
            mounting: dict[Key, list[ObjectRef]] = defaultdict(list)
            for workload in self.workloads():
                for name in dict.fromkeys(workload.claim_names):
                    mounting[workload.namespace, name].append(workload.ref)
            self._mounting = dict(mounting)
        return self._mounting

    def using_class(self) -> dict[str, list[ObjectRef]]:
        """StorageClass name → the workloads with a claim of that class (see `mounting`)."""
        if self._using_class is None:
            using: dict[str, list[ObjectRef]] = defaultdict(list)
            for workload in self.workloads():
                for name in dict.fromkeys(c.storage_class for c in self.claims_of(workload)):
                    using[name].append(workload.ref)
            self._using_class = dict(using)
        return self._using_class

    def routes_to(self, workload: ObjectRef) -> list[ObjectRef]:
        """Services and Ingresses that send traffic to a workload."""
        services = [s for s in self.selected_by.get(workload, ()) if s.kind == "Service"]
        ingresses = [r for s in services for r in self.routed_by.get(s, ()) if r.kind == "Ingress"]
        return sorted(set(services + ingresses), key=ref_order)


def nearest(file: str, refs: list[ObjectRef]) -> list[ObjectRef]:
    """The refs closest to `file` in the tree: in the file itself if any, else those sharing the
    longest directory prefix with it (its directory, then its parent's, and so on)."""
    if len(refs) <= 1:
        return list(refs)
    same_file = [r for r in refs if r.file == file]
    if same_file:
        return same_file
    here = file.split("/")[:-1]
    shared = {r: _common_prefix(here, r.file.split("/")[:-1]) for r in refs}
    best = max(shared.values())
    return [r for r in refs if shared[r] == best]


def _common_prefix(a: list[str], b: list[str]) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count


def ref_order(ref: ObjectRef) -> tuple:
    return (ref.file, ref.document, ref.line, ref.kind, ref.namespace, ref.name)


def build_links(facts: Iterable[ObjectFacts]) -> Links:
    """Index every object's facts (the first seen for a ref wins) and resolve the links between them."""
    by_ref: dict[ObjectRef, ObjectFacts] = {}
    for item in facts:
        by_ref.setdefault(item.ref, item)
    links = Links(by_ref)
    workloads = links.workloads()
    labelled = _label_index(workloads)
    accounts: dict[Key, list[ObjectRef]] = defaultdict(list)
    for workload in workloads:
        accounts[(workload.namespace, workload.service_account)].append(workload.ref)
    links.service_accounts = {k: sorted(v, key=ref_order) for k, v in accounts.items()}
    services: dict[Key, list[ObjectRef]] = defaultdict(list)
    for item in by_ref.values():
        ref, kind = item.ref, item.ref.kind
        if kind in NAMED_KINDS:
            links.named[(kind, "" if kind in CLUSTER_SCOPED else item.namespace, ref.name)].append(ref)
        if kind == "PersistentVolumeClaim":
            links.claims.setdefault((item.namespace, ref.name), item)
        elif kind == "StorageClass":
            links.storage_classes.setdefault(ref.name, item)
        elif kind in ("Service", "PodDisruptionBudget"):
            if kind == "Service":
                services[(item.namespace, ref.name)].append(ref)
            selected = _selected(item, labelled)
            (links.service_backends if kind == "Service" else links.budgets)[ref] = selected
            for workload in selected:
                links.selected_by[workload].append(ref)
        elif kind in BINDING_KINDS:
            for subject in item.subjects:
                links.bindings[subject].append(ref)
        elif kind in SCALER_KINDS and item.target[1]:
            links.scalers[(item.namespace, *item.target)].append(ref)
    for item in by_ref.values():
        if item.ref.kind == "Ingress" or item.ref.kind in ROUTE_KINDS:
            targets = [
                s for name in item.backends for s in nearest(item.ref.file, services.get((item.namespace, name), []))
            ]
            targets = sorted(set(targets), key=ref_order)
            (links.ingress_backends if item.ref.kind == "Ingress" else links.route_backends)[item.ref] = targets
            for service in targets:
                links.routed_by[service].append(item.ref)
    return links


def _label_index(workloads: list[ObjectFacts]) -> dict[tuple[str, str, str], list[ObjectRef]]:
    """(namespace, label, value) → the workloads whose pods carry that label (lists: most hold one)."""
    index: dict[tuple[str, str, str], list[ObjectRef]] = defaultdict(list)
    for workload in workloads:
        for key, value in workload.pod_labels:
            index[(workload.namespace, key, value)].append(workload.ref)
    return index


def _selected(item: ObjectFacts, labelled: dict[tuple[str, str, str], list[ObjectRef]]) -> list[ObjectRef]:
    """Workloads whose pod labels carry every selector pair; an empty selector selects none."""
    if not item.selector:
        return []
    found = [labelled.get((item.namespace, key, value), ()) for key, value in item.selector]
    selected = set(found[0]).intersection(*found[1:])
    return sorted(nearest(item.ref.file, sorted(selected, key=ref_order)), key=ref_order)
