"""Inventory and migration plan: which workloads move as they are, and what each coupling becomes elsewhere."""

from __future__ import annotations

from mclint.api import ScanOptions, scan
from mclint.plan.facts import collect_facts
from mclint.plan.inventory import Inventory, build_inventory
from mclint.plan.links import build_links
from mclint.plan.mappings import load_mappings
from mclint.plan.plan import Plan, build_plan
from mclint.suppress.policy import Policy, apply_policy

__all__ = ["Inventory", "Plan", "inventory_of", "plan_of"]


def inventory_of(paths: list[str], ruleset, options: ScanOptions | None = None, config=None) -> Inventory:
    """Scan `paths`, read their per-object facts, and join both by object identity.

    `config` (a mclint.config.Config) applies what `scan` applies: its selection is already in
    `ruleset` and its exclude in `options`; here its waivers and the manifests' own suppressions.
    """
    options = options or ScanOptions()
    result = scan(paths, ruleset, options)
    if config is not None:
        result = apply_policy(result, Policy(config)).result
    links = build_links(collect_facts(paths, options.max_file_size, options.exclude))
    return build_inventory(result, links, load_mappings())


def plan_of(paths: list[str], ruleset, target: str, source: str | None = None, options=None, config=None) -> Plan:
    inventory = inventory_of(paths, ruleset, options, config)
    equivalents = {rule.id: dict(rule.equivalents) for rule in ruleset.rules}
    return build_plan(inventory, load_mappings(), equivalents, target, source)
