"""String rules are tried only where the literal text their patterns need appears."""

from __future__ import annotations

import re

import pytest

from mclint.rules.literals import required_literals


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\.rds\.amazonaws\.com\b", {".rds.amazonaws.com"}),
        (r"(dynamodb\.[a-z0-9-]+\.amazonaws\.com|arn:aws(-cn)?:dynamodb:)", {"dynamodb.", "arn:aws"}),
        (r"\.(blob|queue)\.core\.windows\.net", {".blob.core.windows.net", ".queue.core.windows.net"}),
        (r"[a-z]+:(us|europe)-[a-z]+[0-9]", {":us-", ":europe-"}),
    ],
)
def test_the_literal_every_match_holds_is_found(pattern, expected):
    found = required_literals(pattern)
    assert found is not None and set(found.texts) == expected and not found.folded


@pytest.mark.parametrize("pattern", [r"[a-z]+\.[a-z]+", r"(ab|[0-9]+)x", r"(?=abc)d", r"a?bcd?"])
def test_patterns_without_a_long_enough_literal_have_none(pattern):
    assert required_literals(pattern) is None


def test_case_insensitive_patterns_give_lower_case_literals():
    found = required_literals(r"(?i)Key\.Vault\.Azure")
    assert found is not None and found.folded and set(found.texts) == {"key.vault.azure"}


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(s3://[a-z0-9.-]+|arn:aws:s3:)", "see s3://bucket/key"),
        (r"[a-z]+:(us|europe)-[a-z]+[0-9]", "proj:europe-west1:db"),
        (r"(https://sqs\.[a-z0-9-]+\.amazonaws\.com/|arn:aws:sqs:)", "arn:aws:sqs:us-east-1:1:q"),
    ],
)
def test_every_match_contains_one_of_the_literals(pattern, text):
    match = re.search(pattern, text)
    assert match is not None
    assert any(literal in match.group(0) for literal in required_literals(pattern).texts)


def test_a_group_of_more_alternatives_than_a_run_holds_still_gives_its_branches_literals():
    pattern = r"\.(redis\.azure\.net|(mongo|cassandra|gremlin|table|mongocluster)\.cosmos\.azure\.com|kusto\.windows\.net|search\.windows\.net)\b"
    found = required_literals(pattern)
    assert found is not None and not found.folded
    cosmos = {f".{api}.cosmos.azure.com" for api in ("mongo", "cassandra", "gremlin", "table", "mongocluster")}
    assert set(found.texts) == {".redis.azure.net", ".kusto.windows.net", ".search.windows.net", *cosmos}
    for text in ("db.mongo.cosmos.azure.com", "x.search.windows.net"):
        match = re.search(pattern, text)
        assert any(literal in match.group(0) for literal in found.texts)


def test_every_shipped_string_rule_has_literals_so_files_without_them_skip_the_string_rules():
    from mclint.run import load_ruleset

    strings = load_ruleset().checker("ConfigMap", False).strings
    assert strings.always == ()
    assert all(any(key in needle[0] for needle in needles) for key, _, needles in strings.keys)
    covered = [needle for _, _, needles in strings.keys for needle in needles]
    assert len(covered) == len(strings.needles) and set(covered) == set(strings.needles)
    assert load_ruleset().checker("Deployment", True).strings is not None
