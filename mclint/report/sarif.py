"""SARIF 2.1.0 for code scanning: one run, every rule described, results with real regions.

partialFingerprints use Finding.fingerprint (rule, file, object, field), so a result keeps its
identity when lines move; suppressed findings are emitted with SARIF `suppressions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO
from urllib.parse import quote

from mclint.finding import Finding, Severity
from mclint.report import jsonstream
from mclint.result import Report
from mclint.score import shown

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mclint/mclint"
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
SUPPRESSION_KIND = {"annotation": "inSource", "comment": "inSource"}


def _rule_descriptor(rule) -> dict:
    help_text = rule.remediation
    markdown = f"**{rule.title}**\n\n{rule.why}\n\n**Fix:** {rule.remediation}"
    if rule.equivalents:
        markdown += "\n\n" + "\n".join(f"- {p}: {text}" for p, text in sorted(rule.equivalents.items()))
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why or rule.title},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "provider": rule.provider,
            "category": rule.category,
            "severity": rule.severity.label,
            "tags": ["portability", rule.provider, rule.category],
        },
    }
    if rule.docs:
        descriptor["helpUri"] = rule.docs
    return descriptor


STDIN_NAME = "<stdin>"
"""What findings read from stdin carry when --stdin-filename does not name them."""


def artifact_location(path: str) -> dict:
    """A relative path against %SRCROOT% (the working directory); an absolute one as a file URI.

    Unnamed stdin has no URI to give (`<stdin>` is not a URI reference, and `%3Cstdin%3E` names a
    file nobody has): the location only says what it was. --stdin-filename gives it a path.
    """
    if path == STDIN_NAME:
        return {"description": {"text": "standard input"}}
    if path.startswith("/"):
        return {"uri": "file://" + quote(path)}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def _result(finding: Finding, index: int | None, suppression: dict | None = None) -> dict:
    result = {
        "ruleId": finding.rule_id,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.file),
                    "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
                },
                "logicalLocations": [
                    {
                        "name": finding.obj.name or finding.obj.kind,
                        "kind": "object",
                        "fullyQualifiedName": _object_name(finding),
                    }
                ],
            }
        ],
        "partialFingerprints": {"mclintFingerprint/v1": finding.fingerprint},
        "properties": {"provider": finding.provider, "category": finding.category, "field": finding.field},
    }
    if index is not None:
        result["ruleIndex"] = index
    if suppression is not None:
        result["suppressions"] = [suppression]
    return result


def _object_name(finding: Finding) -> str:
    obj = finding.obj
    return "/".join(part for part in (obj.kind, obj.namespace, obj.name) if part)


def _results(report: Report, index: dict[str, int]) -> Iterator[dict]:
    for finding in report.findings:
        yield _result(finding, index.get(finding.rule_id))
    for item in report.result.suppressed:
        suppression = {"kind": SUPPRESSION_KIND.get(item.how, "external"), "status": "accepted"}
        if item.reason:
            suppression["justification"] = item.reason
        yield _result(item.finding, index.get(item.finding.rule_id), suppression)


def _log(report: Report, rules: list) -> dict:
    """The whole log but its results: jsonstream.ITEMS stands in for them, written one at a time."""
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(error.file),
                        **(
                            {"region": {"startLine": error.line, "startColumn": max(error.column, 1)}}
                            if error.line
                            else {}
                        ),
                    }
                }
            ],
        }
        for error in report.result.errors
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mclint",
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [
                    {"executionSuccessful": not report.result.errors, "toolExecutionNotifications": notifications}
                ],
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory mclint ran in."}}},
                "results": jsonstream.ITEMS,
                "properties": {
                    "portabilityScore": shown(report.card.overall),
                    "workloads": report.summary()["workloads"],
                },
            }
        ],
    }


def write(report: Report, stream: TextIO, **_: object) -> None:
    """Results are written one at a time from the findings spool: memory stays flat."""
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    jsonstream.dump(_log(report, rules), _results(report, index), stream)
    stream.write("\n")
