"""The migration knowledge, read from mappings.yaml: what each coupling becomes on each target.

Keyed by rule id for precision; ids the file does not know fall back to guidance by category, with
the rule's own `equivalents` text for the target, so new rules never break a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

EFFORTS = ("S", "M", "L")


@dataclass(frozen=True)
class TargetMapping:
    """One coupling on one target cloud."""

    coupling: str
    title: str
    coupling_class: str
    equivalent: str
    effort: str
    reasons: tuple[str, ...]
    outside: tuple[str, ...]
    hazard: str = ""
    marker: tuple[tuple[str, str], ...] = ()
    tiered: bool = False


@dataclass(frozen=True)
class Mappings:
    data: dict

    def coupling_of(self, rule_id: str) -> str | None:
        return self.data["rules"].get(rule_id)

    def for_target(self, rule_id: str, category: str, target: str, rule_equivalent: str = "") -> TargetMapping:
        name = self.coupling_of(rule_id)
        if name is None:
            return self._by_category(category, rule_equivalent)
        entry = self.data["couplings"][name]
        spec = entry["targets"][target]
        return TargetMapping(
            coupling=name,
            title=entry["title"],
            coupling_class=entry["class"],
            equivalent=spec.get("equivalent", "") or rule_equivalent,
            effort=spec["effort"],
            reasons=tuple(spec.get("reasons", ())),
            outside=tuple(spec.get("outside", ())),
            hazard=entry.get("hazard", ""),
            marker=tuple(sorted((str(k), str(v)) for k, v in (spec.get("marker") or {}).items())),
            tiered=bool(entry.get("tiered")),
        )

    def _fallback(self, category: str) -> dict:
        return self.data["categories"].get(category) or self.data["default"]

    def _by_category(self, category: str, rule_equivalent: str) -> TargetMapping:
        spec = self._fallback(category)
        known = category in self.data["categories"]
        return TargetMapping(
            coupling=f"category:{category}" if known else "unmapped",
            title=f"{category} coupling" if known else "coupling without a known mapping",
            coupling_class=spec["class"],
            equivalent=rule_equivalent or "no equivalent recorded for this target; review by hand",
            effort=spec["effort"],
            reasons=tuple(spec.get("reasons", ())),
            outside=tuple(spec.get("outside", ())),
        )

    def storage_tier(self, *names: str | None) -> str | None:
        """The tier (balanced, ssd, hdd, file) of the first class name, disk type or provisioner known."""
        for name in names:
            for tier, spec in self.data["storage_tiers"].items():
                if name and name in spec["values"]:
                    return tier
        return None

    def tier_class(self, tier: str | None, target: str) -> str:
        tier = tier or self.data["default_tier"]
        return self.data["storage_tiers"][tier]["targets"][target]


CACHE_FILE = "plan-mappings.json"


@lru_cache(maxsize=1)
def load_mappings() -> Mappings:
    """The tables, from the cache when mappings.yaml is unchanged: parsing it with ruamel.yaml's
    pure-Python loader costs every plan and inventory about a third of a second."""
    from mclint import cache

    data = resources.files("mclint.plan").joinpath("mappings.yaml").read_bytes()
    return Mappings(cache.derived(CACHE_FILE, "mappings.yaml", data, _parse))


def _parse(data: bytes) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(data.decode("utf-8"))
