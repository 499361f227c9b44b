"""GitHub Actions workflow commands: annotations on the pull request, plus the job summary.

Chosen automatically inside Actions (GITHUB_ACTIONS=true) when no --format is given, as yamllint
does. When GITHUB_STEP_SUMMARY is set, the Markdown report is appended to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TextIO

from mclint.finding import Severity
from mclint.report.escape import visible
from mclint.result import Report
from mclint.score.workloads import workload_line

COMMANDS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Workflow-command data: line breaks encoded as the runner decodes them, other control
    characters (a terminal escape sequence) shown as escapes."""
    text = "\n".join(visible(line) for line in text.split("\n"))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def commands(report: Report) -> Iterator[str]:
    """The workload line, one workflow command per finding and error, then the summary line."""
    yield workload_line(report.card.workloads)
    for finding in report.findings:
        properties = ",".join(
            (
                f"file={escape_property(finding.file)}",
                f"line={finding.line}",
                f"col={finding.column}",
                f"title={escape_property(f'{finding.rule_id} ({finding.provider}/{finding.category})')}",
            )
        )
        message = f"{finding.message}. Fix: {finding.remediation}" if finding.remediation else finding.message
        yield f"::{COMMANDS[finding.severity]} {properties}::{escape_data(message)}"
    for error in report.result.errors:
        where = f"file={escape_property(error.file)}" + (
            f",line={error.line},col={max(error.column, 1)}" if error.line else ""
        )
        yield f"::error {where},title=mclint%3A cannot parse::{escape_data(error.message)}"
    summary, score = report.summary(), report.card.overall
    yield (
        f"mclint: portability score {'n/a' if score is None else f'{score}/100'}, {summary['findings']} finding(s), "
        f"{summary['errors']} error(s)"
    )


def write(report: Report, stream: TextIO, *, max_findings: int | None = None, **_: object) -> None:
    for line in commands(report):
        stream.write(line + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        from mclint.report import markdown

        with open(summary_path, "a", encoding="utf-8") as summary:
            markdown.write(report, summary, max_findings=max_findings)
