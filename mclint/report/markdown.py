"""Markdown for a pull-request comment or a CI job summary: score, a provider × category table,
the top findings with links to their rule docs, and the rest collapsed."""

from __future__ import annotations

from typing import TextIO

from mclint.finding import CATEGORIES, Finding
from mclint.report import Report

TOP = 20


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _rule_link(report: Report, finding: Finding) -> str:
    rule = report.rule(finding.rule_id)
    if rule is not None and rule.docs:
        return f"[`{finding.rule_id}`]({rule.docs})"
    return f"`{finding.rule_id}`"


def _row(report: Report, f: Finding) -> str:
    name = f"{f.obj.namespace}/{f.obj.name}" if f.obj.namespace else f.obj.name
    return (
        f"| {f.severity.label} | {_rule_link(report, f)} | `{cell(f.file)}:{f.line}:{f.column}` "
        f"| {cell(f.obj.kind)} {cell(name)} | {cell(f.message)} | {cell(f.remediation)} |"
    )


HEADER = "| severity | rule | where | object | coupling | portable alternative |\n|---|---|---|---|---|---|"


def render(report: Report) -> str:
    summary = report.summary()
    lines = [f"## mclint: portability score {report.card.overall}/100", ""]
    severities = ", ".join(f"{n} {s}" for s, n in summary["severities"].items() if n) or "none"
    lines.append(
        f"{summary['findings']} coupling(s) ({severities}) in {summary['objects']} object(s), "
        f"{summary['files']} file(s); {summary['errors']} file error(s)."
    )
    scores = report.extras.get("scores")
    if scores:
        lines.append("")
        lines.append("Score per target: " + ", ".join(f"{p} {s}" for p, s in scores.items()))
    table = report.provider_category_table()
    if table:
        categories = [c for c in CATEGORIES if any(c in row for row in table.values())]
        lines += ["", "| provider | " + " | ".join(categories) + " | total |", "|---" * (len(categories) + 2) + "|"]
        for provider, counts in table.items():
            cells = " | ".join(str(counts.get(c, 0)) for c in categories)
            lines.append(f"| {provider} | {cells} | {sum(counts.values())} |")
    ranked = sorted(report.findings, key=lambda f: (-f.severity, f.sort_key))
    if ranked:
        lines += ["", f"### Top findings ({min(TOP, len(ranked))} of {len(ranked)})", "", HEADER]
        lines += [_row(report, f) for f in ranked[:TOP]]
    if len(ranked) > TOP:
        lines += ["", f"<details><summary>{len(ranked) - TOP} more finding(s)</summary>", "", HEADER]
        lines += [_row(report, f) for f in ranked[TOP:]]
        lines += ["", "</details>"]
    if report.result.errors:
        lines += ["", f"<details><summary>{len(report.result.errors)} file error(s)</summary>", ""]
        lines += [f"- `{cell(e.file)}:{e.line}:{e.column}`: {cell(e.message)}" for e in report.result.errors]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def write(report: Report, stream: TextIO, **_: object) -> None:
    stream.write(render(report))
