"""One line per finding, `FILE:LINE:COL: SEVERITY RULE_ID MESSAGE`, then the workload line and the
text report's score line: the verdict closes the list, as ruff's summary does.

The shape editors' problem matchers and grep expect (ruff's concise output, flake8's default);
`.github/mclint-problem-matcher.json` reads it in GitHub Actions. File problems read
`FILE:LINE:COL: error mclint-error MESSAGE` (1:1 when the whole file is meant). Every string from
the scanned tree goes through the text report's escaping, so no manifest value starts a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from mclint.finding import Finding
from mclint.report.console import escape, make_console
from mclint.report.text import SEVERITY_STYLE, score_line
from mclint.result import Report
from mclint.score.workloads import workload_line

ERROR_ID = "mclint-error"


def finding_line(finding: Finding) -> str:
    style = SEVERITY_STYLE[finding.severity]
    return (
        f"{escape(finding.file)}:{finding.line}:{finding.column}: [{style}]{finding.severity.label}[/] "
        f"[magenta]{finding.rule_id}[/] {escape(finding.message)}"
    )


def lines(report: Report, quiet: bool = False) -> Iterator[str]:
    """Findings in report order, file problems, then (unless quiet) suppression notices; markup."""
    yield from map(finding_line, report.findings)
    for error in report.result.errors:
        where = f"{escape(error.file)}:{max(error.line, 1)}:{max(error.column, 1)}"
        yield f"{where}: [bold red]error[/] [magenta]{ERROR_ID}[/] {escape(error.message)}"
    if not quiet:
        yield from map(finding_line, report.result.notices)


def write(report: Report, stream: TextIO, *, color: bool | None = None, quiet: bool = False, **_: object) -> None:
    console = make_console(stream, color)
    for line in lines(report, quiet):
        console.print(line, wrap=False)
    console.print(f"[bold]{workload_line(report.card.workloads)}[/]", wrap=False)
    console.print(score_line(report), wrap=False)
