"""GitLab Code Quality JSON (the artifacts:reports:codequality format).

Severity mapping: high → critical, medium → major, low → minor, info → info.
"""

from __future__ import annotations

import json
from typing import TextIO

from mclint.finding import Severity
from mclint.report import Report

SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor", Severity.INFO: "info"}


def issues(report: Report) -> list[dict]:
    return [
        {
            "type": "issue",
            "description": f"{f.message} ({f.obj.kind} {f.obj.name})",
            "check_name": f.rule_id,
            "fingerprint": f.fingerprint,
            "severity": SEVERITIES[f.severity],
            "categories": ["Compatibility"],
            "location": {"path": f.file, "lines": {"begin": f.line}},
        }
        for f in report.findings
    ]


def write(report: Report, stream: TextIO, **_: object) -> None:
    json.dump(issues(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
