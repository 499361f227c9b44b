"""Deployable units: what the score is a mean over.

A unit is a workload together with the objects that serve it (mclint.model.links: its ServiceAccount
and the RBAC bound to it, the ConfigMaps and Secrets it reads, its claims and their StorageClass,
the Services, Ingresses, routes and Gateways that reach it, its autoscalers and disruption budgets).
An object that serves no workload is a unit of its own, and so is configuration that is not
deployed (Helm values, a kustomization read raw). An object that serves several workloads belongs
to each of their units: a coupling on a shared ServiceAccount is work for every workload using it.
"""

from __future__ import annotations

from mclint.finding import ObjectRef
from mclint.model.facts import ObjectFacts
from mclint.model.links import Links, ref_order


class Units:
    """Which workload units each object belongs to; an object in none is a unit of its own."""

    __slots__ = ("links", "members", "workloads")

    def __init__(self, links: Links | None = None) -> None:
        self.links = links
        self.workloads: list[ObjectFacts] = []
        """One per workload unit, in file order; a unit's number is its index here."""
        self.members: dict[ObjectRef, tuple[int, ...]] = {}
        if links is None:
            return
        self.workloads = sorted(links.workloads(), key=lambda w: ref_order(w.ref))
        joined: dict[ObjectRef, list[int]] = {}
        for number, workload in enumerate(self.workloads):
            joined.setdefault(workload.ref, []).append(number)
            for ref in links.serving(workload):
                joined.setdefault(ref, []).append(number)
        self.members = {ref: tuple(numbers) for ref, numbers in joined.items()}

    def of(self, obj: ObjectRef) -> tuple[int, ...]:
        """The workload units `obj` belongs to; empty when it is a unit of its own."""
        return self.members.get(obj, ())

    def sizes(self) -> list[int]:
        """Objects in each workload unit (the workload included)."""
        sizes = [0] * len(self.workloads)
        for numbers in self.members.values():
            for number in numbers:
                sizes[number] += 1
        return sizes


NO_UNITS = Units()
"""Every object a unit of its own."""
