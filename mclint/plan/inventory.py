"""`mclint inventory`: every workload classified by what it takes to move it, with its reasons.

portable: nothing ties it to a provider. portable-with-config: its couplings (own, or reached through
its ServiceAccount, claims, Services and Ingresses) all have a direct equivalent in annotations,
classes or labels. stateful: it holds PVCs or volumeClaimTemplates, so data moves with it.
provider-bound: a managed service, a provider API or provider-only hardware has no drop-in equivalent.
The strongest class wins; every reason is kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mclint.finding import Finding, ObjectRef
from mclint.finding.grouping import findings_by_object
from mclint.plan.facts import Claim, ObjectFacts
from mclint.plan.links import Links, ref_order
from mclint.plan.mappings import CLASS_BOUND, CLASS_STATEFUL, Mappings
from mclint.result import ScanResult

PORTABLE, WITH_CONFIG, STATEFUL, BOUND = "portable", "portable-with-config", "stateful", "provider-bound"
CLASSES = (PORTABLE, WITH_CONFIG, STATEFUL, BOUND)
"""Weakest to strongest; a workload takes the strongest class any reason gives it."""


@dataclass(frozen=True)
class Coupling:
    """A finding as it reaches a workload: on the workload itself, or on an object it depends on."""

    finding: Finding
    via: ObjectRef | None


@dataclass(frozen=True)
class ClaimUse:
    claim: Claim
    storage_class: str
    """How the class resolves: 'defined in the tree (provisioner X)', 'not defined in the tree' or 'cluster default'."""


@dataclass(frozen=True)
class WorkloadEntry:
    ref: ObjectRef
    classification: str
    reasons: tuple[str, ...]
    service_account: str
    couplings: tuple[Coupling, ...]
    claims: tuple[ClaimUse, ...]
    routes: tuple[ObjectRef, ...]
    deciding: tuple[str, ...] = ()
    """The reasons that gave it its class (the strongest ones)."""


@dataclass(frozen=True)
class LinkedFinding:
    """A finding on a non-workload object and the workloads it affects."""

    finding: Finding
    workloads: tuple[ObjectRef, ...]


@dataclass
class Inventory:
    workloads: list[WorkloadEntry]
    linked: list[LinkedFinding]
    links: Links
    result: ScanResult

    def counts(self) -> dict[str, int]:
        found = Counter(w.classification for w in self.workloads)
        return {c: found.get(c, 0) for c in CLASSES}


def build_inventory(result: ScanResult, links: Links, mappings: Mappings) -> Inventory:
    by_object = findings_by_object(result.findings)
    accounts = {(f.namespace, f.ref.name): f.ref for f in links.facts.values() if f.ref.kind == "ServiceAccount"}
    entries = [_entry(w, links, by_object, accounts, mappings) for w in links.workloads()]
    entries.sort(key=lambda e: ref_order(e.ref))
    linked = [
        LinkedFinding(f, tuple(links.affected_workloads(f.obj)))
        for f in result.findings
        if not (links.facts.get(f.obj) and links.facts[f.obj].workload)
    ]
    return Inventory(entries, linked, links, result)


def couplings_of(workload: ObjectFacts, links: Links, by_object, accounts) -> list[Coupling]:
    """Findings on the workload, its ServiceAccount, its claims' PVCs and classes, and what routes to it."""
    found = [Coupling(f, None) for f in by_object.get(workload.ref, ())]
    related: list[ObjectRef] = []
    account = accounts.get((workload.namespace, workload.service_account))
    if account is not None:
        related.append(account)
    for name in workload.claim_names:
        pvc = links.claims.get((workload.namespace, name))
        if pvc is not None:
            related.append(pvc.ref)
    for claim in links.claims_of(workload):
        storage_class = links.storage_class_of(claim)
        if storage_class is not None:
            related.append(storage_class.ref)
    related.extend(links.routes_to(workload.ref))
    for ref in sorted(set(related), key=ref_order):
        found.extend(Coupling(f, ref) for f in by_object.get(ref, ()))
    return found


def _entry(workload: ObjectFacts, links: Links, by_object, accounts, mappings: Mappings) -> WorkloadEntry:
    couplings = couplings_of(workload, links, by_object, accounts)
    claims = tuple(ClaimUse(c, _class_text(c, links)) for c in links.claims_of(workload))
    reasons: list[tuple[str, str]] = []
    for coupling in couplings:
        finding = coupling.finding
        kind = mappings.coupling_class(finding.rule_id, finding.category)
        where = "" if coupling.via is None else f" (via {coupling.via.label})"
        text = f"{finding.rule_id} [{finding.provider} {finding.category}]{where}: {finding.message}"
        reasons.append((_class_for(kind), text))
    for claim in claims:
        reasons.append((STATEFUL, f"holds state: {claim_text(claim)}"))
    for item in hardware_of(workload, mappings):
        reasons.append((BOUND, f"provider-only hardware: {item}"))
    classification = max((c for c, _ in reasons), key=CLASSES.index, default=PORTABLE)
    return WorkloadEntry(
        ref=workload.ref,
        classification=classification,
        reasons=tuple(text for _, text in reasons) or ("no provider coupling found",),
        service_account=workload.service_account,
        couplings=tuple(couplings),
        claims=claims,
        routes=tuple(links.routes_to(workload.ref)),
        deciding=tuple(text for kind, text in reasons if kind == classification),
    )


def _class_for(coupling_class: str) -> str:
    return {CLASS_BOUND: BOUND, CLASS_STATEFUL: STATEFUL}.get(coupling_class, WITH_CONFIG)


def hardware_of(workload: ObjectFacts, mappings: Mappings) -> list[str]:
    found = []
    for name in workload.resources:
        provider = mappings.hardware_provider("resources", name)
        if provider:
            found.append(f"resource {name} exists only on {provider}")
    for name in workload.node_selectors:
        provider = mappings.hardware_provider("node_selectors", name)
        if provider:
            found.append(f"node selector {name} exists only on {provider}")
    return found


def _class_text(claim: Claim, links: Links) -> str:
    if claim.storage_class is None:
        return "cluster default"
    defined = links.storage_class_of(claim)
    if defined is None:
        return f"{claim.storage_class} (not defined in the tree)"
    return f"{claim.storage_class} (defined in the tree: provisioner {defined.provisioner or 'unset'})"


def claim_text(use: ClaimUse) -> str:
    claim = use.claim
    modes = ",".join(claim.access_modes) or "no access mode"
    return f"{claim.source} {claim.name}: {claim.size or 'no size'} {modes}, class {use.storage_class}"
