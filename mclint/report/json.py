"""The JSON report: a stable shape other tools rely on (see README, "JSON output")."""

from __future__ import annotations

import json
from typing import TextIO

from mclint.finding import Finding, Suppressed
from mclint.render.report import brought_in_by
from mclint.report import Report


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


def report_dict(report: Report) -> dict:
    result = report.result
    return {
        "tool": {"name": "mclint", "version": report.tool_version},
        "score": report.card.overall,
        "summary": report.summary(),
        "findings": [_with_overlays(finding_dict(f), brought_in_by(result, f)) for f in result.findings],
        "errors": [{"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in result.errors],
        "skipped": [{"file": s.file, "reason": s.reason} for s in result.skipped],
        "file_scores": report.card.files,
        "suppressed": [suppressed_dict(s) for s in result.suppressed],
        "notices": [finding_dict(f) for f in result.notices],
        **report.extras,
    }


def write(report: Report, stream: TextIO, **_: object) -> None:
    json.dump(report_dict(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
