"""Which rules run and at what severity: select/ignore and severity overrides, like flake8.

A pattern is a rule id, a provider, a category, or a glob over ids (`aws-*`). When both a select
and an ignore pattern match a rule, the more specific one wins: an exact id beats any glob, and a
glob with more literal characters beats one with fewer; provider and category names rank as globs
of their length. On a tie, ignore wins. With no `select`, every rule is implicitly selected, and
any explicit ignore beats that.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable

from mclint.config import Config
from mclint.finding import Severity
from mclint.rules.rule import Rule

EXACT = 10_000
IMPLICIT = -1


def specificity(pattern: str, rule: Rule) -> int | None:
    """How specifically `pattern` names `rule`, or None when it does not match it."""
    if pattern == rule.id:
        return EXACT
    if pattern in (rule.provider, rule.category) or fnmatch.fnmatchcase(rule.id, pattern):
        return len(pattern.replace("*", "").replace("?", ""))
    return None


def best(patterns: Iterable[str], rule: Rule) -> int | None:
    scores = [s for s in (specificity(p, rule) for p in patterns) if s is not None]
    return max(scores) if scores else None


def is_selected(rule: Rule, select: list[str], ignore: list[str]) -> bool:
    chosen = best(select, rule) if select else IMPLICIT
    dropped = best(ignore, rule)
    if chosen is None:
        return False
    return dropped is None or chosen > dropped


def severity_for(rule: Rule, overrides: dict[str, Severity]) -> Severity:
    """The override of the most specific matching pattern, else the rule's own severity."""
    ranked = [(specificity(p, rule), p) for p in overrides]
    ranked = [(s, p) for s, p in ranked if s is not None]
    return overrides[max(ranked)[1]] if ranked else rule.severity


def configured_rules(rules: Iterable[Rule], config: Config) -> list[Rule]:
    """The rules to run: selection applied before the scan, so ignored rules cost nothing."""
    chosen = []
    for rule in rules:
        if not is_selected(rule, config.select, config.ignore):
            continue
        severity = severity_for(rule, config.severity)
        chosen.append(rule if severity == rule.severity else rule.replace(severity=severity))
    return chosen


def unknown_patterns(config: Config, rules: Iterable[Rule]) -> list[str]:
    """Patterns in select/ignore/severity that match no rule: probably typos."""
    rules = list(rules)
    patterns = [*config.select, *config.ignore, *config.severity]
    return sorted({p for p in patterns if not any(specificity(p, r) is not None for r in rules)})


def configured_ruleset(ruleset, config: Config, warn: Callable[[str], None]):
    """The rule set as the config selects and re-rates it; `warn` hears of patterns matching no rule."""
    if not (config.select or config.ignore or config.severity):
        return ruleset
    from mclint.rules.engine import RuleSet

    unknown = unknown_patterns(config, ruleset.rules)
    if unknown:
        warn(f"mclint: warning: {config.source}: pattern(s) matching no rule: {', '.join(unknown)}")
    return RuleSet(configured_rules(ruleset.rules, config))
