"""A scan's link facts on disk, grouped by namespace, so units are built one namespace at a time.

Links stay within a namespace but for a few kinds (bindings name ServiceAccounts anywhere, routes
attach to Gateways anywhere, roles and StorageClasses are reached from there or are cluster-scoped).
Those are kept in memory and joined to every namespace's facts; the rest go to a temporary file as
marshalled plain tuples, so what a scan holds is one namespace's facts, not the tree's.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from operator import itemgetter

from mclint.finding import ObjectRef
from mclint.model.facts import BINDING_KINDS, Claim, ObjectFacts
from mclint.spool import MARSHAL, Batches

ACROSS_NAMESPACES = BINDING_KINDS | {"Role", "ClusterRole", "StorageClass", "Gateway"}
"""Kinds a link reaches from another namespace (or that have none): joined to every namespace."""

BUFFERED = 1024
"""Facts held in memory before every namespace's pending facts go to disk."""

_CLAIMS = ObjectFacts._fields.index("claims")
_WORKLOAD = 1 + ObjectFacts._fields.index("workload")
"""Where a stored row (sequence first) holds the workload flag."""


class FactsStore:
    """Facts in the order they were added, readable whole (iteration) or a namespace at a time."""

    __slots__ = ("_batches", "_buffered", "_chunks", "_count", "_pending", "_shared")

    def __init__(self, facts: Iterable[ObjectFacts] = ()) -> None:
        self._count = 0
        self._shared: list[tuple[int, ObjectFacts]] = []
        """(sequence, facts) of the kinds joined to every namespace."""
        self._pending: dict[str, list[tuple]] = {}
        self._buffered = 0
        self._chunks: dict[str, list[tuple[int, int]]] = {}
        """namespace → (offset, length) of its batches in the file."""
        self._batches = Batches(MARSHAL)
        self.extend(facts)

    def extend(self, facts: Iterable[ObjectFacts]) -> None:
        for item in facts:
            if item.ref.kind in ACROSS_NAMESPACES:
                self._shared.append((self._count, item))
            else:
                self._pending.setdefault(item.namespace, []).append(_encode(self._count, item))
                self._buffered += 1
                if self._buffered >= BUFFERED:
                    self._flush()
            self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ObjectFacts]:
        streams = [self._namespace(name) for name in sorted(self._names())]
        for _, item in heapq.merge(self._shared, *streams, key=itemgetter(0)):
            yield item

    def namespaces(self) -> Iterator[tuple[str, list[ObjectFacts]]]:
        """Each namespace (sorted) with its facts and those of the kinds joined to every namespace,
        in the order they were added. A namespace that holds only such kinds comes too, once."""
        for name in sorted(self._names() | {item.namespace for _, item in self._shared}):
            own = self._namespace(name)
            merged = heapq.merge(self._shared, own, key=itemgetter(0)) if self._shared else own
            yield name, [item for _, item in merged]

    def workloads(self) -> list[ObjectRef]:
        """The refs of the workloads, each once (the first facts given for a ref decide), unsorted."""
        shared: dict[ObjectRef, ObjectFacts] = {}
        for _, item in self._shared:
            shared.setdefault(item.ref, item)
        found = [ref for ref, item in shared.items() if item.workload]
        for name in self._names():
            first: dict[tuple, bool] = {}
            for row in self._rows(name):
                first.setdefault(row[1], row[_WORKLOAD])
            found.extend(tuple.__new__(ObjectRef, ref) for ref, workload in first.items() if workload)
        return found

    def _names(self) -> set[str]:
        return set(self._chunks) | set(self._pending)

    def _namespace(self, name: str) -> Iterator[tuple[int, ObjectFacts]]:
        return map(_decode, self._rows(name))

    def _rows(self, name: str) -> Iterator[tuple]:
        for batch in self._chunks.get(name, ()):
            yield from self._batches.read(batch)
        yield from self._pending.get(name, ())

    def _flush(self) -> None:
        for name, rows in self._pending.items():
            self._chunks.setdefault(name, []).append(self._batches.write(rows))
        self._pending = {}
        self._buffered = 0


def _encode(sequence: int, facts: ObjectFacts) -> tuple:
    fields = list(facts)
    fields[0] = tuple(facts.ref)
    fields[_CLAIMS] = tuple(tuple(claim) for claim in facts.claims)
    return (sequence, *fields)


def _decode(row: tuple) -> tuple[int, ObjectFacts]:
    new = tuple.__new__
    fields = list(row[1:])
    fields[0] = new(ObjectRef, fields[0])
    fields[_CLAIMS] = tuple(new(Claim, claim) for claim in fields[_CLAIMS])
    return row[0], new(ObjectFacts, fields)
