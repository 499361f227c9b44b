"""Deployable units: what the score is a mean over.

A unit is a workload together with the objects that serve it (mclint.model.links: its ServiceAccount
and the RBAC bound to it, the ConfigMaps and Secrets it reads, its claims and their StorageClass,
the Services, Ingresses, routes and Gateways that reach it, its autoscalers and disruption budgets).
An object that serves no workload is a unit of its own, and so is configuration that is not
deployed (Helm values, a kustomization read raw). An object that serves several workloads belongs
to each of their units: a coupling on a shared ServiceAccount is work for every workload using it.

Units are built a namespace at a time (mclint.model.factstore), and which units each object belongs
to is kept on disk in file order: the score and the reports read it in that order, a batch of files
at a time, so a scan's memory does not grow with every object of the tree.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from mclint.finding import ObjectRef
from mclint.finding.spools import OBJECT_CODEC
from mclint.model.facts import ObjectFacts
from mclint.model.factstore import FactsStore
from mclint.model.links import build_links, ref_order
from mclint.spool import MARSHAL, Batches, Spool

WORKLOADS_BATCH = 256
"""Workload refs held in memory before a batch goes to disk: --explain-score alone reads them."""
MEMBERS_BATCH = 512
"""Objects per batch of memberships on disk: one batch is unpacked at a time."""
RUN_BATCH = 64
"""Rows per batch of a namespace's run: merging the runs holds one batch of each."""


class Units:
    """Which workload units each object belongs to; an object in none is a unit of its own."""

    __slots__ = ("_members", "asks", "stateful", "workloads")

    def __init__(self, facts: Iterable[ObjectFacts] = ()) -> None:
        self.workloads: Spool[ObjectRef] = Spool()
        """One per workload unit, in file order; a unit's number is its index here (on disk: read in order)."""
        self.stateful = bytearray()
        """Per unit: 1 when its workload holds claims (volumeClaimTemplates or PVCs in the tree)."""
        self.asks: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        """Per unit: the resources and node selectors its workload's pods ask for (for provider-only hardware)."""
        self._members = Memberships()
        store = facts if isinstance(facts, FactsStore) else FactsStore(facts)
        if len(store):
            self._build(store)

    def _build(self, store: FactsStore) -> None:
        found = sorted(store.workloads(), key=ref_order)
        numbers = {ref: number for number, ref in enumerate(found)}
        self.workloads = Spool(found, codec=OBJECT_CODEC, batch=WORKLOADS_BATCH)
        del found
        self.stateful = bytearray(len(numbers))
        self.asks = [((), ())] * len(numbers)
        shared_asks: dict[tuple, tuple] = {}
        for namespace, facts in store.namespaces():
            links = build_links(facts)
            joined: dict[ObjectRef, list[int]] = {}
            for workload in links.workloads():
                if workload.namespace != namespace:
                    continue
                number = numbers[workload.ref]
                self.stateful[number] = bool(links.claims_of(workload))
                ask = (workload.resources, workload.node_selectors)
                self.asks[number] = shared_asks.setdefault(ask, ask)
                joined.setdefault(workload.ref, []).append(number)
                for ref in links.serving(workload):
                    joined.setdefault(ref, []).append(number)
            self._members.add_run([(*ref, tuple(numbers)) for ref, numbers in joined.items()])
        self._members.finish()

    def of(self, obj: ObjectRef) -> tuple[int, ...]:
        """The workload units `obj` belongs to; empty when it is a unit of its own."""
        return self._members.of(obj)

    def members(self) -> dict[ObjectRef, tuple[int, ...]]:
        """Every object in a workload unit → the units it belongs to."""
        return self._members.all()

    def sizes(self) -> list[int]:
        """Objects in each workload unit (the workload included)."""
        sizes = [0] * len(self.workloads)
        for numbers in self.members().values():
            for number in numbers:
                sizes[number] += 1
        return sizes


class Memberships:
    """Rows (*ObjectRef, unit numbers) on disk in file order, with the first file of each batch in
    memory. Rows come in runs (one per namespace), each sorted here and merged once they are all in;
    an object in several runs (a binding serving workloads of several namespaces) gets every number."""

    __slots__ = ("_batches", "_current", "_firsts", "_last", "_members", "_runs", "_store")

    def __init__(self) -> None:
        self._store = Batches(MARSHAL)
        self._runs: list[list[tuple[int, int]]] = []
        self._firsts: list[str] = []
        """The first file of each batch, in file order."""
        self._batches: list[tuple[int, int]] = []
        self._current = -1
        self._last: str | None = None
        """The file of the last lookup: a batch is found once per file."""
        self._members: dict[ObjectRef, tuple[int, ...]] = {}

    def add_run(self, rows: list[tuple]) -> None:
        rows.sort(key=itemgetter(0))
        self._runs.append(
            [self._store.write(rows[start : start + RUN_BATCH]) for start in range(0, len(rows), RUN_BATCH)]
        )

    def finish(self) -> None:
        """Merge the runs into batches of whole files."""
        merged = heapq.merge(*(self._read_run(run) for run in self._runs), key=itemgetter(0))
        batch: list[tuple] = []
        for _, rows in groupby(merged, key=itemgetter(0)):
            if len(batch) >= MEMBERS_BATCH:
                self._keep(batch)
                batch = []
            batch.extend(rows)
        if batch:
            self._keep(batch)
        self._runs = []

    def of(self, obj: ObjectRef) -> tuple[int, ...]:
        if obj.file != self._last:
            self._last = obj.file
            index = bisect_right(self._firsts, obj.file) - 1
            if index != self._current:
                self._current, self._members = index, self._unpacked(index) if index >= 0 else {}
        return self._members.get(obj, ())

    def all(self) -> dict[ObjectRef, tuple[int, ...]]:
        return {ref: numbers for index in range(len(self._batches)) for ref, numbers in self._unpacked(index).items()}

    def _keep(self, batch: list[tuple]) -> None:
        self._firsts.append(batch[0][0])
        self._batches.append(self._store.write(batch))

    def _unpacked(self, index: int) -> dict[ObjectRef, tuple[int, ...]]:
        members: dict[ObjectRef, tuple[int, ...]] = {}
        new = tuple.__new__
        for row in self._store.read(self._batches[index]):
            ref, numbers = new(ObjectRef, row[:-1]), row[-1]
            members[ref] = tuple(sorted(members[ref] + numbers)) if ref in members else numbers
        return members

    def _read_run(self, run: list[tuple[int, int]]) -> Iterator[tuple]:
        for batch in run:
            yield from self._store.read(batch)


NO_UNITS = Units()
"""Every object a unit of its own."""
