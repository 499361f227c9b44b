"""A scan's findings and objects, spooled: Findings keeps the counts every report starts with, and the
codecs write batches as marshalled plain tuples (about twice as fast as pickling named tuples and enums)."""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import NamedTuple

from mclint.finding import Finding, ObjectRef, Severity, finding_order, object_order
from mclint.spool import BATCH, Codec, EncodedRun, Spool


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

    def extend(self, items: Iterable[Finding], *, in_order: bool = False) -> None:
        if not isinstance(items, list):  # a stream: a batch at a time, never all of it
            iterator = iter(items)
            while batch := list(islice(iterator, BATCH)):
                self.extend(batch)
            return
        self._count_in(items)
        super().extend(items, in_order=in_order)

    def _count_in(self, items: list[Finding]) -> None:
        counts = self.counts
        for finding in items:
            counts[finding.provider, finding.category, finding.severity] += 1
            if finding.file != finding.obj.file:
                self.foreign.append(finding)
            if finding.storage_class is not None:
                self.conditional += 1

    @classmethod
    def encoded_run(cls, items: list[Finding]) -> FindingsRun:
        """`items` (in report order) encoded as a Findings spool stores them, with what extend()
        counts of them: what a forked worker hands back for a piece of the tree."""
        counted = cls()
        counted._count_in(items)
        return FindingsRun(counted.encoded(items), counted.counts, counted.foreign, counted.conditional)

    def extend_encoded(self, run: FindingsRun) -> bool:  # type: ignore[override]
        """Add a piece's findings as encoded_run made them (counted as extend() counts them)."""
        kept = super().extend_encoded(run.run)
        if kept:  # else they were decoded and added through extend(), which counted them
            self.counts.update(run.counts)
            self.foreign.extend(run.foreign)
            self.conditional += run.conditional
        return kept

    def severities(self) -> Counter[Severity]:
        found: Counter[Severity] = Counter()
        for (_, _, severity), count in self.counts.items():
            found[severity] += count
        return found


class FindingsRun(NamedTuple):
    """A piece's findings, encoded, and their counts (see Findings.encoded_run)."""

    run: EncodedRun
    counts: Counter
    foreign: list[Finding]
    conditional: int


def _encode_findings(items: list[Finding]) -> bytes:
    return marshal.dumps(
        [
            (
                f.rule_id,
                f.provider,
                f.category,
                int(f.severity),
                f.file,
                f.line,
                f.column,
                tuple(f.obj),
                f.field,
                f.message,
                f.remediation,
                f.storage_class,
                f.occurrence,
            )
            for f in items
        ]
    )


def _decode_findings(data: bytes) -> list[Finding]:
    new, severity = tuple.__new__, tuple(Severity)
    return [
        new(Finding, (r, p, c, severity[s], f, line, col, new(ObjectRef, o), field, m, fix, sc, n))
        for r, p, c, s, f, line, col, o, field, m, fix, sc, n in marshal.loads(data)
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
