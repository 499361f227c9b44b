"""Which literals a file's text holds: the C search and its Python twin give the same indices, for
every fixture and corpus file and for texts built to sit literals at every edge."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mclint.rules import present
from mclint.rules.checker import Checker
from mclint.rules.present import MAX_BUCKETS, Present
from mclint.run import load_ruleset
from tests.conftest import CORPUS, FIXTURES

needs_c = pytest.mark.skipif(present._cliterals is None, reason="mclint/speedups/_cliterals.c was not built here")

LITERALS = (
    ("amazonaws.", False),
    ("google", True),
    ("arn:aws", False),
    ("s3://", False),
    ("oss", True),
    ("AWS/", False),
)


def shipped() -> Present:
    """The literals of the shipped string rules, as the checker asks for them."""
    return Checker(load_ruleset().rules).strings.present


def texts_of(folder) -> list[str]:
    return [p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*.y*ml")) if p.is_file()]


def both(search: Present, text: str) -> tuple[list[int], list[int]]:
    lowered = text.lower()
    return search(text, lowered), search.in_python(text, lowered)


@needs_c
def test_fixtures_and_the_corpus_hold_the_same_literals_in_c_and_in_python():
    search = shipped()
    assert search._table is not None and len(search.literals) > 40
    texts = texts_of(FIXTURES) + (texts_of(CORPUS) if CORPUS.is_dir() else [])
    found = [both(search, text) for text in texts]
    assert all(c == python for c, python in found)
    assert sum(bool(c) for c, _ in found) > len(texts) // 10  # the search finds things, not only nothing


@needs_c
def test_literals_at_the_edges_of_the_text_and_overlapping_are_found():
    search = Present(LITERALS)
    assert search("s3://b", "s3://b") == [3]
    assert search("xarn:aws", "xarn:aws") == [2]  # at the very end
    assert search("amazonaws.arn:awsAWS/", "amazonaws.arn:awsaws/") == [0, 2, 5]
    assert search("GOOGLE", "google") == [1]  # folded: read in the lower-cased text
    assert search("ar", "ar") == [] and search("", "") == []
    assert search("boss amazonaws", "boss amazonaws") == [4]  # "amazonaws" without its dot


@needs_c
def test_a_text_past_one_byte_characters_is_searched_in_python_with_the_same_answer():
    search = Present(LITERALS)
    text = "image: 123.dkr.ecr.amazonaws.com/app ✓ s3://bucket"
    assert present._cliterals.present(*search._table, text, text.lower()) is None
    assert search(text, text.lower()) == search.in_python(text, text.lower()) == [0, 3]
    latin = "café amazonaws. é"  # one byte each: the C search reads it
    assert present._cliterals.present(*search._table, latin, latin.lower()) == [0]


def test_literals_the_table_cannot_hold_leave_the_search_to_python():
    assert Present((("a", False), ("google", True)))._table is None  # shorter than two characters
    assert Present((("gööd", False),))._table is None  # not ASCII
    many = tuple((f"{chr(65 + i // 26)}{chr(97 + i % 26)}x", False) for i in range(MAX_BUCKETS + 1))
    assert Present(many)._table is None
    assert Present(many)("xAbx", "xabx") == [1]


@needs_c
@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([text for text, _ in LITERALS] + ["amazonaws", "GOOGLE", "arn:", "s3:/", "AW"]),
            st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=6),
            st.text(max_size=3),
        ),
        max_size=12,
    )
)
def test_any_text_holds_the_same_literals_in_c_and_in_python(pieces):
    text = "".join(pieces)
    c, python = both(Present(LITERALS), text)
    assert c == python
