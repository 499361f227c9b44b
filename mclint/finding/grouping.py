"""Findings grouped by the object they belong to: what scores and per-object reports read."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import attrgetter, itemgetter

from mclint.finding import Finding, ObjectRef, finding_order


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
    if not foreign:  # most scans: two streams in file order, merged a file at a time
        yield from _by_file(objects, findings)
    else:
        yield from _with_foreign(objects, findings, foreign)


def _with_foreign(
    objects: Iterable[ObjectRef], findings: Iterable[Finding], foreign: list[Finding]
) -> Iterator[tuple[ObjectRef, list]]:
    """object_findings when some findings are shown in another file (joined to their object's)."""
    streams = (
        ((obj.file, obj, None) for obj in objects),
        ((f.file, f.obj, f) for f in findings if f.file == f.obj.file),
        sorted(((f.obj.file, f.obj, f) for f in foreign), key=itemgetter(0)),
    )
    for file, group in groupby(heapq.merge(*streams, key=itemgetter(0)), key=itemgetter(0)):
        grouped: dict[ObjectRef, list[Finding]] = {}
        joined: list[list[Finding]] = []  # lists a foreign finding joined, out of report order
        for _, obj, finding in group:
            found = grouped.setdefault(obj, [])
            if finding is not None:
                found.append(finding)
                if finding.file != file:
                    joined.append(found)
        for found in joined:
            found.sort(key=finding_order)
        yield from sorted(grouped.items())


def _by_file(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> Iterator[tuple[ObjectRef, list]]:
    """object_findings when every finding is shown in its object's file."""
    objects_of = groupby(objects, key=attrgetter("file"))
    findings_of = groupby(findings, key=attrgetter("file"))
    next_objects, next_findings = next(objects_of, None), next(findings_of, None)
    while next_objects is not None or next_findings is not None:
        if next_findings is None or (next_objects is not None and next_objects[0] <= next_findings[0]):
            file, in_file = next_objects
            grouped: dict[ObjectRef, list[Finding]] = {obj: [] for obj in in_file}
            next_objects = next(objects_of, None)
        else:
            file, grouped = next_findings[0], {}
        if next_findings is not None and next_findings[0] == file:
            for finding in next_findings[1]:
                found = grouped.get(finding.obj)
                if found is None:
                    found = grouped[finding.obj] = []
                found.append(finding)
            next_findings = next(findings_of, None)
        yield from sorted(grouped.items())
