"""The loader keeps 1-based positions for every key and value, and survives tricky YAML."""

from __future__ import annotations

from mclint.load import Document, LoadProblem, MapNode, load_bytes
from mclint.load.yamlstream import parse_documents


def only_document(text: bytes):
    loaded = load_bytes(text)
    assert loaded.problems == []
    assert len(loaded.documents) == 1
    return loaded.documents[0].root


def test_keys_and_values_keep_one_based_line_and_column():
    root = only_document(b"a: 1\nb:\n  c: [x, 'y']\n")
    assert root.keys_at["a"] == (1, 1)
    assert root.values_at["a"] == (1, 4)
    assert root["b"].keys_at["c"] == (3, 3)
    assert root["b"]["c"].items_at == [(3, 7), (3, 10)]


def test_scalars_stay_text_and_plain_null_becomes_none():
    root = only_document(b"t: true\nq: 'true'\nn: 012\ne:\nz: ~\ns: ''\n")
    assert root == {"t": "true", "q": "true", "n": "012", "e": None, "z": None, "s": ""}


def test_tags_never_construct_objects():
    root = only_document(b"a: !!python/object/apply:os.system ['touch /tmp/x']\nb: !!binary aGk=\n")
    assert root["a"] == ["touch /tmp/x"]
    assert root["b"] == "aGk="


def test_anchors_are_shared_and_merge_keys_do_not_override_explicit_keys():
    root = only_document(b"base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
    assert root["m"] == {"y": "3", "x": "1"}
    assert root["m"].keys_at["x"] == (1, 11)  # merged keys keep the anchor's position
    assert root["m"].keys_at["y"] == (4, 3)


def test_duplicate_keys_are_reported_with_both_lines_and_the_last_value_wins():
    loaded = load_bytes(b"kind: A\nkind: B\n")
    assert loaded.documents[0].root == {"kind": "B"}
    assert loaded.problems == [LoadProblem(2, 1, "duplicate key 'kind' (first at line 1); the last value wins")]


def test_crlf_and_bom_do_not_shift_positions():
    root = only_document(b"\xef\xbb\xbfa: 1\r\nb: two\r\n")
    assert root == {"a": "1", "b": "two"}
    assert root.keys_at["b"] == (2, 1)
    assert root.values_at["b"] == (2, 4)


def test_empty_and_comment_only_documents_have_no_root():
    loaded = load_bytes(b"# only a comment\n---\n---\na: 1\n")
    assert [d.root for d in loaded.documents] == [None, {"a": "1"}]
    assert loaded.problems == []


def test_syntax_error_keeps_earlier_documents_and_reports_line_and_column():
    loaded = load_bytes(b"a: 1\n---\nb: [1, 2\n")
    assert [d.root for d in loaded.documents] == [{"a": "1"}]
    (problem,) = loaded.problems
    assert problem.line == 4
    assert "flow sequence" in problem.message


def test_json_documents_have_positions():
    root = only_document(b'{\n  "kind": "ServiceAccount",\n  "metadata": {"name": "x"}\n}\n')
    assert root.keys_at["metadata"] == (3, 3)
    assert root["metadata"].values_at["name"] == (3, 24)


def test_invalid_utf8_is_reported_and_the_rest_is_still_read():
    loaded = load_bytes(b"a: 1\nb: caf\xe9\n")
    assert loaded.problems[0] == LoadProblem(2, 7, "byte 0xe9 is not valid UTF-8")
    assert loaded.documents[0].root == {"a": "1", "b": "caf\ufffd"}


def test_alias_bomb_is_refused_not_expanded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 9)]
    items = list(parse_documents("\n".join(lines).encode()))
    assert isinstance(items[-1], LoadProblem)
    assert "alias bomb" in items[-1].message


def test_deep_nesting_is_refused_without_recursion_error():
    items = list(parse_documents(b"[" * 5000 + b"]" * 5000))
    assert any(isinstance(i, LoadProblem) and "nesting deeper" in i.message for i in items)


def test_document_index_counts_every_document():
    items = [i for i in parse_documents(b"a: 1\n---\nb: 2\n") if isinstance(i, Document)]
    assert [(d.index, type(d.root)) for d in items] == [(0, MapNode), (1, MapNode)]
