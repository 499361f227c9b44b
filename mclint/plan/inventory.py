"""`mclint inventory`: every workload classified by what it takes to move it, with its reasons.

The classes are the ones every scan report's workload line counts (mclint.score.workloads), reached
through the same links: a workload's couplings are those on itself and on the objects of its
deployable unit (its ServiceAccount and RBAC, ConfigMaps and Secrets, claims and classes, the
Services, Ingresses and routes that reach it, its autoscalers and budgets). Every reason is kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mclint.finding import Finding, ObjectRef
from mclint.finding.grouping import findings_by_object
from mclint.model.facts import Claim, ObjectFacts
from mclint.model.links import Links, ref_order
from mclint.result import ScanResult
from mclint.score.workloads import BOUND, CLASSES, STATEFUL, CouplingClasses, coupling_classes, strongest


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


def build_inventory(result: ScanResult, links: Links, classes: CouplingClasses | None = None) -> Inventory:
    by_object = findings_by_object(result.findings)
    classes = classes or coupling_classes()
    entries = [_entry(w, links, by_object, classes) for w in links.workloads()]
    entries.sort(key=lambda e: ref_order(e.ref))
    linked = [
        LinkedFinding(f, tuple(links.affected_workloads(f.obj)))
        for f in result.findings
        if not (links.facts.get(f.obj) and links.facts[f.obj].workload)
    ]
    return Inventory(entries, linked, links, result)


def couplings_of(workload: ObjectFacts, links: Links, by_object) -> list[Coupling]:
    """Findings on the workload and on every object of its unit (mclint.model.links.Links.serving)."""
    found = [Coupling(f, None) for f in by_object.get(workload.ref, ())]
    for ref in links.serving(workload):
        found.extend(Coupling(f, ref) for f in by_object.get(ref, ()))
    return found


def _entry(workload: ObjectFacts, links: Links, by_object, classes: CouplingClasses) -> WorkloadEntry:
    couplings = couplings_of(workload, links, by_object)
    claims = tuple(ClaimUse(c, _class_text(c, links)) for c in links.claims_of(workload))
    reasons: list[tuple[str, str]] = []
    for coupling in couplings:
        finding = coupling.finding
        where = "" if coupling.via is None else f" (via {coupling.via.label})"
        text = f"{finding.rule_id} [{finding.provider} {finding.category}]{where}: {finding.message}"
        reasons.append((classes.workload_class(finding), text))
    for claim in claims:
        reasons.append((STATEFUL, f"holds state: {claim_text(claim)}"))
    for item in classes.hardware_of(workload.resources, workload.node_selectors):
        reasons.append((BOUND, f"provider-only hardware: {item}"))
    classification = strongest(c for c, _ in reasons)
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
