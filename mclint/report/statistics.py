"""`--statistics`: how many findings each rule made, most first, as ruff's --statistics prints them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TextIO

from mclint import jsontext
from mclint.result import Report


def rule_counts(report: Report) -> list[dict]:
    """One entry per rule with findings: count, then the rule's words; by count, then id."""
    counts: Counter[str] = Counter()
    severities: dict[str, object] = {}
    for finding in report.findings:
        counts[finding.rule_id] += 1
        severities[finding.rule_id] = max(finding.severity, severities.get(finding.rule_id, finding.severity))
    entries = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rule(rule_id)
        entries.append(
            {
                "rule_id": rule_id,
                "count": count,
                "severity": severities[rule_id].label,
                "provider": rule.provider if rule else "",
                "category": rule.category if rule else "",
                "title": rule.title if rule else "",
            }
        )
    return entries


def write_text(report: Report, stream: TextIO, *, color: bool | None = None, **_: object) -> None:
    from mclint.report.console import TextTable, escape, make_console
    from mclint.report.text import score_line

    console = make_console(stream, color)
    entries = rule_counts(report)
    if entries:
        columns = [("count", "right"), ("rule", "left"), ("severity", "left"), ("title", "left")]
        table = TextTable("Findings per rule", columns)
        for entry in entries:
            table.add_row(str(entry["count"]), entry["rule_id"], entry["severity"], escape(entry["title"]))
        console.print(table)
    console.print(score_line(report), hang=2)


def write_json(report: Report, stream: TextIO, **_: object) -> None:
    jsontext.write(rule_counts(report), stream)
    stream.write("\n")


def writer(fmt: str) -> Callable[..., None]:
    """The statistics in place of the `fmt` report: JSON for json, a table for text and concise."""
    return write_json if fmt == "json" else write_text
