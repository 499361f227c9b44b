"""What every stage hands the next: severities, findings and diagnostics."""

from __future__ import annotations

import enum
import heapq
import marshal
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby, islice
from operator import itemgetter
from typing import NamedTuple

from mclint.spool import BATCH, Codec, Spool


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

BIG_THREE = ("aws", "gcp", "azure")
PROVIDERS = (*BIG_THREE, "digitalocean", "oci", "ibm", "alibaba", "openshift")
CATEGORIES = (
    "identity",
    "network",
    "storage",
    "secrets",
    "scheduling",
    "registry",
    "managed-service",
    "provider-api",
)


class ObjectRef(NamedTuple):
    """Which Kubernetes object a finding belongs to."""

    file: str
    document: int
    kind: str
    namespace: str
    name: str
    line: int = 0


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

    @property
    def sort_key(self) -> tuple:
        return finding_order(self)

    @property
    def fingerprint(self) -> str:
        """Stable across line shifts and reordering: rule, file, object identity and field, not position."""
        import hashlib

        obj = self.obj
        text = "\x1f".join((self.rule_id, self.file, obj.kind, obj.namespace, obj.name, self.field))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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


class Findings(Spool[Finding]):
    """A scan's findings in report order (file, line, column, rule), spooled to disk past a few
    thousand, with the counts every report starts with kept as they are added: reading the
    summary, the severities or the exit status never takes another pass over the findings.
    """

    def __init__(self, items: Iterable[Finding] = ()) -> None:
        self.counts: Counter[tuple[str, str, Severity]] = Counter()
        """(provider, category, severity) → findings."""
        self.foreign: list[Finding] = []
        """Findings shown in another file than their object's (Kustomize patches): few, kept for the score."""
        self.conditional = 0
        """Findings that hold only unless the tree defines their storage class as portable."""
        super().__init__(items, key=finding_order, codec=FINDING_CODEC)

    def extend(self, items: Iterable[Finding]) -> None:
        if not isinstance(items, list):  # a stream: a batch at a time, never all of it
            iterator = iter(items)
            while batch := list(islice(iterator, BATCH)):
                self.extend(batch)
            return
        counts = self.counts
        for finding in items:
            counts[finding[1], finding[2], finding[3]] += 1
            if finding[4] != finding[7][0]:
                self.foreign.append(finding)
            if finding[11] is not None:
                self.conditional += 1
        super().extend(items)

    def severities(self) -> Counter[Severity]:
        found: Counter[Severity] = Counter()
        for (_, _, severity), count in self.counts.items():
            found[severity] += count
        return found


def finding_order(finding: Finding) -> tuple:
    """Report order: file, line, column, rule, field."""
    return (finding[4], finding[5], finding[6], finding[0], finding[8])


def object_order(obj: ObjectRef) -> tuple:
    return (obj[0], obj[1], obj[5])


def suppressed_order(item: Suppressed) -> tuple:
    """The suppressed finding's report order, then how it was suppressed."""
    return (*finding_order(item.finding), item.how)


def _encode_findings(items: list[Finding]) -> bytes:
    return marshal.dumps([(*f[:3], int(f[3]), *f[4:7], tuple(f[7]), *f[8:]) for f in items])


def _decode_findings(data: bytes) -> list[Finding]:
    new, severity = tuple.__new__, tuple(Severity)
    return [
        new(Finding, (r, p, c, severity[s], f, line, col, new(ObjectRef, o), field, m, fix, sc))
        for r, p, c, s, f, line, col, o, field, m, fix, sc in marshal.loads(data)
    ]


def _encode_objects(items: list[ObjectRef]) -> bytes:
    return marshal.dumps([tuple(o) for o in items])


def _decode_objects(data: bytes) -> list[ObjectRef]:
    new = tuple.__new__
    return [new(ObjectRef, o) for o in marshal.loads(data)]


FINDING_CODEC = Codec(_encode_findings, _decode_findings)
OBJECT_CODEC = Codec(_encode_objects, _decode_objects)


def object_spool(objects: Iterable[ObjectRef] = ()) -> Spool[ObjectRef]:
    """A scan's objects, in file order."""
    return Spool(objects, key=object_order, codec=OBJECT_CODEC)


def findings_by_object(
    findings: Iterable[Finding], objects: Iterable[ObjectRef] = ()
) -> dict[ObjectRef, list[Finding]]:
    """Each object (the given ones, and any a finding names) with its findings, in object order."""
    grouped: dict[ObjectRef, list[Finding]] = {obj: [] for obj in objects}
    for finding in findings:
        grouped.setdefault(finding.obj, []).append(finding)
    return dict(sorted(grouped.items()))


def object_findings(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> Iterator[tuple[ObjectRef, list]]:
    """findings_by_object, one file at a time: the same pairs in the same order, holding one file.

    Both inputs must be in file order (a scan's Findings and objects are). Findings shown in
    another file than their object's come from `findings.foreign` when it is a Findings.
    """
    foreign = getattr(findings, "foreign", None)
    if foreign is None:
        yield from findings_by_object(findings, objects).items()
        return
    streams = (
        ((obj[0], obj, None) for obj in objects),
        ((f[4], f[7], f) for f in findings if f[4] == f[7][0]),
        sorted(((f[7][0], f[7], f) for f in foreign), key=itemgetter(0)),
    )
    for file, group in groupby(heapq.merge(*streams, key=itemgetter(0)), key=itemgetter(0)):
        grouped: dict[ObjectRef, list[Finding]] = {}
        joined: list[list[Finding]] = []  # lists a foreign finding joined, out of report order
        for _, obj, finding in group:
            found = grouped.setdefault(obj, [])
            if finding is not None:
                found.append(finding)
                if finding[4] != file:
                    joined.append(found)
        for found in joined:
            found.sort(key=finding_order)
        yield from sorted(grouped.items())
