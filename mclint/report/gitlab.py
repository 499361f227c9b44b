"""GitLab Code Quality JSON (the artifacts:reports:codequality format).

Severity mapping: high → critical, medium → major, low → minor, info → info.
"""

from __future__ import annotations

from typing import TextIO

from mclint.finding import Finding, Severity
from mclint.report import jsonstream
from mclint.result import Report

SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor", Severity.INFO: "info"}


def issue(f: Finding) -> dict:
    return {
        "type": "issue",
        "description": f"{f.message} ({f.obj.kind} {f.obj.name})",
        "check_name": f.rule_id,
        "fingerprint": f.fingerprint,
        "severity": SEVERITIES[f.severity],
        "categories": ["Compatibility"],
        "location": {"path": f.file, "lines": {"begin": f.line}},
    }


def write(report: Report, stream: TextIO, **_: object) -> None:
    """One issue at a time from the findings spool: memory stays flat."""
    jsonstream.dump(jsonstream.ITEMS, (issue(f) for f in report.findings), stream)
    stream.write("\n")
