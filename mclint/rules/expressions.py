"""The rules' regular expressions, compiled from mclint's cache of what `re` made of them before.

`re` compiles an expression in Python (its parser, then its code generator): the shipped rules'
expressions cost each process that lints with them 13-19 ms, a twentieth of a 300-file scan, paid
again by each worker. What `re` makes of an expression depends only on its text and the Python
build, so the compiled code is kept in the cache (mclint.cache, keyed by the Python build) and a
later process builds the pattern from it in microseconds, with the call `re` itself ends with
(`_sre.compile`). CPython checks such code before anything runs it (invalid code raises), and any
problem with a record is a miss: the expression is then compiled as `re.compile` would.

mclint.rules.literals reads `re`'s parser the same way; both fall back where it is not there.
"""

from __future__ import annotations

import re
import sys
from array import array

from mclint import __version__, cache

try:  # Python 3.11 and later
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

try:
    import _sre
except ImportError:  # pragma: no cover - not CPython
    _sre = None

CACHE_FILE = "expressions.json"
MAX_KEPT = 1024
"""Expressions the cache file holds; one more starts it afresh (rule files edited many times)."""
MAX_CODE_WORDS = 1 << 16
"""A larger compiled expression (a user's huge alternation) is compiled each time, never kept: the
shipped rules' largest is under 3,000 words."""
FORMAT = 1
"""The shape of a record; part of the cache key."""

_known: dict[str, list] | None = None
"""Expression text → its record, read from the cache on the first call in this process."""
_misses = 0
"""Expressions this process compiled itself."""


def compiled(source: str) -> re.Pattern[str]:
    """`re.compile(source)`, from the cache when an earlier process compiled the same text; raises
    re.error as re.compile does."""
    global _known
    if _known is None:
        _known = _read()
    record = _known.get(source)
    if record is not None:
        pattern = _built(source, record)
        if pattern is not None:
            return pattern
    pattern, record = _compile(source)
    if record is not None:
        _keep(source, record)
    return pattern


def _key() -> str | None:
    """The Python build (its version string names the release, the build and the compiler) and the
    regular expression engine's own version; None where there is no engine to hand code to."""
    if _sre is None or sys.implementation.name != "cpython":
        return None
    return f"{__version__}|{FORMAT}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.maxunicode}"


def _read() -> dict[str, list]:
    key = _key()
    found = cache.read(key, CACHE_FILE, kind=dict) if key is not None else None
    return dict(found) if found is not None else {}


def _compile(source: str) -> tuple[re.Pattern[str], list | None]:
    """The pattern, made as re.compile makes it, and the record that makes it again (None where the
    engine's internals are not the ones this module knows: the pattern then comes from re.compile)."""
    try:
        parsed = _parser.parse(source, 0)
        code = _compiler._code(parsed, 0)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        record = [parsed.state.flags, array("I", code).tobytes().hex(), parsed.state.groups - 1, groupindex, indexgroup]
    except re.error:
        raise
    except Exception:  # another engine version: what re.compile says, error included
        return re.compile(source), None
    pattern = _built(source, record)
    return (pattern, record) if pattern is not None else (re.compile(source), None)


def _built(source: str, record: object) -> re.Pattern[str] | None:
    """The pattern a record describes; None when it is not a record this module writes, or the
    engine refuses its code."""
    if _sre is None or not (isinstance(record, list) and len(record) == 5):
        return None
    flags, code, groups, groupindex, indexgroup = record
    if not (type(flags) is int and isinstance(code, str) and type(groups) is int and isinstance(groupindex, dict)):
        return None
    if not isinstance(indexgroup, list):
        return None
    try:
        return _sre.compile(
            source, flags, array("I", bytes.fromhex(code)).tolist(), groups, groupindex, tuple(indexgroup)
        )
    except Exception:  # a damaged record: compiled afresh
        return None


def _keep(source: str, record: list) -> None:
    """Add a record to this process's table, and write the table to the cache file, merged with what
    the file holds now (workers compile at once, each writing what it found), on the 1st, 2nd, 4th,
    8th... miss: a cold cache costs a few writes, not one per expression. What a process leaves
    unwritten is a miss in the next, which writes it on its first misses."""
    global _misses
    key = _key()
    if key is None or _known is None or len(record[1]) > 8 * MAX_CODE_WORDS:  # eight hex digits a word
        return
    _known[source] = record
    _misses += 1
    if _misses & (_misses - 1):
        return
    held = cache.read(key, CACHE_FILE, kind=dict) or {}
    merged = {**held, **_known}
    cache.write(key, merged if len(merged) <= MAX_KEPT else {source: record}, CACHE_FILE)
