"""Plain output shows what rich shows for the same markup, whatever the manifest text in it."""

from __future__ import annotations

import random
import re

import pytest
from rich.text import Text

from mclint.report.escape import markup, strip_markup

PIECES = ["a", "b/c", "[", "]", "[bold]", "[/]", "[#x]", "[@y]", "[/b]", "[A]", " ", "x[y]z"]
BACKSLASHES = ["\\", "\\\\", "\\[", "\\[b]", "\\\\[b]"]


def _texts(count: int, seed: int, pieces: list[str]) -> list[str]:
    chosen = random.Random(seed)
    return ["".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 8))) for _ in range(count)]


@pytest.mark.parametrize("text", ["", "plain", "[bold]x[/]", "a]b", *_texts(300, 7, PIECES)])
def test_a_findings_lines_print_plain_as_rich_prints_them(text):
    for line in (
        f"  [bold]1:2     [/][yellow]medium [/][magenta]aws-x-y[/]  {markup(text)}  [dim]\\[aws/identity][/]",
        f"          {markup(text)}  [dim]({markup(text)})[/]",
    ):
        assert strip_markup(line) == Text.from_markup(line).plain


def _tag_as_rich_reads_it(match: re.Match) -> str:
    backslashes, escaped = divmod(len(match.group(1)), 2)
    return "\\" * backslashes + (match.group(2) if escaped else "")


RICH_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?\])")


@pytest.mark.parametrize("text", _texts(400, 11, PIECES + BACKSLASHES))
def test_tags_and_the_backslashes_before_them_are_read_one_at_a_time_from_the_left(text):
    assert strip_markup(text) == RICH_TAG.sub(_tag_as_rich_reads_it, text)
