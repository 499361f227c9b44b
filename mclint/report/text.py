"""The terminal report: findings grouped by file, a provider × category table, the score.

Colour (through rich) only when the stream is a terminal and NO_COLOR is unset; piped output is
plain text with the same content (see mclint.report.console), so it stays greppable.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from mclint.finding import Finding, Severity
from mclint.report import overlay_lookup
from mclint.report.console import PlainConsole, TextTable, escape, make_console
from mclint.report.escape import visible
from mclint.result import Report
from mclint.score import rating, shown
from mclint.score.workloads import workload_line
from mclint.vocabulary import vocabulary

SCORE_STYLE = {"good": "bold green", "fair": "bold yellow", "poor": "bold red", "n/a": "bold"}
INDENT = 10
"""Where a finding's message and fix start, under its line:column."""
SEVERITY_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def write(
    report: Report,
    stream: TextIO,
    *,
    color: bool | None = None,
    explain_score: bool = False,
    show_suppressed: bool = False,
    quiet: bool = False,
    **_,
) -> None:
    """`quiet`: the workload line, the findings, file problems and the score line only (and the per-target scores
    when targets were given), as ruff's and yamllint's --quiet keep the diagnostics."""
    from mclint.report.policy_text import write_policy

    console = make_console(stream, color)
    console.print(f"[bold]{workload_line(report.card.workloads)}[/]")
    console.print()
    _findings(console, report)
    _errors(console, report, quiet)
    if not quiet:
        _summary(console, report)
        _overlays(console, report)
    if explain_score:
        _explain_score(console, report)
    write_policy(console, report, show_suppressed, quiet)
    console.print(score_line(report), hang=2)


def _findings(console, report: Report) -> None:
    files = report.card.files
    write = _plain_finding if isinstance(console, PlainConsole) else _finding
    overlays = overlay_lookup(report)
    for file, group in groupby(report.findings, key=lambda f: f.file):
        console.print(f"[bold underline]{escape(file)}[/]  [dim](score {shown(files.get(file))})[/]")
        for finding in group:
            write(console, finding, escape)
            if overlays is not None:
                _brought_in(console, overlays(finding), escape)
        console.print()


def _finding(console, finding: Finding, escape) -> None:
    obj = finding.obj
    style = SEVERITY_STYLE[finding.severity]
    where = f"{finding.line}:{finding.column}"
    console.print(
        f"  [bold]{where:<8}[/][{style}]{finding.severity.label:<7}[/][magenta]{finding.rule_id}[/]  "
        f"{escape(obj.label)}  [dim]\\[{finding.provider}/{finding.category}][/]",
        hang=INDENT,
    )
    indent = " " * INDENT
    console.print(f"{indent}{escape(finding.message)}  [dim]({escape(finding.field)})[/]", hang=INDENT)
    if finding.remediation:
        console.print(f"{indent}[green]fix:[/] {escape(finding.remediation)}", hang=INDENT + 5)


def _plain_finding(console: PlainConsole, finding: Finding, escape=None) -> None:
    """_finding's lines as the plain console prints them, written without the round trip through
    markup (escaping manifest text, then stripping the tags out again: most of a piped report's time).
    Rule ids, providers and categories hold no markup (mclint.rules.registry checks them), and escaped
    text reads as `visible` shows it whatever follows it (mclint.report.escape.markup)."""
    obj = finding.obj
    indent = " " * INDENT
    where = f"{finding.line}:{finding.column}"
    text = (
        f"  {where:<8}{finding.severity.label:<7}{finding.rule_id}  {visible(obj.label)}  "
        f"[{finding.provider}/{finding.category}]\n{indent}{visible(finding.message)}  ({visible(finding.field)})\n"
    )
    if finding.remediation:
        text += f"{indent}fix: {visible(finding.remediation)}\n"
    console.stream.write(text)


def _brought_in(console, overlays: list[str], escape) -> None:
    if overlays:
        console.print(f"      [dim]brought in by {escape(', '.join(overlays))}[/]")


