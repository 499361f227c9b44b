"""Colour terminal lines written without rich's print: the same bytes rich prints, for every line the
writer takes, and a decline for the ones it leaves to rich."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import render
from rich.style import Style

from mclint import api
from mclint.report import text
from mclint.report.ansi import LineWriter, parse
from mclint.report.console import RichConsole, escape
from mclint.result import Report
from mclint.score import score

TAGS = ["[bold]", "[/]", "[dim]", "[/dim]", "[bold red]", "[/bold red]", "[magenta]", "[green]", "[bold underline]"]
RAW = st.text(alphabet="[]\\/ab =@:#.\u00e9\u4e2d", max_size=12)
MANIFEST_TEXT = st.text(max_size=30)
"""Anything a manifest can hold, shown through escape() as the reporters show it."""
LINE = st.lists(st.one_of(st.sampled_from(TAGS), MANIFEST_TEXT.map(escape), RAW), max_size=8).map("".join)


def rich_parse(markup: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    try:
        made = render(markup, emoji=False)
    except MarkupError:
        return None
    return made.plain, [(span.start, span.end, str(span.style)) for span in made.spans]


@pytest.mark.parametrize(
    "markup",
    [
        "plain text",
        "[bold]a[/] b",
        "  [bold]12:9    [/][bold red]high   [/][magenta]aws-irsa[/]  SA app  [dim]\\[aws/identity][/]",
        "[bold]a [red]b[/red] c[/bold] d",
        "[bold]unclosed",
        "a\\[b",
        "\\\\[bold]two backslashes then a tag[/]",
        "\\\\\\[bold] an escaped tag after a backslash",
        "trailing backslash\\\\",
        "[link=https://example.com]link[/link]",
        "[RED]upper[/]",
    ],
)
def test_parse_reads_markup_as_rich_does(markup):
    assert parse(markup, Style.normalize) == rich_parse(markup)


@pytest.mark.parametrize("markup", ["[/]nothing open", "[bold]a[/red]", "[@click]meta[/]"])
def test_parse_declines_what_rich_refuses_or_makes_meta_styles_of(markup):
    assert parse(markup, Style.normalize) is None


@settings(max_examples=400, deadline=None)
@given(LINE)
def test_parse_matches_rich_on_report_lines(markup):
    mine = parse(markup, Style.normalize)
    if mine is not None:
        assert mine == rich_parse(markup)
    else:
        assert rich_parse(markup) is None or "[@" in markup


def terminal(system: str | None, width: int = 80, no_color: bool = False) -> tuple[RichConsole, io.StringIO]:
    """A RichConsole as on a colour terminal of `width` columns, writing into a buffer."""
    buffer = io.StringIO()
    shown = RichConsole(buffer, color=True, is_tty=True)
    shown.console = Console(
        file=buffer,
        force_terminal=True,
        color_system=system,
        no_color=no_color,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )
    shown.width = width
    shown.lines = LineWriter(shown.console)
    return shown, buffer


def by_rich(markup: str, hang: int | None, system: str, width: int) -> str:
    shown, buffer = terminal(system, width)
    shown.print_wrapped_by_rich(markup, hang)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(LINE, min_size=1, max_size=3).map("\n".join),
    st.sampled_from([None, 2, 10, 15]),
    st.sampled_from(["standard", "256", "truecolor"]),
    st.integers(min_value=8, max_value=120),
)
def test_written_lines_are_the_bytes_rich_prints(markup, hang, system, width):
    shown, _ = terminal(system, width)
    mine = shown.lines.render(markup, width, hang)
    if mine is not None:
        assert mine == by_rich(markup, hang, system, width)


@settings(max_examples=200, deadline=None)
@given(LINE, st.sampled_from(["standard", "256", "truecolor"]), st.booleans())
def test_a_whole_line_is_the_bytes_rich_prints(markup, system, on_terminal):
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system=system,
        highlight=False,
        emoji=False,
        width=80 if on_terminal else 200,
        soft_wrap=not on_terminal,
    )
    mine = LineWriter(console).render(markup, None, None)
    try:
        if on_terminal:  # RichConsole.print(wrap=False) on a terminal
            console.print(markup, overflow="ignore", no_wrap=True, crop=False)
        else:  # forced colour into a pipe
            console.print(markup, overflow="ignore", crop=False)
    except MarkupError:
        assert mine is None
        return
    if mine is not None:
        assert mine == buffer.getvalue()


@pytest.mark.parametrize(
    "markup",
    ["a\tb", "carriage\rreturn", "bell\x07", "[@click]meta[/]"],
)
def test_lines_rich_would_change_are_left_to_rich(markup):
    shown, _ = terminal("truecolor")
    assert shown.lines.render(markup, 80, None) is None


def test_a_console_without_colour_is_left_to_rich():
    shown, _ = terminal("truecolor", no_color=True)
    assert shown.lines.render("[bold]a[/]", 80, None) is None


def test_emoji_codes_in_manifest_text_stay_literal_on_a_terminal():
    line = f"  [bold]1:1[/] {escape('team :ship: and :smile:')}"
    shown, buffer = terminal("truecolor")
    shown.print(line)
    assert ":ship:" in buffer.getvalue() and ":smile:" in buffer.getvalue()
    assert by_rich(line, None, "truecolor", 80) == buffer.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_text_report_on_a_colour_terminal_is_what_rich_prints_line_by_line(ruleset, in_repo, monkeypatch):
    result = api.scan(["fixtures"], ruleset, api.ScanOptions())
    report = Report(result, score(result.objects, result.findings))
    monkeypatch.setenv("COLUMNS", "72")
    taken = []
    render = LineWriter.render

    def counted(self, markup, width, hang):
        written = render(self, markup, width, hang)
        taken.append(written is not None)
        return written

    monkeypatch.setattr(LineWriter, "render", counted)
    fast = _Terminal()
    text.write(report, fast, color=True)
    assert sum(taken) > 0.99 * len(taken) > 1000  # nearly every line, without rich's print
    monkeypatch.setattr(LineWriter, "render", lambda self, markup, width, hang: None)
    slow = _Terminal()
    text.write(report, slow, color=True)
    assert "\x1b[" in fast.getvalue() and len(fast.getvalue().splitlines()) > 1000
    assert fast.getvalue() == slow.getvalue()
