"""Compiled expressions from the cache are the patterns re.compile makes, or re.compile's own."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from mclint.rules import expressions
from tests.rules.test_regex_cost import shipped_patterns

MIXED = [
    r"(?i)^internal$",
    r"(?P<host>[a-z0-9-]{1,63})\.azurecr\.(?P<tld>io|cn)(:[0-9]{1,5})?(/|$)",
    r"^(?!k8s\.gcr\.io/)((us|eu)\.)?gcr\.io(/|$)",
    r"(?i:^azure(public|china)cloud$)|(?:\A(?:gp2|gp3)\Z)",
    r"\bs3://[a-z0-9$<{][a-zA-Z0-9.${}<>_-]{1,62}",
    r"é|ü{2,}|[\u4e00-\u9fff]+",
]


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """An empty cache, and a process that has read none of it yet."""
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    _another_process(monkeypatch)
    return tmp_path


def _same(pattern: re.Pattern, source: str) -> None:
    expected = re.compile(source)
    assert pattern == expected  # compares the text, the flags and the compiled code
    assert (pattern.flags, pattern.groups, pattern.groupindex) == (expected.flags, expected.groups, expected.groupindex)


def _found(pattern: re.Pattern, text: str) -> tuple | None:
    match = pattern.search(text)
    return None if match is None else (match.span(), match.groups(), match.groupdict())


def _another_process(monkeypatch) -> None:
    monkeypatch.setattr(expressions, "_known", None)
    monkeypatch.setattr(expressions, "_misses", 0)


def _held(folder) -> dict:
    return json.loads((folder / expressions.CACHE_FILE).read_text())["rules"]


def test_every_shipped_expression_is_the_same_compiled_and_from_the_cache(fresh, monkeypatch, ruleset):
    sources = list(shipped_patterns(ruleset).values())
    assert len(sources) > 100
    for source in sources:
        _same(expressions.compiled(source), source)
    runs = 1
    while set(_held(fresh)) != set(sources):  # each run writes on its 1st, 2nd, 4th... miss
        assert runs < 10
        _another_process(monkeypatch)
        for source in sources:
            _same(expressions.compiled(source), source)
        runs += 1
    _another_process(monkeypatch)
    monkeypatch.setattr(expressions, "_parser", SimpleNamespace(parse=lambda *a: pytest.fail("parsed again")))
    for source in sources:
        _same(expressions.compiled(source), source)


@pytest.mark.parametrize("source", MIXED)
def test_flags_groups_and_names_survive_the_cache(fresh, monkeypatch, source):
    first = expressions.compiled(source)
    _another_process(monkeypatch)
    again = expressions.compiled(source)
    _same(first, source)
    _same(again, source)
    for text in ("x.azurecr.io/app", "INTERNAL", "us.gcr.io/p", "AzurePublicCloud", "é", "s3://b"):
        assert _found(again, text) == _found(first, text) == _found(re.compile(source), text)


def test_a_miss_is_written_for_the_next_process_and_keeps_what_others_wrote(fresh, monkeypatch):
    expressions.compiled("^one$")
    _another_process(monkeypatch)  # another worker, which read the file before "^one$" was written
    monkeypatch.setattr(expressions, "_known", {})
    expressions.compiled("^two$")
    assert sorted(_held(fresh)) == ["^one$", "^two$"]


@pytest.mark.parametrize(
    "record",
    [
        [0, "00", 0, {}, []],  # code the engine refuses
        [0, "not hex", 0, {}, []],
        ["0", "", 0, {}, []],
        [0, "", 0, {}],
        "a string",
        None,
    ],
)
def test_a_damaged_record_is_compiled_afresh(fresh, monkeypatch, record):
    monkeypatch.setattr(expressions, "_known", {"^(a|b)c$": record})
    pattern = expressions.compiled("^(a|b)c$")
    _same(pattern, "^(a|b)c$")
    assert pattern.fullmatch("bc") is not None


def test_a_damaged_cache_file_is_a_miss(fresh):
    (fresh / expressions.CACHE_FILE).write_text('{"key": "x", "rules": [1, 2')
    _same(expressions.compiled(r"\.amazonaws\.com\b"), r"\.amazonaws\.com\b")


def test_an_invalid_expression_raises_as_re_compile_does(fresh):
    with pytest.raises(re.error):
        expressions.compiled("(unclosed")
    assert not (fresh / expressions.CACHE_FILE).exists()


def test_without_the_cache_nothing_is_written_and_every_expression_still_compiles(fresh, monkeypatch):
    monkeypatch.setenv("MCLINT_NO_CACHE", "1")
    _same(expressions.compiled("^gp[23]$"), "^gp[23]$")
    assert list(fresh.iterdir()) == []


def test_past_the_limit_the_file_starts_afresh(fresh, monkeypatch):
    monkeypatch.setattr(expressions, "MAX_KEPT", 3)
    for n in range(4):
        expressions.compiled(f"^{n}$")
    assert sorted(_held(fresh)) == ["^3$"]


def test_a_cold_cache_is_written_on_the_first_second_fourth_misses(fresh, monkeypatch):
    writes = []
    monkeypatch.setattr(expressions.cache, "write", lambda key, records, name: writes.append(len(records)))
    for n in range(9):
        expressions.compiled(f"^{n}$")
    assert writes == [1, 2, 4, 8]


def test_a_huge_expression_is_compiled_each_time(fresh, monkeypatch):
    monkeypatch.setattr(expressions, "MAX_CODE_WORDS", 8)
    source = "^(" + "|".join(f"w{n}" for n in range(20)) + ")$"
    _same(expressions.compiled(source), source)
    assert not (fresh / expressions.CACHE_FILE).exists()


def test_where_the_engine_differs_re_compile_decides(fresh, monkeypatch):
    monkeypatch.setattr(expressions, "_compiler", SimpleNamespace())  # no _code
    _same(expressions.compiled("^x+$"), "^x+$")
    assert not (fresh / expressions.CACHE_FILE).exists()
