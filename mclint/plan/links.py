"""Cross-object links: who uses a ServiceAccount, which class a claim gets, what a Service routes to.

Links are by namespace and name, as the API server resolves them; an object without a namespace is
taken as in `default`. Only objects in the scanned tree are linked: nothing is guessed. A repository
often holds alternative manifests for the same app (a quickstart, an all-in-one file, a Kustomize
base): a link goes to the closest candidates, in the same file, else in the deepest directory
the two share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mclint.finding import ObjectRef
from mclint.plan.facts import Claim, ObjectFacts

Key = tuple[str, str]
"""(namespace, name)"""


@dataclass
class Links:
    facts: dict[ObjectRef, ObjectFacts]
    service_accounts: dict[Key, list[ObjectRef]] = field(default_factory=dict)
    """ServiceAccount → the workloads that run as it."""
    claims: dict[Key, ObjectFacts] = field(default_factory=dict)
    storage_classes: dict[str, ObjectFacts] = field(default_factory=dict)
    service_backends: dict[ObjectRef, list[ObjectRef]] = field(default_factory=dict)
    """Service → the workloads its selector matches."""
    ingress_backends: dict[ObjectRef, list[ObjectRef]] = field(default_factory=dict)
    """Ingress → the Services it routes to."""

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
            found = [w.ref for w in self.workloads() if w.namespace == facts.namespace and ref.name in w.claim_names]
        elif kind == "StorageClass":
            found = [w.ref for w in self.workloads() if any(c.storage_class == ref.name for c in self.claims_of(w))]
        else:
            found = []
        return sorted(set(found), key=ref_order)

    def routes_to(self, workload: ObjectRef) -> list[ObjectRef]:
        """Services and Ingresses that send traffic to a workload."""
        services = [s for s, targets in self.service_backends.items() if workload in targets]
        ingresses = [i for i, backends in self.ingress_backends.items() if set(backends) & set(services)]
        return sorted(services + ingresses, key=ref_order)


def nearest(file: str, refs: list[ObjectRef]) -> list[ObjectRef]:
    """The refs closest to `file` in the tree: in the file itself if any, else those sharing the
    longest directory prefix with it (its directory, then its parent's, and so on)."""
    same_file = [r for r in refs if r.file == file]
    if same_file or not refs:
        return same_file or refs
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


def build_links(facts: list[ObjectFacts]) -> Links:
    links = Links({f.ref: f for f in facts})
    workloads = links.workloads()
    accounts: dict[Key, list[ObjectRef]] = defaultdict(list)
    for workload in workloads:
        accounts[(workload.namespace, workload.service_account)].append(workload.ref)
    links.service_accounts = {k: sorted(v, key=ref_order) for k, v in accounts.items()}
    services: dict[Key, list[ObjectRef]] = defaultdict(list)
    for item in facts:
        kind = item.ref.kind
        if kind == "PersistentVolumeClaim":
            links.claims.setdefault((item.namespace, item.ref.name), item)
        elif kind == "StorageClass":
            links.storage_classes.setdefault(item.ref.name, item)
        elif kind == "Service":
            services[(item.namespace, item.ref.name)].append(item.ref)
            links.service_backends[item.ref] = _selected(item, workloads)
    for item in facts:
        if item.ref.kind == "Ingress":
            targets = [
                s for name in item.backends for s in nearest(item.ref.file, services.get((item.namespace, name), []))
            ]
            links.ingress_backends[item.ref] = sorted(set(targets), key=ref_order)
    return links


def _selected(service: ObjectFacts, workloads: list[ObjectFacts]) -> list[ObjectRef]:
    """Workloads whose pod labels carry every selector pair; a Service without a selector selects none."""
    if not service.selector:
        return []
    wanted = set(service.selector)
    selected = [w.ref for w in workloads if w.namespace == service.namespace and wanted <= set(w.pod_labels)]
    return sorted(nearest(service.ref.file, selected), key=ref_order)
