"""Which of a fixed set of short literals a file's text holds: the first question the string rules ask
of every file (mclint.rules.checker.Strings), once per file.

Asked as one substring search per literal, it read each file 51 times for the shipped rules, about
a tenth of a raw scan's time. mclint/speedups/_cliterals.c answers in one pass where setup.py could
build it, for texts of one-byte characters; `Present.in_python` is its twin and answers the rest.
"""

from __future__ import annotations

try:
    import mclint.speedups._cliterals as _cliterals
except ImportError:
    _cliterals = None

TABLE_SIZE = 65536
MAX_BUCKETS = 255
"""A table names its buckets in one byte."""


class Present:
    """The literals, each (text, folded): a folded one is looked for in the lower-cased text."""

    def __init__(self, literals: tuple[tuple[str, bool], ...]) -> None:
        self.literals = literals
        self._table = _table(literals) if _cliterals is not None else None

    def __call__(self, plain: str, lowered: str) -> list[int]:
        """The indices of the literals the text holds, in order."""
        if self._table is not None and _cliterals is not None:
            found = _cliterals.present(*self._table, plain, lowered)
            if found is not None:
                return found
        return self.in_python(plain, lowered)

    def in_python(self, plain: str, lowered: str) -> list[int]:
        return [i for i, (text, folded) in enumerate(self.literals) if text in (lowered if folded else plain)]


def _table(literals: tuple[tuple[str, bool], ...]) -> tuple | None:
    """(plain table, folded table, buckets, count) for the C search: each table maps a literal's first
    two characters to a bucket of (index, literal bytes) pairs. None when a literal is shorter than two
    characters or not ASCII, or there are more buckets than a byte can name: the Python twin answers."""
    if any(len(text) < 2 or not text.isascii() for text, _ in literals):
        return None
    buckets: dict[tuple[bool, str], list] = {}
    for index, (text, folded) in enumerate(literals):
        buckets.setdefault((folded, text[:2]), []).extend((index, text.encode("ascii")))
    if len(buckets) > MAX_BUCKETS:
        return None
    tables = {False: bytearray(TABLE_SIZE), True: bytearray(TABLE_SIZE)}
    for number, (folded, start) in enumerate(buckets, start=1):
        tables[folded][ord(start[0]) << 8 | ord(start[1])] = number
    return bytes(tables[False]), bytes(tables[True]), tuple(tuple(b) for b in buckets.values()), len(literals)
