"""Where the text reports print: rich on a terminal (colour, tables), plain text otherwise.

Reporters write rich markup and build a TextTable; a PlainConsole strips the markup and lays the
table out itself, so piped output (pre-commit, CI logs) never imports rich: it costs a tenth of a
second of start-up that a hook run on every commit should not pay.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from mclint.report.ansi import LineWriter, wrap_spans
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
        self.width = self.console.width
        """Read once: rich asks the terminal on every call."""
        self.lines = LineWriter(self.console)
        """The wrapped lines of a terminal, written without a rich print each (mclint.report.ansi)."""

    def print(self, item: object = "", hang: int | None = None, wrap: bool = True) -> None:
        """A markup line is wrapped at the terminal's width, later lines indented by `hang` columns
        (default: the line's own indent plus two); wrap=False keeps it whole (concise output)."""
        if isinstance(item, str) and self.is_tty:
            if wrap:
                self._print_wrapped(item, hang)
            else:
                self._print_whole(item, no_wrap=True)
            return
        if isinstance(item, TextTable):
            from rich.table import Table

            table = Table(title=item.title, title_justify="left", box=None, pad_edge=False)
            for name, justify in item.columns:
                table.add_column(name, justify=justify)
            for cells, style in item.rows:
                table.add_row(*cells, style=style)
            self.console.print(table)
        elif isinstance(item, str):
            self._print_whole(item)
        else:
            self.console.print(item, overflow="ignore", crop=False)

    def _print_whole(self, markup: str, **options: bool) -> None:
        """One line as it is (a tag may span the lines of a longer text, so only a rich print reads that whole)."""
        rendered = self.lines.render(markup, None, None) if "\n" not in markup else None
        if rendered is None:
            self.console.print(markup, overflow="ignore", crop=False, **options)
        else:
            self.console.file.write(rendered)

    def _print_wrapped(self, markup: str, hang: int | None) -> None:
        rendered = self.lines.render(markup, self.width, hang)
        if rendered is None:
            self.print_wrapped_by_rich(markup, hang)
        else:
            self.console.file.write(rendered)

    def print_wrapped_by_rich(self, markup: str, hang: int | None) -> None:
        """What LineWriter declines, and its reference: a rich print per wrapped piece."""
        from rich.text import Text

        for line in markup.split("\n"):
            text = Text.from_markup(line, emoji=False)  # manifest text is shown literally, :codes: too
            plain = text.plain
            indent = len(plain) - len(plain.lstrip(" ")) + 2 if hang is None else hang
            for number, (start, end) in enumerate(wrap_spans(plain, self.width, indent)):
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
    """One transient rich display on stderr for the whole scan, only on a terminal and only for scans that
    take a moment: a line per phase (`building 37/223 kustomizations`, then `linting 2788/2788 files`),
    counted as the final summary counts them."""

    DELAY = 0.5
    """Seconds a scan must already have taken before the display appears."""

    PHASES = (("kustomizations", "building"), ("files", "linting"))

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self._bar = None
        self._tasks: dict[str, object] = {}
        self._started = time.monotonic()

    def __enter__(self):
        if not self.enabled:
            return None
        return self._update

    def _update(self, done: int, total: int, unit: str = "files") -> None:
        if self._bar is None:
            if (unit == "files" and done >= total) or time.monotonic() - self._started < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[unit]}"),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._bar.start()
        task = self._tasks.get(unit)
        if task is None:
            task = self._tasks[unit] = self._bar.add_task(dict(self.PHASES).get(unit, unit), total=total, unit=unit)
        self._bar.update(task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
