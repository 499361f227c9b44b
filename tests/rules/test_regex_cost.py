"""No value can stall a scan: every shipped expression runs in linear time on a megabyte built to
make it backtrack, and whatever a rule's expression (--rules-dir ones too), it reads a bounded
prefix of a value."""

from __future__ import annotations

import time

import pytest

from mclint import api
from mclint.rules.checker import MAX_MATCHED_LENGTH
from mclint.rules.engine import RuleSet
from mclint.rules.registry import load_rule_file
from mclint.rules.templates import value_requirement
from tests.adversarial import slow_patterns

REGEX_CRITERIA = ("key_regex", "value_regex", "not_value_regex")


def _match_patterns(rule_id: str, match: dict, found: dict[str, str]) -> None:
    for name in REGEX_CRITERIA:
        if name in match:
            found.setdefault(match[name], f"{rule_id} {name}")
    if isinstance(match.get("unless"), dict):
        _match_patterns(rule_id, match["unless"], found)


def shipped_patterns(ruleset: RuleSet) -> dict[str, str]:
    """Every expression a shipped rule matches with, and the joined ones the engine searches first,
    each once, by name."""
    found: dict[str, str] = {}
    for rule in ruleset.rules:
        if rule.criteria is not None:
            _match_patterns(rule.id, rule.criteria.match, found)
            requirement = value_requirement(rule.criteria.match)
            if requirement is not None:
                found.setdefault(requirement, f"{rule.id} requirement")
    kinds = {kind for rule in ruleset.rules for kind in rule.kinds} | {"ConfigMap", "Values"}
    for kind in sorted(kinds):
        for has_pod in (False, True):
            checker = ruleset.checker(kind, has_pod)
            for group in checker.groups():
                if group.gate is not None:
                    found.setdefault(group.gate.pattern, f"joined for {kind}")
    return {name: pattern for pattern, name in found.items()}


@pytest.mark.slow
def test_every_shipped_expression_takes_under_a_second_on_a_megabyte_built_against_it(ruleset):
    patterns = shipped_patterns(ruleset)
    assert len(patterns) > 100
    assert slow_patterns(patterns, limit=1.0) == {}


QUADRATIC_PACK = """provider: aws
category: managed-service
rules:
  - id: aws-managed-service-user-setting
    title: A user's rule with an expression that backtracks
    severity: low
    kinds: [ConfigMap]
    field: data
    match: {value_regex: "[a-z]+=[0-9]"}
    message: "setting {value}"
    remediation: Remove it.
"""


def _config_map(value: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  k: {value}\n"


def test_a_rule_expression_reads_a_bounded_prefix_of_any_value(tmp_path):
    """`[a-z]+=[0-9]` is quadratic: 40,000 letters took seconds, a megabyte hours. It now reads the
    first MAX_MATCHED_LENGTH characters, so a megabyte costs what that prefix does."""
    pack = tmp_path / "rules" / "user.yaml"
    pack.parent.mkdir()
    pack.write_text(QUADRATIC_PACK, encoding="utf-8")
    ruleset = RuleSet(load_rule_file(pack))
    manifest = tmp_path / "c.yaml"
    manifest.write_text(_config_map("a" * 1_000_000), encoding="utf-8")
    started = time.process_time()
    assert list(api.scan([str(manifest)], ruleset).findings) == []
    assert time.process_time() - started < 10
    inside = "x " * ((MAX_MATCHED_LENGTH - 4) // 2) + "a=1"
    past = "x " * (MAX_MATCHED_LENGTH // 2) + "a=1"
    manifest.write_text(_config_map(inside) + "---\n" + _config_map(past).replace("name: c", "name: d"), "utf-8")
    found = [(f.obj.name, f.line) for f in api.scan([str(manifest)], ruleset).findings]
    assert found == [("c", 5)]  # d holds a=1 only past the prefix
