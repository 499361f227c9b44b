"""The catalog's promises: every rule explains itself, and every big-three provider × category has
rules, a positive fixture and a near-miss fixture (`# near-miss: CATEGORY, ...` on its first line)."""

from __future__ import annotations

import re

import pytest

from mclint.vocabulary import vocabulary
from tests.conftest import FIXTURES
from tests.rules.test_fixtures import RULE_FIXTURES, expected_findings

BIG_THREE = vocabulary().targets
NEAR_MISS = re.compile(r"^# near-miss: (.+)$")


def test_every_rule_explains_itself(ruleset):
    problems = []
    for rule in ruleset.rules:
        for name in ("title", "severity_reason", "why", "remediation", "message", "docs"):
            if not getattr(rule, name):
                problems.append(f"{rule.id}: no {name}")
        if rule.docs and not rule.docs.startswith("https://"):
            problems.append(f"{rule.id}: docs is not an https URL")
        if rule.remediation and not rule.remediation.rstrip().endswith("."):
            problems.append(f"{rule.id}: remediation is not a sentence")
        others = {p for p in BIG_THREE if p != rule.provider}
        missing = others - set(rule.equivalents)
        if missing:
            problems.append(f"{rule.id}: no equivalent for {sorted(missing)}")
    assert problems == []


def test_exposure_hazards_are_high_and_say_so(ruleset):
    hazards = [r for r in ruleset.rules if "exposure hazard" in r.title]
    assert len(hazards) >= 10
    for rule in hazards:
        assert rule.severity.label == "high", rule.id
        assert "internet-facing" in rule.message or "public" in rule.message, rule.id


def _near_miss_categories() -> dict[str, set[str]]:
    covered: dict[str, set[str]] = {}
    for path in RULE_FIXTURES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = NEAR_MISS.match(first)
        if match:
            assert not expected_findings(path), f"{path} is marked near-miss but expects findings"
            provider = path.relative_to(FIXTURES).parts[0]
            covered.setdefault(provider, set()).update(c.strip() for c in match.group(1).split(","))
    return covered


@pytest.mark.parametrize("provider", BIG_THREE)
@pytest.mark.parametrize("category", vocabulary().categories)
def test_every_big_three_category_has_rules_positive_and_near_miss_fixtures(ruleset, provider, category):
    rules = {r.id for r in ruleset.rules if r.provider == provider and r.category == category}
    assert rules, f"no {provider} {category} rule"
    positives = {rule for path in RULE_FIXTURES for rule, _ in expected_findings(path)}
    assert rules & positives
    assert category in _near_miss_categories().get(provider, set())


def test_docs_rules_md_is_generated_from_the_rule_files(ruleset):
    """Regenerate with: mclint rules --format markdown > docs/rules.md"""
    from mclint.report.rules import markdown
    from tests.conftest import REPO

    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(ruleset.rules)


def test_readme_states_the_current_number_of_rules(ruleset):
    from tests.conftest import REPO

    assert f"The shipped catalog holds {len(ruleset.rules)} rules" in (REPO / "README.md").read_text(encoding="utf-8")
