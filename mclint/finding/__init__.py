"""What every stage hands the next: severities, the objects findings belong to, findings and diagnostics.

Records only: how a scan keeps many of them is mclint.finding.spools, how they group by object
mclint.finding.grouping."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered so that `>=` answers "at or above the fail-on threshold"."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


_LABELS = {severity: severity.name.lower() for severity in Severity}  # read once per finding in reports

FAIL_ON = (*(severity.label for severity in sorted(Severity, reverse=True)), "none")
"""What --fail-on and the configuration's fail-on accept: a severity, or none (never fail on findings)."""


class ObjectRef(NamedTuple):
    """Which Kubernetes object a finding belongs to."""

    file: str
    document: int
    kind: str
    namespace: str
    name: str
    line: int = 0

    @property
    def qualified_name(self) -> str:
        """`namespace/name`, or the name alone for an object without a namespace ("" when it has neither)."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def label(self) -> str:
        """`Kind namespace/name`, with "(unnamed)" for an object with neither name nor namespace."""
        return f"{self.kind} {self.qualified_name or '(unnamed)'}"


class Finding(NamedTuple):
    """One coupling: a rule that fired on one field of one object."""

    rule_id: str
    provider: str
    category: str
    severity: Severity
    file: str
    line: int
    column: int
    obj: ObjectRef
    field: str
    message: str
    remediation: str
    storage_class: str | None = None
    """Set when the finding only holds if that class is not defined in the tree as portable."""
    occurrence: int = 0
    """Its place among the findings of the same rule on the same object and field in the same file
    (0 for the first, in line order): what tells those apart in the fingerprint."""

    @property
    def sort_key(self) -> tuple:
        return finding_order(self)

    @property
    def fingerprint(self) -> str:
        """Unique in a scan and stable across line shifts and reordering: rule, file, object identity
        and field, not position; a repeat on the same field adds its occurrence number."""
        import hashlib

        obj = self.obj
        parts = [self.rule_id, self.file, obj.kind, obj.namespace, obj.name, self.field]
        if self.occurrence:
            parts.append(f"#{self.occurrence}")
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class Suppressed(NamedTuple):
    """A finding that a suppression (annotation, comment, waiver, baseline) removed, and why."""

    finding: Finding
    how: str
    """annotation | comment | waiver | baseline | config"""
    reason: str = ""

    @property
    def sort_key(self) -> tuple:
        return suppressed_order(self)


class Diagnostic(NamedTuple):
    """A problem reading input: the file, where in it (0 when unknown), and why."""

    file: str
    line: int
    column: int
    message: str

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.message)


class Skipped(NamedTuple):
    """A file deliberately not linted, and why (for example an unrendered Helm template)."""

    file: str
    reason: str


finding_order = attrgetter("file", "line", "column", "rule_id", "field")
"""Report order: file, line, column, rule, field (a C getter: sorts call it once per finding)."""

object_order = attrgetter("file", "document", "line")
"""File order: file, document, line."""


def numbered(findings: Iterable[Finding]) -> list[Finding]:
    """The findings in report order, repeats of one rule on one object's field in one file numbered
    by their order (see Finding.occurrence), so each fingerprint is unique."""
    seen: dict[tuple, int] = {}
    ordered = []
    for finding in sorted(findings, key=finding_order):
        obj = finding.obj
        key = (finding.rule_id, finding.file, obj.kind, obj.namespace, obj.name, finding.field)
        count = seen.get(key, 0)
        seen[key] = count + 1
        ordered.append(finding._replace(occurrence=count) if count != finding.occurrence else finding)
    return ordered


def suppressed_order(item: Suppressed) -> tuple:
    """The suppressed finding's report order, then how it was suppressed."""
    return (*finding_order(item.finding), item.how)
