"""Inventory and plan for their readers: a Document (text, markdown, html) or plain data (json)."""

from __future__ import annotations

from typing import TextIO

from mclint import __version__, jsontext
from mclint.finding import Finding, ObjectRef
from mclint.plan.document import RENDERERS, Bullets, Document, Heading, Paragraph, Table
from mclint.plan.inventory import Inventory
from mclint.plan.mappings import EFFORTS
from mclint.plan.plan import Plan, PlanItem
from mclint.score.workloads import CLASSES

FORMATS = ("text", "markdown", "json", "html")
EFFORT_LEGEND = (
    "S = a field, class or annotation changes in a per-cloud overlay; "
    "M = cloud-side set-up (IAM, drivers, load balancer settings) besides the manifest change; "
    "L = data or a provider-only service has to move or be replaced."
)


def write_inventory(inventory: Inventory, fmt: str, stream: TextIO) -> None:
    if fmt == "json":
        _dump(inventory_data(inventory), stream)
    else:
        stream.write(RENDERERS[fmt](inventory_document(inventory)))


def write_plan(plan: Plan, fmt: str, stream: TextIO) -> None:
    if fmt == "json":
        _dump(plan_data(plan), stream)
    else:
        stream.write(RENDERERS[fmt](plan_document(plan)))


def _dump(data: dict, stream: TextIO) -> None:
    jsontext.write(data, stream)
    stream.write("\n")


def _where(ref: ObjectRef) -> str:
    return f"{ref.file}:{ref.line}"


def _ref_data(ref: ObjectRef) -> dict:
    return {"kind": ref.kind, "namespace": ref.namespace, "name": ref.name, "file": ref.file, "line": ref.line}


def _finding_data(finding: Finding) -> dict:
    return {
        "rule_id": finding.rule_id,
        "provider": finding.provider,
        "category": finding.category,
        "severity": finding.severity.label,
        "file": finding.file,
        "line": finding.line,
        "field": finding.field,
        "message": finding.message,
        "object": _ref_data(finding.obj),
    }


# --- inventory ---------------------------------------------------------------------------------


def _errors_data(inventory: Inventory) -> list[dict]:
    """Files read only in part: the plan and the inventory are both incomplete without them."""
    return [{"file": e.file, "line": e.line, "message": e.message} for e in inventory.result.errors]


def inventory_data(inventory: Inventory) -> dict:
    links = inventory.links
    return {
        "counts": inventory.counts(),
        "workloads": [
            {
                **_ref_data(w.ref),
                "class": w.classification,
                "reasons": list(w.reasons),
                "service_account": w.service_account,
                "claims": [
                    {
                        "name": c.claim.name,
                        "source": c.claim.source,
                        "size": c.claim.size,
                        "access_modes": list(c.claim.access_modes),
                        "storage_class": c.claim.storage_class,
                        "resolved": c.storage_class,
                    }
                    for c in w.claims
                ],
                "routed_from": [_ref_data(r) for r in w.routes],
            }
            for w in inventory.workloads
        ],
        "links": {
            "service_accounts": [
                {"namespace": ns, "name": name, "workloads": [_ref_data(r) for r in refs]}
                for (ns, name), refs in sorted(links.service_accounts.items())
            ],
            "services": [
                {**_ref_data(s), "workloads": [_ref_data(r) for r in refs]}
                for s, refs in sorted(links.service_backends.items(), key=lambda kv: _where(kv[0]))
            ],
            "persistent_volume_claims": [
                {
                    **_ref_data(pvc.ref),
                    "storage_class": pvc.claims[0].storage_class if pvc.claims else None,
                    "storage_class_defined": bool(pvc.claims and links.storage_class_of(pvc.claims[0])),
                    "workloads": [_ref_data(r) for r in links.affected_workloads(pvc.ref)],
                }
                for pvc in sorted(links.claims.values(), key=lambda f: _where(f.ref))
            ],
            "ingresses": [
                {**_ref_data(i), "services": [_ref_data(r) for r in refs]}
                for i, refs in sorted(links.ingress_backends.items(), key=lambda kv: _where(kv[0]))
            ],
        },
        "findings_on_other_objects": [
            {**_finding_data(x.finding), "affects": [_ref_data(r) for r in x.workloads]} for x in inventory.linked
        ],
        "errors": _errors_data(inventory),
    }


