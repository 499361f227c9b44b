"""Terminal lines in colour, written as rich writes them but without its per-print machinery.

rich turns each printed line into Text, slices it, renders segments and runs its print pipeline:
a few hundred microseconds a line, so a report of 14,000 findings took 17 s on a terminal. The
report's lines are simple (a few style tags around escaped text), so this module reads the markup
as rich.markup does, wraps it between words (wrap_spans), and renders each styled run with rich's own
Style objects: the same bytes, a fraction of the work. Anything it does not handle the same way
(tabs, control characters, meta tags, a console without colour or on legacy Windows) it declines,
and the caller prints through rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from operator import itemgetter

from mclint.report.escape import RICH_TAG

_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
"""Characters rich's Text changes (control codes it strips, tabs it expands): such a line goes to rich."""


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


Span = tuple[int, int, str]
"""(start, end, style definition) in a line's plain text."""


def parse(markup: str, normalize: Callable[[str], str]) -> tuple[str, list[Span]] | None:
    """The plain text and spans rich.markup.render(markup, emoji=False) gives, or None where rich
    would raise (a closing tag that matches nothing) or make a meta style (`[@click]`)."""
    if "[" not in markup:
        return markup, []
    pieces: list[str] = []
    length = 0
    opened: list[tuple[int, str, str]] = []
    spans: list[Span] = []
    position = 0
    for match in RICH_TAG.finditer(markup):
        escapes, bracketed = match.groups()
        start, end = match.span()
        if start > position:
            piece = markup[position:start].replace("\\[", "[")
            pieces.append(piece)
            length += len(piece)
        position = end
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            if backslashes:
                pieces.append("\\" * backslashes)
                length += backslashes
            if escaped:
                pieces.append(bracketed)
                length += len(bracketed)
                continue
        name, equals, parameters = bracketed[1:-1].partition("=")
        if name.startswith("@"):
            return None
        if not name.startswith("/"):
            normal = normalize(name)
            opened.append((length, normal, normal if not equals else f"{normal} {parameters}"))
            continue
        closing = name[1:].strip()
        found = _closed(opened, normalize(closing) if closing else None)
        if found is None:
            return None
        spans.append((found[0], length, found[2]))
    if position < len(markup):
        piece = markup[position:].replace("\\[", "[")
        pieces.append(piece)
        length += len(piece)
    while opened:
        start, _, style = opened.pop()
        if style:
            spans.append((start, length, style))
    return "".join(pieces), sorted(reversed(spans), key=itemgetter(0))


def _closed(opened: list[tuple[int, str, str]], name: str | None) -> tuple[int, str, str] | None:
    """The open tag a closing tag ends: the last one, or the last of that name (as rich pops it)."""
    if name is None:
        return opened.pop() if opened else None
    for index in range(len(opened) - 1, -1, -1):
        if opened[index][1] == name:
            return opened.pop(index)
    return None


class LineWriter:
    """Lines of markup as a colour console prints them, wrapped between words at a width."""

    def __init__(self, console) -> None:
        from rich.console import COLOR_SYSTEMS
        from rich.style import Style

        self.console = console
        self.system = COLOR_SYSTEMS.get(console.color_system or "")
        self.available = self.system is not None and not console.no_color and not console.legacy_windows
        """Whether this writer renders as the console would; else every line is declined."""
        self._null = Style.null()
        self._normalize = Style.normalize
        self._styles: dict[str, object] = {}
        self._combined: dict[tuple, object] = {}

    def render(self, markup: str, width: int | None, hang: int | None) -> str | None:
        """What rich prints for each line of `markup` wrapped at `width` (later pieces indented by
        `hang`, or by the line's own indent plus two; None: not wrapped), or None when rich must
        print it."""
        if not self.available or _UNSAFE.search(markup):
            return None
        out: list[str] = []
        for line in markup.split("\n"):
            parsed = parse(line, self._normalize)
            if parsed is None:
                return None
            plain, spans = parsed
            indent = len(plain) - len(plain.lstrip(" ")) + 2 if hang is None else hang
            if width is not None:  # rich slices a line to wrap it, and slicing drops empty spans
                spans = [span for span in spans if span[1] > span[0]]
            self._wrapped(plain, self._segments(plain, spans), width, indent, out)
        return "".join(out)

    def _wrapped(self, plain: str, segments: list, width: int | None, indent: int, out: list[str]) -> None:
        system = self.system
        pieces = wrap_spans(plain, width, indent) if width is not None else ((0, len(plain)),)
        for number, (start, end) in enumerate(pieces):
            if number:
                out.append(" " * indent)
            for seg_start, seg_end, style in segments:
                if seg_end <= start or seg_start >= end:
                    continue
                text = plain[max(seg_start, start) : min(seg_end, end)]
                out.append(style.render(text, color_system=system) if style else text)
            out.append("\n")

    def _segments(self, plain: str, spans: list[Span]) -> list[tuple[int, int, object]]:
        """(start, end, combined style) runs, split where rich's Text.render splits them."""
        if not spans:
            return [(0, len(plain), None)]
        events = [(0, False, 0), *((s, False, i) for i, (s, _, _) in enumerate(spans, 1))]
        events += [*((e, True, i) for i, (_, e, _) in enumerate(spans, 1)), (len(plain), True, 0)]
        events.sort(key=itemgetter(0, 1))
        names = ("", *(style for _, _, style in spans))
        stack: list[int] = []
        found = []
        for (offset, leaving, index), (next_offset, _, _) in pairwise(events):
            if leaving:
                stack.remove(index)
            else:
                stack.append(index)
            if next_offset > offset:
                found.append((offset, next_offset, self._style(tuple(names[i] for i in sorted(stack)))))
        return found

    def _style(self, names: tuple[str, ...]):
        combined = self._combined.get(names)
        if combined is None:
            from rich.style import Style

            combined = self._combined[names] = Style.combine(self._parsed(name) for name in names)
        return combined

    def _parsed(self, name: str):
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.console.get_style(name, default=self._null) if name else self._null
        return style
