"""Aliases may repeat only so much text per file: a billion laughs built from a few long strings is
refused like one built from many nodes, with the alias's line, on both parsers' paths."""

from __future__ import annotations

from mclint.load import LoadProblem, load_bytes
from mclint.load.yamlstream import MAX_ALIAS_TEXT, MAX_EXPANDED_NODES, parse_documents

BIG = 100_000
"""One anchored value's length: MAX_ALIAS_TEXT // BIG aliases of it are allowed, one more is not."""

ALLOWED = MAX_ALIAS_TEXT // BIG


def laughs(aliases: int, *, prefix: bytes = b"", anchor_in_list: bool = False) -> bytes:
    """A ConfigMap whose `big` value (BIG characters) is repeated by `aliases` aliases, one a line."""
    big = b"&big " + b"x" * BIG if not anchor_in_list else b"&big [" + b"x" * BIG + b"]"
    head = prefix + b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  big: " + big + b"\n"
    return head + b"".join(b"  k%d: *big\n" % i for i in range(aliases))


def test_few_nodes_of_long_text_are_refused_at_the_alias_over_the_budget():
    data = laughs(ALLOWED + 1)
    assert ALLOWED + 2 < MAX_EXPANDED_NODES  # the node budget alone would let it through
    loaded = load_bytes(data)
    assert loaded.documents == []
    assert loaded.problems == [
        LoadProblem(
            5 + ALLOWED + 1,
            6 + len(str(ALLOWED)),
            f"aliases repeat more than {MAX_ALIAS_TEXT:,} characters of text (an alias bomb?)",
        )
    ]


def test_up_to_the_budget_the_aliases_are_shared_not_copied():
    loaded = load_bytes(laughs(ALLOWED))
    assert loaded.problems == []
    data = loaded.documents[0].root["data"]
    assert len(data) == ALLOWED + 1 and data[f"k{ALLOWED - 1}"] is data["big"]


def test_an_anchored_collection_counts_the_text_inside_it():
    loaded = load_bytes(laughs(ALLOWED + 1, anchor_in_list=True))
    assert [p.line for p in loaded.problems] == [5 + ALLOWED + 1]
    assert "characters of text" in loaded.problems[0].message


def test_the_budget_is_per_file_not_per_document():
    half = laughs(ALLOWED // 2 + 1)
    data = half + b"---\n" + half
    loaded = load_bytes(data)
    assert [d.index for d in loaded.documents] == [0]  # the first is kept, the rest of the file is not read
    assert len(loaded.problems) == 1 and "characters of text" in loaded.problems[0].message
    assert loaded.problems[0].line == half.count(b"\n") + 1 + 5 + (ALLOWED - ALLOWED // 2)


def test_nested_anchors_count_what_they_expand_to():
    lines = [b"a0: &a0 " + b"y" * 10_000]
    lines += [b"a%d: &a%d [%s]" % (i, i, b", ".join([b"*a%d" % (i - 1)] * 10)) for i in range(1, 5)]
    loaded = load_bytes(b"\n".join(lines) + b"\n")  # 11,110 nodes, 111,100,000 characters repeated
    assert [p.line for p in loaded.problems] == [5]
    assert "characters of text" in loaded.problems[0].message


def test_the_ruamel_path_keeps_the_same_budget():
    items = list(parse_documents(laughs(ALLOWED + 1)))
    assert items[-1] == LoadProblem(
        5 + ALLOWED + 1,
        6 + len(str(ALLOWED)),
        f"aliases repeat more than {MAX_ALIAS_TEXT:,} characters of text (an alias bomb?)",
    )
