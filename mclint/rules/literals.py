"""The literal text every match of a regular expression must contain, to skip it cheaply.

A rule that looks for an endpoint in every string of an object (`field: strings`) would cost one
regular-expression search per string; almost no string can match, and each pattern names a literal
domain or scheme (`amazonaws.com`, `gs://`, `arn:aws`). A string, and before it the whole file, is
tried only when it holds one of those literals.

Parsing some fifty patterns with `re`'s parser and choosing the keys their literals share cost a
process tens of milliseconds, more than linting a small file: `string_index` keeps what it derives
in the rule cache (mclint.cache), keyed by the patterns themselves, this module's source and
the Python version, so a later process reads it instead.
"""

from __future__ import annotations

import functools
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from mclint import __version__, cache

try:  # Python 3.11 and later
    from re import _constants as _codes
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _codes  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

MIN_NEEDLE = 3
"""Shorter literals would pass nearly every string: such a pattern is tried on every string instead."""
GOOD_NEEDLE = 5
"""The leftmost literal this long wins over longer ones later in the pattern: patterns name the
specific part first (`dynamodb.` before the `.amazonaws.com` every AWS host shares)."""


class Needles(NamedTuple):
    texts: frozenset[str]
    folded: bool
    """True when the pattern ignores case: the texts are lower-cased, to be looked for in lower-cased text."""


@functools.lru_cache(maxsize=1024)
def required_literals(pattern: str) -> Needles | None:
    """Strings one of which every match of `pattern` contains; None when none is long enough."""
    try:
        parsed = _sre.parse(pattern)
    except Exception:  # an expression re cannot parse has no literals to offer
        return None
    folded = _ignores_case(parsed)
    found = _sequence(list(parsed), folded)
    if found is None or min(len(text) for text in found) < MIN_NEEDLE:
        return None
    return Needles(frozenset(found), folded)


def _ignores_case(parsed) -> bool:
    if parsed.state.flags & _codes.SRE_FLAG_IGNORECASE:
        return True
    return "(?i" in str(getattr(parsed.state, "str", "")) or _has_local_ignorecase(list(parsed))


def _has_local_ignorecase(items: list) -> bool:
    for op, arg in items:
        if op is _codes.SUBPATTERN:
            if arg[1] & _codes.SRE_FLAG_IGNORECASE or _has_local_ignorecase(list(arg[-1])):
                return True
        elif (op is _codes.BRANCH and any(_has_local_ignorecase(list(b)) for b in arg[1])) or (
            op in (_codes.MAX_REPEAT, _codes.MIN_REPEAT) and _has_local_ignorecase(list(arg[2]))
        ):
            return True
    return False


MAX_EXACT = 8
"""How many alternatives an exact run may grow to before a new run starts: each is one more search of a file."""


def _sequence(items: list, folded: bool) -> frozenset[str] | None:
    """The best literal set of a sequence: of its exact runs (literals, and groups of literal
    alternatives, spliced together) and its groups' own sets, the one whose shortest member is longest."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] | None = None
    for op, arg in items:
        if op is _codes.AT:  # an anchor consumes nothing: the run goes on
            continue
        exact = _exact(op, arg, folded)
        if exact is not None:
            grown = exact if run is None else frozenset(a + b for a in run for b in exact)
            if len(grown) <= MAX_EXACT:
                run = grown
                continue
            if run:
                candidates.append(run)
            run = None
            if len(exact) <= MAX_EXACT:
                run = exact
                continue
            # too many alternatives for a run: the group's own literal sets may still do (below)
        if run:
            candidates.append(run)
        run = None
        inner = _item(op, arg, folded)
        if inner is not None:
            candidates.append(inner)
    if run:
        candidates.append(run)
    candidates = [texts for texts in candidates if texts and all(texts)]
    for texts in candidates:
        if min(len(t) for t in texts) >= GOOD_NEEDLE:
            return texts
    if not candidates:
        return None
    return max(candidates, key=lambda texts: (min(len(t) for t in texts), -len(texts)))


def _exact(op, arg, folded: bool) -> frozenset[str] | None:
    """The texts an item matches when there are few and they are fixed (a literal, a group of literal branches)."""
    if op is _codes.LITERAL:
        return frozenset((chr(arg).lower() if folded else chr(arg),))
    if op is _codes.SUBPATTERN:
        return _exact_sequence(list(arg[-1]), folded)
    if op is _codes.BRANCH:
        branches = [_exact_sequence(list(branch), folded) for branch in arg[1]]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*branches)
    return None


def _exact_sequence(items: list, folded: bool) -> frozenset[str] | None:
    texts = frozenset(("",))
    for op, arg in items:
        if op is _codes.AT:
            continue
        exact = _exact(op, arg, folded)
        if exact is None:
            return None
        texts = frozenset(a + b for a in texts for b in exact)
        if len(texts) > MAX_EXACT:
            return None
    return texts


def _item(op, arg, folded: bool) -> frozenset[str] | None:
    if op is _codes.SUBPATTERN:
        return _sequence(list(arg[-1]), folded)
    if op is _codes.BRANCH:
        branches = [_sequence(list(branch), folded) for branch in arg[1]]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*branches)
    if op in (_codes.MAX_REPEAT, _codes.MIN_REPEAT, getattr(_codes, "POSSESSIVE_REPEAT", None)) and arg[0] >= 1:
        return _sequence(list(arg[2]), folded)
    return None


KEY_LENGTHS = range(6, 12)

INDEX_FILE = "string-index.json"
INDEX_ENTRIES = 8
"""Indexes kept: one per set of string rules in use (a configuration that selects rules has its own)."""


class StringIndex(NamedTuple):
    """What the rules over every string need from their patterns, derived once and cached."""

    literals: tuple[Needles | None, ...]
    """Each pattern's required literals (None: the rule is tried on every string)."""
    needles: tuple[tuple[str, bool], ...]
    """Every distinct (literal, folded) of the patterns, sorted."""
    keys: tuple[tuple[str, bool, tuple[int, ...]], ...]
    """A few substrings that between them occur in every needle, each with the needles holding it."""


