"""Run rules over objects, each rule only on the kinds it names (dispatch is a dict lookup)."""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import Finding
from mclint.load import MapNode
from mclint.model import Manifest
from mclint.model.kinds import VALUES_KIND
from mclint.rules.checker import Checker
from mclint.rules.entries import over_jsonpath_budget
from mclint.rules.rule import Rule
from mclint.rules.selectors import STRINGS

ANY_KIND = "*"
WORKLOADS = "@workload"
"""Any object with a pod template: Pods, Deployments, CronJobs, Argo Rollouts, ..."""


class RuleSet:
    """Rules indexed by kind, each kind's rules compiled into one Checker on first use."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.id)
        self.string_rules = frozenset(r.id for r in self.rules if STRINGS in getattr(r.check, "places", ()))
        """Ids of the rules that read every string: the least specific, first to give way on a shared line."""
        self._by_kind: dict[str, list[Rule]] = {}
        self._any: list[Rule] = []
        self._workload: list[Rule] = []
        self._cache: dict[tuple[str, bool], tuple[Rule, ...]] = {}
        self._checkers: dict[tuple[Rule, ...], Checker] = {}
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
            if kind == VALUES_KIND:  # Helm values have no kinds: every rule reads them
                found = tuple(self.rules)
            else:
                chosen = {r.id: r for r in self._by_kind.get(kind, ())}
                chosen.update((r.id, r) for r in self._any)
                if has_pod:
                    chosen.update((r.id, r) for r in self._workload)
                found = tuple(sorted(chosen.values(), key=lambda r: r.id))
            self._cache[key] = found
        return found

    def checker(self, kind: str, has_pod: bool) -> Checker:
        """The compiled rules for a kind; kinds that run the same rules share one Checker."""
        rules = self.for_object(kind, has_pod)
        checker = self._checkers.get(rules)
        if checker is None:
            checker = self._checkers[rules] = Checker(rules)
        return checker

    def skips_jsonpath(self, manifest: Manifest) -> bool:
        """Whether rules with a JSONPath would read `manifest` but it is too large for them."""
        reads = self.checker(manifest.kind, manifest.pod is not None).reads_jsonpath
        return reads and type(manifest.body) is MapNode and over_jsonpath_budget(manifest.body)

    def check(self, manifest: Manifest) -> list[Finding]:
        values = self.checker(VALUES_KIND, False) if manifest.values else None
        return self.checker(manifest.kind, manifest.pod is not None).check(manifest, values)
