"""Markdown for a pull-request comment or a CI job summary: score, a provider × category table,
the top findings with links to their rule docs, and the rest collapsed.

The whole report stays under GitHub's 65,536-character limit for a comment (a job summary takes
1 MiB, so it fits there too): findings past the limit, or past --max-findings, are counted in a
note instead of listed."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TextIO

from mclint.finding import Finding
from mclint.report import escape
from mclint.result import Report
from mclint.score import shown
from mclint.score.workloads import workload_line
from mclint.vocabulary import vocabulary

TOP = 20
COMMENT_LIMIT = 65_536
"""GitHub's limit on a pull-request comment's body, in characters."""
RESERVE = 2_000
"""Characters kept for the lines after the findings: table heads, closing tags, notes, the errors' head."""


class Budget:
    """What is left of the character limit as lines are written (each line counts its newline)."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, line: str, keep: int = 0) -> bool:
        """Spend on `line` if `keep` characters still remain afterwards; else spend nothing."""
        cost = len(line) + 1
        if self.left - cost < keep:
            return False
        self.left -= cost
        return True


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell or line (see mclint.report.escape)."""
    return escape.markdown(text)


def _rule_link(report: Report, finding: Finding) -> str:
    rule = report.rule(finding.rule_id)
    if rule is not None and rule.docs:
        return f"[`{finding.rule_id}`]({rule.docs})"
    return f"`{finding.rule_id}`"


def _row(report: Report, f: Finding) -> str:
    return (
        f"| {f.severity.label} | {_rule_link(report, f)} | `{escape.markdown_code(f.file)}:{f.line}:{f.column}` "
        f"| {cell(f.obj.kind)} {cell(f.obj.qualified_name)} | {cell(f.message)} | {cell(f.remediation)} |"
    )


HEADER = "| severity | rule | where | object | coupling | portable alternative |\n|---|---|---|---|---|---|"


def lines(report: Report, max_findings: int | None = None, limit: int = COMMENT_LIMIT) -> Iterator[str]:
    """The report line by line, `limit` characters at most; findings from the spool one pass per severity."""
    budget = Budget(limit)
    for line in _head(report):
        budget.take(line)
        yield line
    yield from _ranked_rows(report, max_findings, budget)
    yield from _error_lines(report, budget)


def _head(report: Report) -> Iterator[str]:
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


def _ranked_rows(report: Report, max_findings: int | None, budget: Budget) -> Iterator[str]:
    """Most severe first, then in report order: the top TOP in a table, the rest collapsed, as many
    as --max-findings and the budget allow (rows are kept until then: at most the budget's size)."""
    findings = report.findings
    total = len(findings)
    if not total:
        return
    present = sorted(report.findings.severities(), reverse=True)
    ranked = (f for severity in present for f in findings if f.severity == severity)
    rows: list[str] = []
    for finding in islice(ranked, total if max_findings is None else max_findings):
        row = _row(report, finding)
        if not budget.take(row, keep=RESERVE):
            break
        rows.append(row)
    top, rest = rows[:TOP], rows[TOP:]
    yield from _spent(budget, "", f"### Top findings ({len(top)} of {total})")
    if top:
        yield from (*_spent(budget, "", HEADER), *top)
    if rest:
        yield from _spent(budget, "", f"<details><summary>{len(rest)} more finding(s)</summary>", "", HEADER)
        yield from (*rest, *_spent(budget, "", "</details>"))
    hidden = total - len(rows)
    if hidden:
        why = f"--max-findings {max_findings}" if len(rows) == max_findings else "GitHub's comment size limit"
        note = f"**{hidden} more finding(s) not listed** ({why}); the JSON, SARIF or HTML report lists them all."
        yield from _spent(budget, "", note)


def _spent(budget: Budget, *lines: str) -> tuple[str, ...]:
    """Lines that are always written, counted against the budget (they live in its reserve)."""
    for line in lines:
        budget.take(line)
    return lines


def _error_lines(report: Report, budget: Budget) -> Iterator[str]:
    errors = report.result.errors
    if not errors:
        return
    listed = []
    for error in errors:
        line = f"- `{escape.markdown_code(error.file)}:{error.line}:{error.column}`: {cell(error.message)}"
        if not budget.take(line, keep=RESERVE // 4):
            break
        listed.append(line)
    yield from ("", f"<details><summary>{len(errors)} file error(s)</summary>", "", *listed)
    if len(listed) < len(errors):
        yield f"- and {len(errors) - len(listed)} more file error(s)"
    yield from ("", "</details>")


def write(report: Report, stream: TextIO, *, max_findings: int | None = None, **_: object) -> None:
    for line in lines(report, max_findings):
        stream.write(line + "\n")