def inventory_document(inventory: Inventory) -> Document:
    doc = Document("Workload inventory")
    counts = inventory.counts()
    doc.add(
        Paragraph(f"{len(inventory.workloads)} workload(s) in {inventory.result.files} file(s)."),
        Table(("class", "workloads"), tuple((c, str(counts[c])) for c in CLASSES)),
    )
    for classification in reversed(CLASSES):
        chosen = [w for w in inventory.workloads if w.classification == classification]
        if not chosen:
            continue
        doc.add(Heading(2, f"{classification} ({len(chosen)})"))
        for w in chosen:
            doc.add(Heading(3, f"{w.ref.label}  ({_where(w.ref)})"))
            extra = [f"runs as ServiceAccount {w.service_account}"]
            extra += [f"routed from {r.label}" for r in w.routes]
            doc.add(Bullets(tuple(list(w.reasons) + extra)))
    if inventory.linked:
        doc.add(Heading(2, "Couplings on shared objects and the workloads they affect"))
        rows = tuple(
            (
                x.finding.obj.label,
                f"{x.finding.file}:{x.finding.line}",
                x.finding.rule_id,
                ", ".join(r.label for r in x.workloads) or "no workload in the tree",
            )
            for x in inventory.linked
        )
        doc.add(Table(("object", "where", "rule", "affects"), rows))
    _errors(doc, inventory)
    return doc


def _errors(doc: Document, inventory: Inventory) -> None:
    errors = inventory.result.errors
    if errors:
        doc.add(Heading(2, f"Files read only in part ({len(errors)})"))
        doc.add(Bullets(tuple(f"{e.file}{f':{e.line}' if e.line else ''}: {e.message}" for e in errors)))


# --- plan --------------------------------------------------------------------------------------


def _item_data(item: PlanItem) -> dict:
    return {
        **_finding_data(item.finding),
        "coupling": item.coupling,
        "title": item.title,
        "equivalent": item.equivalent,
        "effort": item.effort,
        "effort_reasons": list(item.reasons),
        "outside_manifests": list(item.outside),
        "hazard": item.hazard,
        "affects": [_ref_data(r) for r in item.workloads],
    }


def plan_data(plan: Plan) -> dict:
    return {
        "from": list(plan.sources),
        "to": plan.target,
        "effort": {"overall": plan.overall_effort, "items": plan.effort_counts()},
        "items": [_item_data(i) for i in plan.items],
        "hazards": len(plan.hazards()),
        "outside_manifests": plan.outside(),
        "data_to_move": plan.data_to_move(),
        "workloads": [
            {**_ref_data(w.ref), "class": w.classification, "effort": w.effort, "why": list(w.reasons)}
            for w in plan.workloads()
        ],
        "already_on_target": plan.already_on_target,
        "inventory": plan.inventory.counts(),
        "errors": _errors_data(plan.inventory),
    }


