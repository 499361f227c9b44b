"""The JSON report: a stable shape other tools rely on (see README, "JSON output")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import islice
from json.encoder import encode_basestring
from typing import TextIO

from mclint.finding import Finding, Suppressed
from mclint.report import overlay_lookup
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


def finding_json(finding: Finding, quoted: Callable[[object], str]) -> str:
    """finding_dict(finding) as json.JSONEncoder(ensure_ascii=False) writes it, built from its pieces:
    the encoder spent 9 µs on each of a large scan's findings, mostly re-encoding the same keys and the
    rule's texts; `quoted` encodes a value, remembering the ones that repeat (mclint.report.json.Quoted)."""
    obj = finding.obj
    return (
        f'{{"rule_id": {quoted(finding.rule_id)}, "provider": {quoted(finding.provider)}, '
        f'"category": {quoted(finding.category)}, "severity": {quoted(finding.severity.label)}, '
        f'"file": {quoted(finding.file)}, "line": {_scalar(finding.line)}, "column": {_scalar(finding.column)}, '
        f'"kind": {quoted(obj.kind)}, "name": {_scalar(obj.name)}, "namespace": {quoted(obj.namespace)}, '
        f'"field": {_scalar(finding.field)}, "message": {_scalar(finding.message)}, '
        f'"remediation": {quoted(finding.remediation)}}}'
    )


class Quoted(dict):
    """Values encoded once: a scan's findings repeat their rule's texts, their file and their kind.
    Bounded: past MAX_QUOTED values it starts afresh."""

    def __call__(self, value: object) -> str:
        found = self.get(value)
        if found is None:
            if len(self) >= MAX_QUOTED:
                self.clear()
            found = self[value] = _scalar(value)
        return found


MAX_QUOTED = 4096


def _scalar(value: object) -> str:
    """One value as the encoder writes it (a string, a whole number, None, a boolean; else the encoder)."""
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


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


def _finding_lines(report: Report) -> Iterator[str]:
    overlays, quoted = overlay_lookup(report), Quoted()
    if overlays is None:
        return (finding_json(f, quoted) for f in report.result.findings)
    return (_with_overlays_json(finding_json(f, quoted), overlays(f)) for f in report.result.findings)


def _with_overlays_json(line: str, overlays: list[str]) -> str:
    """_with_overlays on an encoded finding."""
    return f'{line[:-1]}, "overlays": {json.dumps(overlays, ensure_ascii=False)}}}' if overlays else line


def _write_list(stream: TextIO, key: str, items: Iterator[dict | str], comma: str) -> None:
    """Items a thousand lines per write; a dict is encoded, a string was (finding_json)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps with options builds one per call
    name, opened = json.dumps(key), False
    while chunk := list(islice(items, 1000)):
        lines = ",\n".join("    " + (item if item.__class__ is str else encode(item)) for item in chunk)
        stream.write((",\n" if opened else f"  {name}: [\n") + lines)
        opened = True
    stream.write(f"\n  ]{comma}\n" if opened else f"  {name}: []{comma}\n")
