"""`mclint plan --to TARGET`: each coupling's equivalent on the target, its effort, and the work outside.

A plan item is one finding of a source provider, mapped through mappings.yaml (by rule id, else by
category with the rule's own `equivalents` text). Internal-only markers the target ignores are
flagged as exposure hazards unless the object already carries the target's own marker.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mclint.finding import Finding, ObjectRef
from mclint.plan.inventory import Inventory, WorkloadEntry, claim_text
from mclint.plan.mappings import EFFORTS, Mappings, TargetMapping
from mclint.score.workloads import BOUND, PORTABLE, STATEFUL, WITH_CONFIG


@dataclass(frozen=True)
class PlanItem:
    finding: Finding
    coupling: str
    title: str
    equivalent: str
    effort: str
    reasons: tuple[str, ...]
    outside: tuple[str, ...]
    hazard: str
    workloads: tuple[ObjectRef, ...]


@dataclass
class Plan:
    sources: tuple[str, ...]
    target: str
    items: list[PlanItem]
    inventory: Inventory
    already_on_target: int

    def effort_counts(self) -> dict[str, int]:
        found = Counter(i.effort for i in self.items)
        return {e: found.get(e, 0) for e in EFFORTS}

    @property
    def overall_effort(self) -> str:
        return max((i.effort for i in self.items), key=EFFORTS.index, default="S")

    def outside(self) -> list[str]:
        """Work outside the manifests, each once, sorted."""
        return sorted({text for item in self.items for text in item.outside})

    def data_to_move(self) -> list[str]:
        return [f"{w.ref.label}: {claim_text(c)}" for w in self.inventory.workloads for c in w.claims]

    def hazards(self) -> list[PlanItem]:
        return [i for i in self.items if i.hazard]

    def workloads(self) -> list[WorkloadPlan]:
        """Each workload that is not plainly portable: its class, effort and why, in inventory order."""
        reached: dict[ObjectRef, list[PlanItem]] = {}
        for item in self.items:
            for ref in item.workloads:
                reached.setdefault(ref, []).append(item)
        found = []
        for entry in self.inventory.workloads:
            items = reached.get(entry.ref, [])
            if entry.classification in (PORTABLE, WITH_CONFIG) and not items:
                continue  # nothing of its own to change (its couplings, if any, are the target's)
            found.append(_workload_plan(entry, items))
        return found


@dataclass(frozen=True)
class WorkloadPlan:
    ref: ObjectRef
    classification: str
    effort: str
    reasons: tuple[str, ...]


def _workload_plan(entry: WorkloadEntry, items: list[PlanItem]) -> WorkloadPlan:
    """The largest effort of the couplings that reach it, raised for data to move and provider-only parts."""
    efforts = [(i.effort, f"{i.finding.rule_id} ({i.effort})") for i in items]
    if entry.classification == STATEFUL:
        efforts.append(("M", f"data to move from {len(entry.claims)} claim(s) (M)"))
    if entry.classification == BOUND:
        efforts += [("L", f"to replace: {reason} (L)") for reason in entry.deciding]
    effort = max((e for e, _ in efforts), key=EFFORTS.index, default="S")
    return WorkloadPlan(entry.ref, entry.classification, effort, tuple(sorted({text for _, text in efforts})))


def infer_sources(findings: list[Finding], target: str) -> tuple[str, ...]:
    """The providers the findings tie the tree to, other than the target itself."""
    return tuple(sorted({f.provider for f in findings} - {target}))


def build_plan(
    inventory: Inventory, mappings: Mappings, equivalents: dict[str, dict[str, str]], target: str, source: str | None
) -> Plan:
    findings = inventory.result.findings
    sources = (source,) if source else infer_sources(findings, target)
    chosen = planned([f for f in findings if f.provider in sources and f.provider != target])
    items = [_item(f, inventory, mappings, equivalents.get(f.rule_id, {}).get(target, ""), target) for f in chosen]
    on_target = sum(1 for f in findings if f.provider == target)
    return Plan(sources, target, items, inventory, on_target)


FOLDED = ("-storage-parameter", "-storage-provisioner")
"""A StorageClass's disk-type parameters are planned with its provisioner: the class is remapped whole."""


def planned(findings: list[Finding]) -> list[Finding]:
    """The findings that make plan items: a parameter finding gives way to a provisioner finding on its object."""
    parameter, provisioner = FOLDED
    classes = {f.obj for f in findings if f.rule_id.endswith(provisioner)}
    return [f for f in findings if not (f.rule_id.endswith(parameter) and f.obj in classes)]


def _item(finding: Finding, inventory: Inventory, mappings: Mappings, rule_equivalent: str, target: str) -> PlanItem:
    mapping = mappings.for_target(finding.rule_id, finding.category, target, rule_equivalent)
    facts = inventory.links.facts.get(finding.obj)
    equivalent = _tiered_equivalent(finding, facts, mappings, target) if mapping.tiered else mapping.equivalent
    effort, reasons, hazard = mapping.effort, mapping.reasons, ""
    if mapping.hazard == "exposure":
        if _has_marker(facts, mapping):
            effort, reasons = "S", ("the target's internal marker is already set on this object",)
        else:
            hazard = (
                f"exposure hazard: {target} ignores {finding.provider}'s internal marker and no {target} marker is set,"
                f" so this {finding.obj.kind} is internet-facing on {target} until {mapping.equivalent} is added"
            )
    return PlanItem(
        finding=finding,
        coupling=mapping.coupling,
        title=mapping.title,
        equivalent=equivalent,
        effort=effort,
        reasons=reasons,
        outside=mapping.outside,
        hazard=hazard,
        workloads=tuple(inventory.links.affected_workloads(finding.obj)),
    )


def _tiered_equivalent(finding: Finding, facts, mappings: Mappings, target: str) -> str:
    """The target's class for the same tier (balanced, ssd, hdd, file) as the source class."""
    names: list[str | None] = [finding.storage_class]
    if facts is not None:
        params = dict(facts.parameters)
        # a file driver decides the tier before any disk type; block drivers are in no tier and fall through
        names += [facts.provisioner, params.get("type"), params.get("skuName"), params.get("skuname"), facts.ref.name]
    return mappings.tier_class(mappings.storage_tier(*names), target)


def _has_marker(facts, mapping: TargetMapping) -> bool:
    if facts is None:
        return False
    annotations = {k: v.lower() for k, v in facts.annotations}
    return any(annotations.get(key) == value.lower() for key, value in mapping.marker)
