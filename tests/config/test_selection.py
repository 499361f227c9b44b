"""select/ignore precedence (most specific wins, ignore wins ties) and severity overrides."""

from __future__ import annotations

import pytest

from mclint.config import Config
from mclint.config.selection import configured_rules, is_selected, unknown_patterns
from mclint.finding import Severity
from mclint.rules.registry import load_rules

RULES = {r.id: r for r in load_rules(plugins=False)}


@pytest.mark.parametrize(
    ("select", "ignore", "rule_id", "expected"),
    [
        ([], [], "aws-identity-irsa-role", True),
        ([], ["aws"], "aws-identity-irsa-role", False),
        (["aws"], [], "gcp-storage-provisioner", False),
        (["aws-*"], ["aws-identity-*"], "aws-identity-irsa-role", False),
        (["aws-*"], ["aws-identity-*"], "aws-network-lb-internal", True),
        (["aws-identity-irsa-role"], ["aws-identity-*"], "aws-identity-irsa-role", True),
        (["aws-identity-irsa-role"], ["aws-identity-*"], "aws-identity-irsa-settings", False),
        (["storage"], ["gcp"], "gcp-storage-provisioner", True),
        (["gcp"], ["gcp"], "gcp-storage-provisioner", False),
        ([], ["identity"], "azure-identity-workload-identity-use", False),
    ],
)
def test_most_specific_pattern_wins(select, ignore, rule_id, expected):
    assert is_selected(RULES[rule_id], select, ignore) is expected


def test_configured_rules_filters_and_overrides_severity():
    config = Config(
        select=["gcp-storage-*"],
        severity={"gcp-storage-*": Severity.LOW, "gcp-storage-provisioner": Severity.INFO},
    )
    chosen = {r.id: r.severity for r in configured_rules(RULES.values(), config)}
    storage_rules = {rule_id for rule_id in RULES if rule_id.startswith("gcp-storage-")}
    assert set(chosen) == storage_rules and len(storage_rules) >= 4
    assert chosen.pop("gcp-storage-provisioner") == Severity.INFO  # the exact id beats the glob
    assert set(chosen.values()) == {Severity.LOW}


def test_patterns_that_match_no_rule_are_listed():
    config = Config(select=["aws-*", "awz-*"], ignore=["storage"], severity={"nope": Severity.LOW})
    assert unknown_patterns(config, RULES.values()) == ["awz-*", "nope"]