def plan_document(plan: Plan) -> Document:
    sources = ", ".join(plan.sources) or "no provider"
    doc = Document(f"Migration plan: {sources} → {plan.target}")
    counts, efforts = plan.inventory.counts(), plan.effort_counts()
    result = plan.inventory.result
    doc.add(
        Paragraph(
            f"Generated by mclint {__version__} from {result.files} file(s): {len(result.objects)} object(s), "
            f"{len(plan.inventory.workloads)} workload(s). Effort: {EFFORT_LEGEND}"
        ),
        Heading(2, "Summary"),
        Bullets(
            (
                f"{len(plan.items)} coupling(s) to change; overall effort {plan.overall_effort} "
                f"(S {efforts['S']}, M {efforts['M']}, L {efforts['L']})",
                f"{len(plan.hazards())} exposure hazard(s)",
                "workloads: " + ", ".join(f"{counts[c]} {c}" for c in CLASSES),
                f"{plan.already_on_target} finding(s) already on {plan.target}, left as they are",
            )
        ),
    )
    if plan.hazards():
        doc.add(Heading(2, "Exposure hazards"))
        doc.add(Bullets(tuple(f"{i.finding.obj.label} ({_where(i.finding.obj)}): {i.hazard}" for i in plan.hazards())))
    workloads = plan.workloads()
    if workloads:
        doc.add(Heading(2, "Workloads"))
        rows = tuple(
            (w.ref.label, _where(w.ref), w.classification, w.effort, "; ".join(w.reasons) or "-") for w in workloads
        )
        doc.add(Table(("workload", "where", "class", "effort", "why"), rows))
    doc.add(Heading(2, "Couplings and their equivalents"))
    if not plan.items:
        doc.add(Paragraph(f"Nothing ties these manifests to {sources}: no change is needed to run on {plan.target}."))
    for number, group in enumerate(grouped_items(plan.items), start=1):
        doc.add(*_group_blocks(number, group, plan.target))
    doc.add(Heading(2, "Outside the manifests"))
    doc.add(Bullets(tuple(plan.outside()) or ("nothing recorded",)))
    doc.add(Heading(2, "Data to move"))
    doc.add(Bullets(tuple(plan.data_to_move()) or ("no persistent volume claims in the tree",)))
    _errors(doc, plan.inventory)
    return doc


def grouped_items(items: list[PlanItem]) -> list[list[PlanItem]]:
    """Items that need the same change (rule, equivalent, effort and why, work outside) together,
    largest effort first, then by rule id; each group in report order. A rule found in 98 places
    is one entry with 98 rows, not the same advice 98 times."""
    groups: dict[tuple, list[PlanItem]] = {}
    for item in items:
        key = (item.finding.rule_id, item.equivalent, item.effort, item.reasons, item.outside)
        groups.setdefault(key, []).append(item)
    return sorted(groups.values(), key=lambda g: (-EFFORTS.index(g[0].effort), g[0].finding.rule_id))


def _group_blocks(number: int, group: list[PlanItem], target: str) -> list:
    first = group[0]
    messages = {item.finding.message for item in group}
    lines = [f"on {target}: {first.equivalent}", f"effort {first.effort}: {'; '.join(first.reasons)}"]
    if len(messages) == 1:
        lines.insert(0, f"now: {first.finding.message}")
    if first.outside:
        lines.append("outside the manifests: " + "; ".join(first.outside))
    hazards = any(item.hazard for item in group)
    headers = ("object", "where", *(() if len(messages) == 1 else ("now",)), "affects")
    rows = tuple(_place_row(item, len(messages) > 1, hazards) for item in group)
    title = f"{number}. [{first.effort}] {first.finding.rule_id}: {first.title or first.coupling} ({len(group)} place{'' if len(group) == 1 else 's'})"
    return [
        Heading(3, title),
        Bullets(tuple(lines)),
        Table((*headers, *(("exposure hazard",) if hazards else ())), rows),
    ]


def _place_row(item: PlanItem, with_message: bool, with_hazard: bool) -> tuple[str, ...]:
    finding = item.finding
    affects = "-"
    if item.workloads and finding.obj not in item.workloads:
        affects = ", ".join(f"{r.label} ({_where(r)})" for r in item.workloads)
    row = [finding.obj.label, f"{finding.file}:{finding.line}"]
    if with_message:
        row.append(finding.message)
    row.append(affects)
    if with_hazard:
        row.append("yes: see Exposure hazards" if item.hazard else "no")
    return tuple(row)
