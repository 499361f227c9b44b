"""Run rules over objects, each rule only on the kinds it names (dispatch is a dict lookup)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from mclint.finding import Finding
from mclint.model import Manifest
from mclint.rules.fields import FieldReader
from mclint.rules.rule import Rule
from mclint.rules.templates import FieldCheck

ANY_KIND = "*"
WORKLOADS = "@workload"
"""Any object with a pod template: Pods, Deployments, CronJobs, Argo Rollouts, ..."""


RuleCheck = tuple[Rule, FieldCheck]
"""A field-match rule and its compiled check; always unpacked, as `for rule, check in ...`."""


class FieldPlan(NamedTuple):
    """A field reader and the field-match rules reading it, indexed so an entry is tried only
    against rules that could match it."""

    read: FieldReader
    by_domain: dict[str, tuple[RuleCheck, ...]]
    """Key domain (the text before the first '/') → the rules whose keys are in it."""
    valued: tuple[RuleCheck, ...]
    """Rules whose every matching value contains `gate`."""
    gate: re.Pattern[str] | None
    """One expression joining the value requirements of `valued`."""
    always: tuple[RuleCheck, ...]
    """The rest: tried on every entry."""


class Plan(NamedTuple):
    """How one kind of object is checked: rules with their own check, then each field read once."""

    own: tuple[Rule, ...]
    fields: tuple[FieldPlan, ...]


class RuleSet:
    """Rules indexed by kind, built once per scan."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.id)
        self._by_kind: dict[str, list[Rule]] = {}
        self._any: list[Rule] = []
        self._workload: list[Rule] = []
        self._cache: dict[tuple[str, bool], tuple[Rule, ...]] = {}
        self._plans: dict[tuple[str, bool], Plan] = {}
        for rule in self.rules:
            for kind in rule.kinds:
                if kind == ANY_KIND:
                    self._any.append(rule)
                elif kind == WORKLOADS:
                    self._workload.append(rule)
                else:
                    self._by_kind.setdefault(kind, []).append(rule)

    def __len__(self) -> int:
        return len(self.rules)

    def for_object(self, kind: str, has_pod: bool) -> tuple[Rule, ...]:
        key = (kind, has_pod)
        found = self._cache.get(key)
        if found is None:
            chosen = {r.id: r for r in self._by_kind.get(kind, ())}
            chosen.update((r.id, r) for r in self._any)
            if has_pod:
                chosen.update((r.id, r) for r in self._workload)
            found = self._cache[key] = tuple(sorted(chosen.values(), key=lambda r: r.id))
        return found

    def _plan(self, kind: str, has_pod: bool) -> Plan:
        key = (kind, has_pod)
        plan = self._plans.get(key)
        if plan is None:
            own: list[Rule] = []
            by_reader: dict[FieldReader, list[RuleCheck]] = {}
            for rule in self.for_object(kind, has_pod):
                if isinstance(rule.check, FieldCheck):
                    by_reader.setdefault(rule.check.read, []).append((rule, rule.check))
                else:
                    own.append(rule)
            plan = self._plans[key] = Plan(tuple(own), tuple(_indexed(read, m) for read, m in by_reader.items()))
        return plan

    def check(self, manifest: Manifest) -> Iterator[Finding]:
        own, fields = self._plan(manifest.kind, manifest.pod is not None)
        for rule in own:
            yield from rule.check(rule, manifest)
        for read, by_domain, valued, gate, always in fields:
            for entry in read(manifest):
                key, value = entry.key, entry.value
                if by_domain and key is not None:
                    for rule, field_check in by_domain.get(key.partition("/")[0], ()):
                        if field_check.matches(key, value):
                            yield field_check.finding(rule, manifest, entry)
                if valued and value.__class__ is str and gate.search(value) is not None:
                    for rule, field_check in valued:
                        if field_check.matches(key, value):
                            yield field_check.finding(rule, manifest, entry)
                for rule, field_check in always:
                    if field_check.matches(key, value):
                        yield field_check.finding(rule, manifest, entry)


def _indexed(read: FieldReader, members: list[RuleCheck]) -> FieldPlan:
    by_domain: dict[str, list[RuleCheck]] = {}
    valued, always = [], []
    for member in members:
        _, check = member
        if check.domains is not None:
            for domain in check.domains:
                by_domain.setdefault(domain, []).append(member)
        elif check.value_pattern is not None:
            valued.append(member)
        else:
            always.append(member)
    gate = None
    if valued:
        try:
            gate = re.compile("|".join(f"(?:{check.value_pattern})" for _, check in valued))
        except re.error:  # a shape the joined expression cannot hold: try each rule on every entry
            valued, always = [], [*always, *valued]
    return FieldPlan(read, {d: tuple(m) for d, m in by_domain.items()}, tuple(valued), gate, tuple(always))
