"""Deployable units: what the score is a mean over.

A unit is a workload together with the objects that serve it (mclint.model.links: its ServiceAccount
and the RBAC bound to it, the ConfigMaps and Secrets it reads, its claims and their StorageClass,
the Services, Ingresses, routes and Gateways that reach it, its autoscalers and disruption budgets).
An object that serves no workload is a unit of its own, and so is configuration that is not
deployed (Helm values, a kustomization read raw). An object that serves several workloads belongs
to each of their units: a coupling on a shared ServiceAccount is work for every workload using it.

Units are built a namespace at a time (mclint.model.factstore) and kept as one marshalled blob per
file: the score and the reports read them in file order, so only one file's objects are ever
unpacked, and a scan's memory does not grow with every object of the tree.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable

from mclint.finding import ObjectRef
from mclint.model.facts import ObjectFacts
from mclint.model.factstore import FactsStore
from mclint.model.links import build_links, ref_order


class Units:
    """Which workload units each object belongs to; an object in none is a unit of its own."""

    __slots__ = ("_by_file", "_file", "_members", "asks", "stateful", "workloads")

    def __init__(self, facts: Iterable[ObjectFacts] = ()) -> None:
        self.workloads: list[ObjectRef] = []
        """One per workload unit, in file order; a unit's number is its index here."""
        self.stateful = bytearray()
        """Per unit: 1 when its workload holds claims (volumeClaimTemplates or PVCs in the tree)."""
        self.asks: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        """Per unit: the resources and node selectors its workload's pods ask for (for provider-only hardware)."""
        self._by_file: dict[str, list[bytes]] = {}
        self._file: str | None = None
        self._members: dict[ObjectRef, tuple[int, ...]] = {}
        store = facts if isinstance(facts, FactsStore) else FactsStore(facts)
        if len(store):
            self._build(store)

    def _build(self, store: FactsStore) -> None:
        found: list[ObjectRef] = []
        for namespace, facts in store.namespaces():
            first: dict[ObjectRef, ObjectFacts] = {}
            for item in facts:
                first.setdefault(item.ref, item)
            found.extend(ref for ref, item in first.items() if item.workload and item.namespace == namespace)
        self.workloads = sorted(found, key=ref_order)
        numbers = {ref: number for number, ref in enumerate(self.workloads)}
        self.stateful = bytearray(len(self.workloads))
        self.asks = [((), ())] * len(self.workloads)
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
            self._keep(joined)

    def _keep(self, joined: dict[ObjectRef, list[int]]) -> None:
        """One namespace's members, packed per file."""
        by_file: dict[str, list[tuple]] = {}
        for ref, numbers in joined.items():
            by_file.setdefault(ref.file, []).append((*ref[1:], tuple(numbers)))
        for file, rows in by_file.items():
            self._by_file.setdefault(file, []).append(marshal.dumps(rows))

    def of(self, obj: ObjectRef) -> tuple[int, ...]:
        """The workload units `obj` belongs to; empty when it is a unit of its own."""
        if obj.file != self._file:
            self._file = obj.file
            self._members = self._unpacked(obj.file)
        return self._members.get(obj, ())

    def _unpacked(self, file: str) -> dict[ObjectRef, tuple[int, ...]]:
        members: dict[ObjectRef, tuple[int, ...]] = {}
        new = tuple.__new__
        for blob in self._by_file.get(file, ()):
            for *rest, numbers in marshal.loads(blob):
                ref = new(ObjectRef, (file, *rest))
                members[ref] = tuple(sorted(members[ref] + numbers)) if ref in members else numbers
        return members

    def members(self) -> dict[ObjectRef, tuple[int, ...]]:
        """Every object in a workload unit → the units it belongs to."""
        return {ref: numbers for file in self._by_file for ref, numbers in self._unpacked(file).items()}

    def sizes(self) -> list[int]:
        """Objects in each workload unit (the workload included)."""
        sizes = [0] * len(self.workloads)
        for numbers in self.members().values():
            for number in numbers:
                sizes[number] += 1
        return sizes


NO_UNITS = Units()
"""Every object a unit of its own."""
