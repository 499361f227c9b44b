"""Plain output shows what rich shows for the same markup, whatever the manifest text in it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.errors import MarkupError
from rich.text import Text

from mclint.report.escape import markup, strip_markup, visible

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
        assert strip_markup(line) == Text.from_markup(line, emoji=False).plain


@pytest.mark.parametrize("text", _texts(400, 11, PIECES + BACKSLASHES))
def test_markup_reads_plain_as_rich_reads_it(text):
    """Tags and the backslashes before them one at a time from the left, and the backslash right
    before any other bracket dropped."""
    try:
        expected = Text.from_markup(text, emoji=False).plain
    except MarkupError:
        return  # rich refuses it; mclint's own lines never hold such markup
    assert strip_markup(text) == expected


LINES = [
    ("{}", "{}"),
    (
        "  [bold]1:2     [/][yellow]medium [/][magenta]aws-x-y[/]  {}  [dim]\\[aws/identity][/]",
        "  1:2     medium aws-x-y  {}  [aws/identity]",
    ),
    ("          {}  [dim]({})[/]", "          {}  ({})"),
    ("[dim]{}[/dim]{}[bold]x[/]", "{}{}x"),
    ("{}\\[not a tag", "{}[not a tag"),
]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab/@#[]\\ :", "\u00e9", "\n"]), max_size=12), st.sampled_from(LINES))
def test_manifest_text_is_shown_literally_on_a_terminal_and_in_plain_output(text, line):
    template, shown = line
    markup_line = template.format(*[markup(text)] * template.count("{}"))
    expected = shown.format(*[visible(text)] * shown.count("{}"))
    assert Text.from_markup(markup_line, emoji=False).plain == expected
    assert strip_markup(markup_line) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [("C:\\dir\\", "C:\\dir\\"), ("regex \\[0-9]", "regex \\[0-9]"), ("a\\[b]", "a\\[b]"), ("[bold]x", "[bold]x")],
)
def test_backslashes_and_brackets_keep_their_count(text, shown):
    line = f"  {markup(text)}  [dim](field)[/]"
    assert strip_markup(line) == f"  {shown}  (field)"
    assert Text.from_markup(line, emoji=False).plain == f"  {shown}  (field)"


def test_every_character_shown_as_an_escape_is_one_python_calls_unprintable():
    """visible() returns a printable text without searching it: that is safe only while this holds."""
    from mclint.report.escape import _INVISIBLE

    flagged = [chr(c) for c in range(0x110000) if _INVISIBLE.match(chr(c))]
    assert len(flagged) > 2000  # the surrogates alone are 2,048
    assert [c for c in flagged if c.isprintable()] == []
    assert visible("tab\there") == "tab\there"  # unprintable to Python, shown as it is
    assert visible("a\u202eb\nc") == "a\\u202eb\\nc"
