"""Markdown for a pull-request comment or a CI job summary: score, a provider × category table,
the top findings with links to their rule docs, and the rest collapsed."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TextIO

from mclint.finding import Finding
from mclint.result import Report
from mclint.score import shown
from mclint.score.workloads import workload_line
from mclint.vocabulary import vocabulary

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
    return (
        f"| {f.severity.label} | {_rule_link(report, f)} | `{cell(f.file)}:{f.line}:{f.column}` "
        f"| {cell(f.obj.kind)} {cell(f.obj.qualified_name)} | {cell(f.message)} | {cell(f.remediation)} |"
    )


HEADER = "| severity | rule | where | object | coupling | portable alternative |\n|---|---|---|---|---|---|"


def lines(report: Report) -> Iterator[str]:
    """The report line by line; the findings come from the spool one pass per severity."""
    summary = report.summary()
    score = report.card.overall
    yield f"## mclint: portability score {'n/a' if score is None else f'{score}/100'}"
    yield ""
    yield workload_line(report.card.workloads)
    yield ""
    severities = ", ".join(f"{n} {s}" for s, n in summary["severities"].items() if n) or "none"
    yield (
        f"{summary['findings']} coupling(s) ({severities}) in {summary['objects']} object(s), "
        f"{summary['files']} file(s); {summary['errors']} file error(s)."
    )
    scores = report.extras.get("scores")
    if scores and score is not None:
        yield ""
        yield "Score per target: " + ", ".join(f"{p} {shown(s)}" for p, s in scores.items())
    table = report.provider_category_table()
    if table:
        categories = [c for c in vocabulary().categories if any(c in row for row in table.values())]
        yield from ("", "| provider | " + " | ".join(categories) + " | total |", "|---" * (len(categories) + 2) + "|")
        for provider, counts in table.items():
            cells = " | ".join(str(counts.get(c, 0)) for c in categories)
            yield f"| {provider} | {cells} | {sum(counts.values())} |"
    yield from _ranked_rows(report)
    if report.result.errors:
        yield from ("", f"<details><summary>{len(report.result.errors)} file error(s)</summary>", "")
        yield from (f"- `{cell(e.file)}:{e.line}:{e.column}`: {cell(e.message)}" for e in report.result.errors)
        yield from ("", "</details>")


def _ranked_rows(report: Report) -> Iterator[str]:
    """Most severe first, then in report order: the top TOP in a table, the rest collapsed."""
    findings = report.findings
    total = len(findings)
    if not total:
        return
    present = sorted(report.findings.severities(), reverse=True)
    ranked = (f for severity in present for f in findings if f.severity == severity)
    yield from ("", f"### Top findings ({min(TOP, total)} of {total})", "", HEADER)
    yield from (_row(report, f) for f in islice(ranked, TOP))
    if total > TOP:
        yield from ("", f"<details><summary>{total - TOP} more finding(s)</summary>", "", HEADER)
        yield from (_row(report, f) for f in ranked)
        yield from ("", "</details>")


def write(report: Report, stream: TextIO, **_: object) -> None:
    for line in lines(report):
        stream.write(line + "\n")
