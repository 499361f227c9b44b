"""The text report's part about what a team accepts: suppressions, notices, baseline, per-target scores."""

from __future__ import annotations

from mclint.report.console import escape
from mclint.result import Report
from mclint.score import shown


def write_policy(console, report: Report, show_suppressed: bool = False, quiet: bool = False) -> None:
    """Notices, suppressed findings, the baseline and per-target scores; `quiet` keeps only what
    was asked for: the suppressed list (--show-suppressed) and the scores of explicit targets."""
    result = report.result
    if result.notices and not quiet:
        console.print(f"[bold]{len(result.notices)} notice(s)[/] about suppressions:")
        for item in result.notices:
            console.print(
                f"  [dim]info[/]  {escape(item.file)}:{item.line}  [magenta]{item.rule_id}[/]  {escape(item.message)}"
            )
        console.print()
    if result.suppressed and show_suppressed:
        console.print(f"[bold]{len(result.suppressed)} suppressed finding(s):[/]")
        for item in result.suppressed:
            f = item.finding
            why = f": {item.reason}" if item.reason else ""
            console.print(
                f"  {escape(f.file)}:{f.line}  [magenta]{f.rule_id}[/]  {escape(f.obj.kind)} {escape(f.obj.qualified_name)}  "
                f"[dim]({item.how}{escape(why)})[/]"
            )
        console.print()
    elif result.suppressed and not quiet:
        console.print(f"[dim]{len(result.suppressed)} finding(s) suppressed (--show-suppressed lists them).[/]")
    baseline = report.extras.get("baseline")
    if baseline is not None and not quiet:
        console.print(
            f"Baseline ({escape(baseline['against'])}): {baseline['matched']} known finding(s) not reported; "
            f"{baseline['gone']} baseline entr{'y' if baseline['gone'] == 1 else 'ies'} gone (fixed or removed)."
        )
    scores = report.extras.get("scores")
    targets = report.extras.get("targets")
    if scores and report.card.overall is not None and (targets or not quiet):
        prefix = f"Targets {', '.join(targets)}. " if targets else ""
        console.print(
            f"{prefix}Score per target: " + ", ".join(f"{name} {shown(value)}" for name, value in scores.items())
        )
