"""Inventory and migration plan: which workloads move as they are, and what each coupling becomes elsewhere."""

from __future__ import annotations

from mclint.api import ScanOptions, scan
from mclint.model.links import build_links
from mclint.plan.inventory import Inventory, build_inventory
from mclint.plan.mappings import load_mappings
from mclint.plan.plan import Plan, build_plan
from mclint.suppress.policy import Policy, apply_policy

__all__ = ["Inventory", "Plan", "inventory_of", "plan_of"]


def inventory_of(paths: list[str], ruleset, options: ScanOptions | None = None, config=None) -> Inventory:
    """Scan `paths` and classify their workloads over the links the scan read (the rendered objects
    when rendering, so the inventory and the scan's workload line count the same workloads).

    `config` (a mclint.config.Config) applies what `scan` applies: its selection is already in
    `ruleset` and its exclude in `options`; here its waivers and the manifests' own suppressions.
    """
    result = scan(paths, ruleset, options or ScanOptions())
    if config is not None:
        result = apply_policy(result, Policy(config)).result
    return build_inventory(result, build_links(result.facts))


def plan_of(paths: list[str], ruleset, target: str, source: str | None = None, options=None, config=None) -> Plan:
    inventory = inventory_of(paths, ruleset, options, config)
    equivalents = {rule.id: dict(rule.equivalents) for rule in ruleset.rules}
    return build_plan(inventory, load_mappings(), equivalents, target, source)
