"""The JSON report: a stable shape other tools rely on (see README, "JSON output")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import TextIO

from mclint.finding import Finding, Suppressed
from mclint.result import Report


def finding_dict(finding: Finding) -> dict:
    return {
        "rule_id": finding.rule_id,
        "provider": finding.provider,
        "category": finding.category,
        "severity": finding.severity.label,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "kind": finding.obj.kind,
        "name": finding.obj.name,
        "namespace": finding.obj.namespace,
        "field": finding.field,
        "message": finding.message,
        "remediation": finding.remediation,
    }


def suppressed_dict(item: Suppressed) -> dict:
    return {**finding_dict(item.finding), "how": item.how, "reason": item.reason}


def _with_overlays(entry: dict, overlays: list[str]) -> dict:
    """Findings from a Kustomize build say which overlays (build roots) brought them in."""
    return {**entry, "overlays": overlays} if overlays else entry


def report_dict(report: Report, *, with_findings: bool = True) -> dict:
    from mclint.render.report import brought_in_by

    result = report.result
    return {
        "tool": {"name": "mclint", "version": report.tool_version},
        "score": report.card.overall,
        "summary": report.summary(),
        "findings": [_with_overlays(finding_dict(f), brought_in_by(result, f)) for f in result.findings]
        if with_findings
        else None,
        "errors": [{"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in result.errors],
        "warnings": [
            {"file": w.file, "line": w.line, "column": w.column, "message": w.message} for w in result.warnings
        ],
        "skipped": [{"file": s.file, "reason": s.reason} for s in result.skipped],
        "file_scores": report.card.files,
        "suppressed": [suppressed_dict(s) for s in result.suppressed] if with_findings else None,
        "notices": [finding_dict(f) for f in result.notices],
        **report.extras,
    }


def write(report: Report, stream: TextIO, **_: object) -> None:
    """Indented at the top, one item per line: readable, and fast (the C encoder does each line).

    Findings and suppressed findings are encoded a thousand at a time as they are read from their
    spools, so the report never holds them all.
    """
    data = report_dict(report, with_findings=False)
    streamed = {"findings": _finding_lines(report), "suppressed": map(suppressed_dict, report.result.suppressed)}
    stream.write("{\n")
    for index, (key, value) in enumerate(data.items()):
        comma = "," if index < len(data) - 1 else ""
        if key in streamed:
            _write_list(stream, key, streamed[key], comma)
        elif isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            stream.write(f"  {json.dumps(key)}: [\n{items}\n  ]{comma}\n")
        else:
            stream.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}\n")
    stream.write("}\n")


def _finding_lines(report: Report) -> Iterator[dict]:
    overlays = _overlay_lookup(report)
    if overlays is None:
        return map(finding_dict, report.result.findings)
    return (_with_overlays(finding_dict(f), overlays(f)) for f in report.result.findings)


def _write_list(stream: TextIO, key: str, items: Iterator[dict], comma: str) -> None:
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps with options builds one per call
    name, opened = json.dumps(key), False
    while chunk := list(islice(items, 1000)):  # a thousand lines per write
        stream.write((",\n" if opened else f"  {name}: [\n") + ",\n".join("    " + encode(item) for item in chunk))
        opened = True
    stream.write(f"\n  ]{comma}\n" if opened else f"  {name}: []{comma}\n")


def _overlay_lookup(report: Report):
    """brought_in_by for this report, or None when nothing was built (most scans)."""
    rendered = getattr(report.result, "rendered", None)
    if rendered is None or not rendered.brought_in_by:
        return None
    from mclint.render.report import brought_in_by

    return lambda finding: brought_in_by(report.result, finding)
