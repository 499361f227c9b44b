"""Where the text reports print: rich on a terminal (colour, tables), plain text otherwise.

Reporters write rich markup and build a TextTable; a PlainConsole strips the markup and lays the
table out itself, so piped output (pre-commit, CI logs) never imports rich: it costs a tenth of a
second of start-up that a hook run on every commit should not pay.
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import TextIO

from mclint.report.escape import markup, strip_markup


def escape(text: str) -> str:
    """Manifest or config text shown literally inside rich markup (see mclint.report.escape)."""
    return markup(text)


class TextTable:
    """A table described once, drawn by whichever console prints it."""

    def __init__(self, title: str, columns: list[tuple[str, str]]) -> None:
        self.title = title
        self.columns = columns
        """(header, "left" or "right")"""
        self.rows: list[tuple[list[str], str | None]] = []

    def add_row(self, *cells: str, style: str | None = None) -> None:
        self.rows.append((list(cells), style))


def wrap_spans(plain: str, width: int, hang: int) -> list[tuple[int, int]]:
    """Where to cut `plain` into lines of at most `width` columns, the lines after the first
    indented by `hang`: (start, end) of each line's text. Cuts fall between words only; a word
    longer than a line stands alone on its line, whole, so paths and ARNs stay copyable."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    if not words:
        return [(0, len(plain))]
    spans: list[tuple[int, int]] = []
    start, end = 0, words[0][1]
    for word_start, word_end in words[1:]:
        indent = hang if spans else 0
        if indent + word_end - start <= width:
            end = word_end
        else:
            spans.append((start, end))
            start, end = word_start, word_end
    spans.append((start, end))
    return spans


_WORD = re.compile(r"\S+")


class PlainConsole:
    """Piped output: no colour and no wrapping, one logical line per line (grep, CI logs)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def print(self, item: object = "", hang: int | None = None, wrap: bool = True) -> None:
        if isinstance(item, TextTable):
            self.stream.write(_plain_table(item))
        else:
            self.stream.write(strip_markup(str(item)) + "\n")


def _plain_table(table: TextTable) -> str:
    header = [name for name, _ in table.columns]
    rows = [[strip_markup(cell) for cell in cells] for cells, _ in table.rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [table.title]
    for row in [header, *rows]:
        cells = [
            cell.rjust(width) if justify == "right" else cell.ljust(width)
            for cell, width, (_, justify) in zip(row, widths, table.columns, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


class RichConsole:
    """A terminal (or forced colour): rich styles; on a terminal, lines wrap at its width between words."""

    def __init__(self, stream: TextIO, color: bool, is_tty: bool) -> None:
        from rich.console import Console

        self.is_tty = is_tty
        self.console = Console(
            file=stream,
            force_terminal=color,
            no_color=not color,
            color_system=("auto" if is_tty else "standard") if color else None,
            highlight=False,
            emoji=False,
            width=None if is_tty else 200,
            soft_wrap=not is_tty,
        )

    def print(self, item: object = "", hang: int | None = None, wrap: bool = True) -> None:
        """A markup line is wrapped at the terminal's width, later lines indented by `hang` columns
        (default: the line's own indent plus two); wrap=False keeps it whole (concise output)."""
        if isinstance(item, str) and self.is_tty:
            if wrap:
                self._print_wrapped(item, hang)
            else:
                self.console.print(item, overflow="ignore", no_wrap=True, crop=False)
            return
        if isinstance(item, TextTable):
            from rich.table import Table

            table = Table(title=item.title, title_justify="left", box=None, pad_edge=False)
            for name, justify in item.columns:
                table.add_column(name, justify=justify)
            for cells, style in item.rows:
                table.add_row(*cells, style=style)
            self.console.print(table)
        else:
            self.console.print(item, overflow="ignore", crop=False)

    def _print_wrapped(self, markup: str, hang: int | None) -> None:
        from rich.text import Text

        for line in markup.split("\n"):
            text = Text.from_markup(line)
            indent = len(text.plain) - len(text.plain.lstrip(" ")) + 2 if hang is None else hang
            for number, (start, end) in enumerate(wrap_spans(text.plain, self.console.width, indent)):
                piece = text[start:end]
                if number:
                    piece = Text(" " * indent) + piece
                self.console.print(piece, overflow="ignore", no_wrap=True, crop=False)


def wants_color(is_tty: bool, color: bool | None = None) -> bool:
    """--color/--no-color first, then NO_COLOR (https://no-color.org), then FORCE_COLOR, then
    whether the output is a terminal."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_tty


def make_console(stream: TextIO, color: bool | None = None) -> PlainConsole | RichConsole:
    """rich when colour is wanted (see wants_color) or the stream is a terminal; plain text otherwise."""
    is_tty = stream.isatty() if hasattr(stream, "isatty") else False
    use_color = wants_color(is_tty, color)
    if not use_color and not is_tty:
        return PlainConsole(stream)
    return RichConsole(stream, use_color, is_tty)


class ScanProgress:
    """A transient rich progress bar on stderr, only on a terminal and only for scans that take a moment."""

    DELAY = 0.5
    """Seconds a scan must already have taken before a bar appears."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self._bar = None
        self._task = None
        self._started = time.monotonic()

    def __enter__(self):
        if not self.enabled:
            return None
        return self._update

    def _update(self, done: int, total: int) -> None:
        if self._bar is None:
            if done >= total or time.monotonic() - self._started < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress(
                "scanning",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("scan", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
