"""Inputs that make a backtracking regular expression slow, generated from the expression itself.

A pattern is slow on text that lets many of its parts claim the same characters and then fails:
long runs of a character one of its classes accepts, and literals it needs repeated but never
completed. `adversarial_texts` builds those for any pattern, `search_seconds` times the worst one
in CPU seconds (other processes on the machine do not count).
"""

from __future__ import annotations

import re
import time

try:  # Python 3.11 and later
    from re import _constants as _codes
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _codes  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

MEGABYTE = 1_000_000
ALWAYS = "aA0 .-/:_,=\t"
"""Characters every text may hold: letters, digits and the separators of hosts, paths and lists."""
STOP = "\x00"
"""No pattern accepts it: a run that ends in it must fail at its very end."""
_CATEGORY = {
    _codes.CATEGORY_DIGIT: "0",
    _codes.CATEGORY_NOT_DIGIT: "a",
    _codes.CATEGORY_SPACE: " ",
    _codes.CATEGORY_NOT_SPACE: "a",
    _codes.CATEGORY_WORD: "a",
    _codes.CATEGORY_NOT_WORD: ".",
}


def adversarial_texts(pattern: str | bytes, size: int = MEGABYTE, prefix: str = "") -> dict[str, str]:
    """Named texts of `size` characters (after `prefix`): a run of each character the pattern
    names, with and without a failing end, and each of its literals repeated without its last
    character, followed by a letter, or after one."""
    return {name: prefix + _build(unit, end, size) for name, (unit, end) in recipes(pattern).items()}


def recipes(pattern: str | bytes) -> dict[str, tuple[str, str]]:
    """The adversarial texts of a pattern as (repeated unit, end) pairs, built at any size by _build."""
    source = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    chars: set[str] = set(ALWAYS)
    literals: set[str] = set()
    _collect(list(_sre.parse(source)), chars, literals)
    found = {}
    for char in sorted(chars):
        found[f"run of {char!r}"] = (char, "")
        found[f"run of {char!r}, then a stop"] = (char, STOP)
    for literal in sorted(lit for lit in literals if len(lit) > 1):
        for name, unit in (("cut", literal[:-1]), ("then a letter", literal + "a"), ("after a letter", "a" + literal)):
            found[f"{literal!r} {name}, repeated"] = (unit, "")
    return found


def _build(unit: str, end: str, size: int) -> str:
    body = size - len(end)
    return (unit * (body // len(unit) + 1))[:body] + end


def _collect(items: list, chars: set[str], literals: set[str]) -> None:
    """The characters a parsed pattern names and its runs of literal text."""
    run: list[str] = []
    for op, arg in items:
        if op is _codes.LITERAL:
            chars.add(chr(arg))
            run.append(chr(arg))
            continue
        if run:
            literals.add("".join(run))
            run = []
        if op is _codes.IN:
            for kind, value in arg:
                if kind is _codes.LITERAL:
                    chars.add(chr(value))
                elif kind is _codes.RANGE:
                    chars.update((chr(value[0]), chr(value[1])))
                elif kind is _codes.CATEGORY:
                    chars.add(_CATEGORY.get(value, "a"))
        elif op is _codes.SUBPATTERN:
            _collect(list(arg[-1]), chars, literals)
        elif op is _codes.BRANCH:
            for branch in arg[1]:
                _collect(list(branch), chars, literals)
        elif op in (_codes.MAX_REPEAT, _codes.MIN_REPEAT, getattr(_codes, "POSSESSIVE_REPEAT", None)):
            _collect(list(arg[2]), chars, literals)
        elif op in (_codes.ASSERT, _codes.ASSERT_NOT):
            _collect(list(arg[1]), chars, literals)
    if run:
        literals.add("".join(run))


def search_seconds(search, texts: dict[str, str], encode: bool = False) -> tuple[float, str]:
    """The slowest of `search(text)` over `texts`, in CPU seconds, and that text's name."""
    worst = (0.0, "")
    for name, text in texts.items():
        subject = text.encode("latin-1", "replace") if encode else text
        worst = max(worst, (_seconds(search, subject), name))
    return worst


def slow_patterns(patterns: dict[str, str], limit: float = 1.0, size: int = MEGABYTE) -> dict[str, tuple]:
    """Each pattern (by name) that takes `limit` CPU seconds or more on one of its adversarial texts
    of `size` characters, with the time and the text's name.

    A pattern has hundreds of texts, and building each at a megabyte would cost more than searching
    them: every text is tried at the LADDER's sizes first, where a backtracking pattern already takes
    longer than a linear one would at `size` (a cubic one at a thousand characters, a quadratic one
    at fifty thousand), then the slowest few at `size`.
    """
    slow = {}
    for name, pattern in patterns.items():
        search = re.compile(pattern).search
        texts = recipes(pattern)
        chosen = list(texts)
        for rung in (*LADDER, size):
            timed = sorted(((_seconds(search, _build(*texts[text], rung)), text) for text in chosen), reverse=True)
            if timed[0][0] >= limit * max(rung / size, RUNG_SHARE):
                slow[name] = (round(timed[0][0], 3), rung, timed[0][1])
                break
            chosen = [text for _, text in timed[:WORST]] if rung == LADDER[-1] else chosen
    return slow


LADDER = (1_000, 50_000)
RUNG_SHARE = 0.05
"""A rung's limit is its share of the full size's, but never under this share of it (timer noise)."""
WORST = 4


def _seconds(search, text: str) -> float:
    started = time.process_time()
    search(text)
    return time.process_time() - started
