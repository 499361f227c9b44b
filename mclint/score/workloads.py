"""Which workloads move as they are: the classes of `mclint inventory` and of every report's workload line.

portable: nothing ties it to a provider. portable-with-config: its couplings (its own, or on an object
of its unit) all have a direct equivalent in annotations, classes or labels. stateful: it holds PVCs or
volumeClaimTemplates, so data moves with it. provider-bound: a managed service, a provider API or
provider-only hardware has no drop-in equivalent. The strongest class wins. Info findings are
signals, not couplings: they give no class.

Whether a coupling is config, stateful or bound is migration knowledge kept in mclint/plan/mappings.yaml.
Parsing that file costs a tenth of a second, more than a whole one-file scan, so the few tables read
here are kept in mclint's cache (mclint.cache) keyed by the file's checksum.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from mclint.finding import Finding, Severity
from mclint.score.units import Units

PORTABLE, WITH_CONFIG, STATEFUL, BOUND = "portable", "portable-with-config", "stateful", "provider-bound"
CLASSES = (PORTABLE, WITH_CONFIG, STATEFUL, BOUND)
"""Weakest to strongest; a workload takes the strongest class any reason gives it."""
CLASS_STATEFUL, CLASS_BOUND = "stateful", "bound"
"""Coupling classes in mappings.yaml besides "config" (a change in annotations, classes or labels)."""
MAPPINGS_FILE = Path(__file__).resolve().parent.parent / "plan" / "mappings.yaml"
CACHE_FILE = "coupling-classes.json"


class CouplingClasses:
    """What kind of work each coupling is (config, stateful, bound), and provider-only hardware."""

    __slots__ = ("categories", "default", "hardware", "rules")

    def __init__(self, table: dict) -> None:
        self.rules: dict[str, str] = table["rules"]
        self.categories: dict[str, str] = table["categories"]
        self.default: str = table["default"]
        self.hardware: dict[str, dict[str, str]] = table["hardware"]
        """"resources" and "node_selectors": name → the provider that alone has it."""

    def coupling_class(self, rule_id: str, category: str) -> str:
        return self.rules.get(rule_id) or self.categories.get(category) or self.default

    def workload_class(self, finding: Finding) -> str:
        """The class a finding gives the workloads it reaches (portable for an info finding)."""
        if finding.severity == Severity.INFO:
            return PORTABLE
        kind = self.coupling_class(finding.rule_id, finding.category)
        return {CLASS_BOUND: BOUND, CLASS_STATEFUL: STATEFUL}.get(kind, WITH_CONFIG)

    def hardware_of(self, resources: Iterable[str], node_selectors: Iterable[str]) -> list[str]:
        """Provider-only hardware a workload's pods ask for (resource names, node selector keys), in words."""
        found = []
        for name in resources:
            provider = self.hardware["resources"].get(name)
            if provider:
                found.append(f"resource {name} exists only on {provider}")
        for name in node_selectors:
            provider = self.hardware["node_selectors"].get(name)
            if provider:
                found.append(f"node selector {name} exists only on {provider}")
        return found


@lru_cache(maxsize=1)
def coupling_classes() -> CouplingClasses:
    """The tables, from the cache when mappings.yaml is unchanged, else parsed and cached."""
    from mclint import cache

    return CouplingClasses(cache.derived(CACHE_FILE, "mappings.yaml", MAPPINGS_FILE.read_bytes(), _parse_tables))


def _parse_tables(data: bytes) -> dict:
    from mclint.load import load_bytes

    root = load_bytes(data).documents[0].root
    couplings = root["couplings"]
    hardware = root["provider_only_hardware"]
    return {
        "rules": {rule: couplings[name]["class"] for rule, name in root["rules"].items()},
        "categories": {name: entry["class"] for name, entry in root["categories"].items()},
        "default": root["default"]["class"],
        "hardware": {what: dict(hardware[what]) for what in ("resources", "node_selectors")},
    }


def strongest(classes: Iterable[str]) -> str:
    return max(classes, key=CLASSES.index, default=PORTABLE)


def workload_counts(units: Units, findings: Iterable[Finding]) -> dict[str, int]:
    """How many workloads fall in each class, in one pass over the findings (`total` first).

    A finding counts for every workload whose unit holds its object; claims make a workload stateful
    and provider-only hardware provider-bound, as in `mclint inventory`.
    """
    ranks = WorkloadRanks(units)
    if ranks:
        for finding in findings:
            ranks.add(units.of(finding.obj), (finding,))
    return ranks.counts()


class WorkloadRanks:
    """Each workload unit's strongest class so far, fed the findings of the units they reach: by
    workload_counts, or by the score's own pass over the findings (which groups them by object and
    has each object's units at hand), so a scan reads its findings once for both."""

    __slots__ = ("classes", "known", "ranks", "units")

    def __init__(self, units: Units) -> None:
        self.units = units
        self.ranks = [0] * len(units.workloads)
        self.classes: CouplingClasses | None = None
        self.known: dict[tuple[str, str], int] = {}
        """(rule id, category) → the rank of the class its findings give (a tree has few of them)."""

    def __bool__(self) -> bool:
        return bool(self.ranks)

    def add(self, numbers: tuple[int, ...], findings: Iterable[Finding]) -> None:
        if not numbers:
            return
        ranks, known = self.ranks, self.known
        for finding in findings:
            if finding.severity != Severity.INFO:
                rank = known.get((finding.rule_id, finding.category))
                if rank is None:
                    self.classes = self.classes or coupling_classes()
                    rank = known[finding.rule_id, finding.category] = CLASSES.index(
                        self.classes.workload_class(finding)
                    )
                for number in numbers:
                    if rank > ranks[number]:
                        ranks[number] = rank

    def counts(self) -> dict[str, int]:
        units, ranks = self.units, self.ranks
        if not ranks:
            return {"total": 0, **dict.fromkeys(CLASSES, 0)}
        for number, (resources, node_selectors) in enumerate(units.asks):
            if units.stateful[number]:
                ranks[number] = max(ranks[number], CLASSES.index(STATEFUL))
            if resources or node_selectors:
                self.classes = self.classes or coupling_classes()
                if self.classes.hardware_of(resources, node_selectors):
                    ranks[number] = CLASSES.index(BOUND)
        counts = dict.fromkeys(CLASSES, 0)
        for rank in ranks:
            counts[CLASSES[rank]] += 1
        return {"total": len(ranks), **counts}


def workload_line(counts: dict[str, int] | None) -> str:
    """`Workloads: 11 of 40 portable as written, 20 need per-cloud configuration, 2 stateful, 7 provider-bound`."""
    if not counts or not counts.get("total"):
        return "Workloads: none found"
    return (
        f"Workloads: {counts[PORTABLE]} of {counts['total']} portable as written, "
        f"{counts[WITH_CONFIG]} need per-cloud configuration, {counts[STATEFUL]} stateful, "
        f"{counts[BOUND]} provider-bound"
    )
