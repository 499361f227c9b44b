"""A file's text beside its YAML tree: what finds the exact line of a match inside a multi-line value.

Decoded and split only when asked: most files never need their lines after parsing.
"""

from __future__ import annotations

from collections.abc import Iterator

from mclint.load.nodes import Position


class FileText:
    """One file's bytes, with its lines and lower-cased text made on first use and then kept."""

    __slots__ = ("_lines", "_lower", "_text", "data", "memo")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._lines: list[str] | None = None
        self._lower: str | None = None
        self._text: str | None = None
        self.memo: dict[object, object] = {}
        """What later stages worked out from the text once per file (which literals it holds)."""

    @classmethod
    def of_text(cls, text: str) -> FileText:
        """A text already decoded (its bytes are then not kept: only the searches read it)."""
        made = cls(b"")
        made._text = text
        return made

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.data.decode("utf-8", errors="replace").splitlines()
        return self._lines

    def line(self, number: int) -> str:
        """Line `number` (1-based), or '' past the end."""
        lines = self.lines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def texts(self) -> tuple[str, str]:
        """The decoded text and its lower-cased form, for substring searches (case-sensitive or not)."""
        if self._lower is None:
            if self._text is None:
                self._text = self.data.decode("utf-8", errors="replace")
            self._lower = self._text.lower()
        return self._text, self._lower

    def block_lines(self, at: Position) -> Iterator[tuple[int, str]] | None:
        """The source lines of a block scalar (`|` or `>`) whose indicator is at `at`, as (number, text);
        None when the scalar at `at` is not a block scalar."""
        head = self.line(at[0])
        if head[at[1] - 1 : at[1]] not in ("|", ">"):
            return None
        return self._block_body(at[0])

    def _block_body(self, start: int) -> Iterator[tuple[int, str]]:
        """The lines after `start` as indented as the first non-blank one, or more (blank lines included)."""
        lines = self.lines()
        indent = None
        for number in range(start + 1, len(lines) + 1):
            text = lines[number - 1]
            if text.strip():
                if indent is None:
                    indent = _indent(text)
                    if indent == 0:
                        return
                elif _indent(text) < indent:
                    return
            yield number, text


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
