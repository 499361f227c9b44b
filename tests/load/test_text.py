"""A block scalar's source lines: what puts a match inside a script on its real line."""

from __future__ import annotations

from mclint.load.text import FileText

TEXT = b"""data:
  run.sh: |
    echo one

      indented more
    echo two
  next: value
list:
  - |
    item line
"""


def test_a_literal_block_runs_to_the_first_line_indented_less_than_its_first_line():
    text = FileText(TEXT)
    assert [number for number, _ in text.block_lines((2, 11))] == [3, 4, 5, 6]


def test_a_block_in_a_sequence_item_is_bounded_the_same_way():
    assert [line.strip() for _, line in FileText(TEXT).block_lines((9, 5))] == ["item line"]


def test_a_plain_scalar_is_not_a_block():
    assert FileText(TEXT).block_lines((7, 9)) is None


def test_texts_are_the_text_as_written_and_lower_cased():
    plain, lowered = FileText(b"Host: DB.Example.COM \xff\n").texts()
    assert "DB.Example" in plain and "db.example" not in plain
    assert lowered == "host: db.example.com \ufffd\n"