def string_index(patterns: tuple[str | None, ...]) -> StringIndex:
    """The index of these patterns (None for a rule without one): read from the cache, else derived and cached."""
    key = _index_key()
    entries = cache.read(key, INDEX_FILE) if key is not None else None
    entries = entries if entries is not None else []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("patterns") == list(patterns):
            index = _cached_index(entry, len(patterns))
            if index is not None:
                return index
            break
    literals = tuple(required_literals(p) if p is not None else None for p in patterns)
    needles = tuple(sorted({(text, found.folded) for found in literals if found is not None for text in found.texts}))
    index = StringIndex(literals, needles, shared_keys(needles))
    if key is not None:
        record = {
            "patterns": list(patterns),
            "literals": [None if found is None else [sorted(found.texts), found.folded] for found in literals],
            "keys": [[text, folded, list(covered)] for text, folded, covered in index.keys],
        }
        others = [e for e in entries if not (isinstance(e, dict) and e.get("patterns") == record["patterns"])]
        cache.write(key, [record, *others][:INDEX_ENTRIES], INDEX_FILE)
    return index


def _index_key() -> str | None:
    """mclint's version, the Python version (its `re` parser reads the patterns) and this module's
    source: an edit to how literals are found makes every cached index a miss. None when the
    source cannot be read (nothing is cached then)."""
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    return f"{__version__}|{sys.version_info[0]}.{sys.version_info[1]}|{len(source)}:{zlib.crc32(source):08x}"


def _cached_index(entry: dict, count: int) -> StringIndex | None:
    """The index a cache entry holds, or None when any part of it is not of the shape `string_index`
    writes: a damaged entry is derived again, never trusted in part."""
    literals: list[Needles | None] = []
    raw = entry.get("literals")
    if not isinstance(raw, list) or len(raw) != count:
        return None
    for item in raw:
        if item is None:
            literals.append(None)
            continue
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list) and type(item[1]) is bool):
            return None
        texts, folded = item
        if not texts or not all(isinstance(t, str) and len(t) >= MIN_NEEDLE for t in texts):
            return None
        literals.append(Needles(frozenset(texts), folded))
    needles = tuple(sorted({(text, found.folded) for found in literals if found is not None for text in found.texts}))
    keys: list[tuple[str, bool, tuple[int, ...]]] = []
    covered_all: list[int] = []
    raw_keys = entry.get("keys")
    if not isinstance(raw_keys, list):
        return None
    for item in raw_keys:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and type(item[1]) is bool):
            return None
        text, folded, covered = item
        if not isinstance(covered, list) or not all(type(i) is int and 0 <= i < len(needles) for i in covered):
            return None
        if not all(needles[i][1] == folded and text in needles[i][0] for i in covered):
            return None
        keys.append((text, folded, tuple(covered)))
        covered_all.extend(covered)
    if sorted(covered_all) != list(range(len(needles))):
        return None
    return StringIndex(tuple(literals), needles, tuple(keys))


def shared_keys(needles: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, bool, tuple[int, ...]], ...]:
    """A few substrings that between them occur in every needle, each with the (ascending) indices
    of the needles holding it (greedy: the substring in the most needles not yet covered, the longer
    on a tie). Each needle's substrings are listed once and the counting is left to Counter."""
    parts = [
        frozenset(
            (part, folded)
            for part in ({literal[i : i + n] for n in KEY_LENGTHS for i in range(len(literal) - n + 1)} or {literal})
        )
        for literal, folded in needles
    ]
    left = list(range(len(needles)))
    keys = []
    while left:
        counts: Counter[tuple[str, bool]] = Counter()
        for index in left:
            counts.update(parts[index])
        most = max(counts.values())
        key, folded = max((part for part, count in counts.items() if count == most), key=lambda p: (len(p[0]), p[0]))
        covered = tuple(index for index in left if needles[index][1] == folded and key in needles[index][0])
        keys.append((key, folded, covered))
        left = [index for index in left if index not in covered]
    return tuple(keys)
