"""Every fixture is an exact test: the findings must be exactly its `# expect: RULE_ID` markers.

A marker sits at the end of the line the finding must point at. A fixture without markers is a
near miss: it must produce no finding at all. Adding a rule means adding its YAML entry and its
fixtures; this module picks them up.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from mclint import api
from tests.conftest import FIXTURES

MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
RULE_FIXTURES = [
    p
    for p in FIXTURE_FILES
    if "loader" not in p.relative_to(FIXTURES).parts and p.relative_to(FIXTURES).parts[0] not in ("plan", "units")
]


def expected_findings(path) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for rule_id in match.group(1).split(","):
                expected[(rule_id.strip(), number)] += 1
    return expected


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings_are_exactly_its_markers(path, ruleset):
    """A file of a Helm chart brings in its whole chart (as a pre-commit run does): only the findings
    located in the fixture itself are its to check."""
    result = api.scan([str(path)], ruleset)
    assert result.errors == []
    found = Counter((f.rule_id, f.line) for f in result.findings if Path(f.file).resolve() == path.resolve())
    assert found == expected_findings(path)


def test_every_rule_has_a_positive_fixture(ruleset):
    covered = {rule for path in RULE_FIXTURES for rule, _ in expected_findings(path)}
    missing = sorted(r.id for r in ruleset.rules if r.id not in covered)
    assert missing == []


def test_every_provider_has_near_miss_fixtures(ruleset):
    providers = {r.provider for r in ruleset.rules}
    negatives = {p.relative_to(FIXTURES).parts[0] for p in RULE_FIXTURES if not expected_findings(p)}
    assert providers - negatives == set()
