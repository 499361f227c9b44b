"""String rules are tried only where the literal text their patterns need appears."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mclint.rules import literals
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


STRING_PATTERNS = (r"\.rds\.amazonaws\.com\b", None, r"(?i)Key\.Vault\.Azure", r"[a-z]+\.[a-z]+", r"arn:aws:s3:::")


def _index_file(tmp_path):
    return tmp_path / literals.INDEX_FILE


def test_a_cached_string_index_equals_the_derived_one(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    derived = literals.string_index(STRING_PATTERNS)
    assert _index_file(tmp_path).is_file()
    monkeypatch.setattr(literals, "required_literals", lambda p: (_ for _ in ()).throw(AssertionError("derived")))
    monkeypatch.setattr(literals, "shared_keys", lambda n: (_ for _ in ()).throw(AssertionError("derived")))
    assert literals.string_index(STRING_PATTERNS) == derived
    assert derived.literals[1] is None and derived.literals[3] is None  # no pattern; no literal long enough
    assert derived.literals[2] == literals.Needles(frozenset({"key.vault.azure"}), True)
    covered = sorted(i for _, _, indices in derived.keys for i in indices)
    assert covered == list(range(len(derived.needles))) == [0, 1, 2]


def test_other_patterns_get_their_own_index_beside_the_first(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    first = literals.string_index(STRING_PATTERNS)
    other = literals.string_index(STRING_PATTERNS[:2])
    assert other.needles == ((".rds.amazonaws.com", False),)
    monkeypatch.setattr(literals, "required_literals", lambda p: (_ for _ in ()).throw(AssertionError("derived")))
    assert literals.string_index(STRING_PATTERNS) == first
    assert literals.string_index(STRING_PATTERNS[:2]) == other


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.update(keys=[["zzzzzz", False, [0, 1, 2]]]),  # a key the needles do not hold
        lambda entry: entry.update(keys=entry["keys"][:1]),  # needles left uncovered
        lambda entry: entry.update(literals=[[["rds.x"], "no"]] * 5),  # not of the written shape
        lambda entry: entry.update(literals=entry["literals"][:2]),  # one per pattern, or none
        lambda entry: entry["literals"][0][0].append("x"),  # too short a literal: every string would pass
    ],
)
def test_a_damaged_cached_index_is_derived_again_and_rewritten(monkeypatch, tmp_path, damage):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    derived = literals.string_index(STRING_PATTERNS)
    stored = json.loads(_index_file(tmp_path).read_text())
    damage(stored["rules"][0])
    _index_file(tmp_path).write_text(json.dumps(stored))
    assert literals.string_index(STRING_PATTERNS) == derived
    assert json.loads(_index_file(tmp_path).read_text())["rules"][0]["keys"] == [
        [key, folded, list(covered)] for key, folded, covered in derived.keys
    ]


def test_a_corrupt_or_foreign_index_file_is_a_miss(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    derived = literals.string_index(STRING_PATTERNS)
    _index_file(tmp_path).write_text("{not json")
    assert literals.string_index(STRING_PATTERNS) == derived
    stored = json.loads(_index_file(tmp_path).read_text())
    stored["key"] = "another version"
    stored["rules"][0]["keys"] = []
    _index_file(tmp_path).write_text(json.dumps(stored))
    assert literals.string_index(STRING_PATTERNS) == derived


def test_an_edit_to_how_literals_are_found_changes_the_index_key(monkeypatch, tmp_path):
    before = literals._index_key()
    edited = tmp_path / "literals.py"
    edited.write_bytes(Path(literals.__file__).read_bytes() + b"\n# an edit\n")
    monkeypatch.setattr(literals, "__file__", str(edited))
    assert before is not None and literals._index_key() not in (None, before)
    monkeypatch.setattr(literals, "__file__", str(tmp_path / "gone.py"))
    assert literals._index_key() is None  # source unreadable: nothing is cached


def test_no_index_is_written_when_the_cache_is_off(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MCLINT_NO_CACHE", "1")
    assert literals.string_index(STRING_PATTERNS).needles
    assert not _index_file(tmp_path).exists()