def _overlays(console, report: Report) -> None:
    """Base versus per-cloud overlays (see README, "Kustomize, Helm and overlays")."""
    for family in report.extras.get("overlays", ()):
        if not family["base_couplings"] and not any(o["introduced_couplings"] for o in family["overlays"]):
            continue  # nothing coupled on either side: the JSON report still lists the family
        console.print(
            f"[bold]Kustomize base {escape(family['base'])}[/]: score {family['base_score']}, "
            f"{family['base_couplings']} coupling(s)"
        )
        for overlay in family["overlays"]:
            providers = ", ".join(overlay["providers"]) or "none"
            console.print(
                f"  overlay {escape(overlay['overlay'])}: score {overlay['score']}, {overlay['findings']} finding(s), "
                f"{overlay['introduced_couplings']} coupling(s) introduced by the overlay (providers: {providers})"
            )
        style = "green" if family["isolated"] else "yellow"
        console.print(f"  [{style}]{escape(family['verdict'])}[/]")
        console.print()


def _errors(console, report: Report, quiet: bool = False) -> None:
    errors = report.result.errors
    if errors:
        console.print(
            f"[bold red]{len(errors)} file problem(s)[/] (these files were read only in part, or not at all):"
        )
        for error in errors:
            where = error.file + (f":{error.line}:{error.column}" if error.line else "")
            console.print(f"  [red]error[/] {escape(where)}: {escape(error.message)}")
        console.print()
    if quiet:
        return
    warnings = report.result.warnings
    if warnings:
        console.print(f"[yellow]{len(warnings)} warning(s)[/] (documents that look like mistakes; not errors):")
        for warning in warnings:
            console.print(
                f"  [yellow]warning[/] {escape(warning.file)}:{warning.line}:{warning.column}: {escape(warning.message)}"
            )
        console.print()
    if report.result.skipped:
        charts = len(report.result.skipped)
        console.print(f"[dim]{charts} file(s) skipped (for example Helm templates, which are not rendered).[/]")
        console.print()


def _summary(console, report: Report) -> None:
    table_data = report.provider_category_table()
    if not table_data:
        return
    categories = [c for c in vocabulary().categories if any(c in row for row in table_data.values())]
    columns = [("provider", "left"), *((c, "right") for c in categories), ("total", "right")]
    table = TextTable("Couplings by provider and category", columns)
    for provider, counts in table_data.items():
        cells = [str(counts.get(c, 0) or "-") for c in categories]
        table.add_row(provider, *cells, str(sum(counts.values())))
    totals = [str(sum(row.get(c, 0) for row in table_data.values())) for c in categories]
    table.add_row("total", *totals, str(len(report.findings)), style="bold")
    console.print(table)
    console.print()


def _explain_score(console, report: Report) -> None:
    from mclint.score import unit_scores

    scored = unit_scores(report.result.objects, report.result.findings, report.units)
    total = len(scored)
    losing = sorted((s for s in scored if s.penalty > 0), key=lambda s: (-s.penalty, s.obj.file, s.obj.line))
    names = ("unit", "objects", "where", "findings", "penalty", "unit score", "points off")
    columns = [(name, "left" if name in ("unit", "where") else "right") for name in names]
    table = TextTable("Score contributions (units with couplings)", columns)
    for item in losing:
        obj = item.obj
        table.add_row(
            escape(f"{obj.kind} {obj.qualified_name}"),
            str(item.members),
            escape(f"{obj.file}:{obj.line}"),
            str(item.findings),
            str(item.penalty),
            f"{item.score:.1f}",
            f"{item.contribution(total):.2f}",
        )
    console.print(table)
    console.print(
        f"[dim]a unit is a workload with the objects that serve it, or an object that serves none; "
        f"unit score = 100 × 0.5^(penalty/10), penalty = 10·high + 4·medium + 1·low over its objects; "
        f"overall = floor(mean over {total} units). See docs/scoring.md.[/]"
    )
    console.print()


def score_line(report: Report) -> str:
    """The closing line of the text and concise reports, as markup."""
    summary = report.summary()
    severities = ", ".join(f"{n} {s}" for s, n in summary["severities"].items() if n)
    score = report.card.overall
    style = SCORE_STYLE[rating(score)]
    value = "n/a (no Kubernetes objects found)" if score is None else f"{score}/100"
    return (
        f"Portability score: [{style}]{value}[/]  "
        f"({summary['findings']} finding(s){': ' + severities if severities else ''}; "
        f"{summary['objects']} object(s) in {summary['files']} file(s); {summary['errors']} error(s))"
    )
