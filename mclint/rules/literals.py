"""The literal text every match of a regular expression must contain, to skip it cheaply.

A rule that looks for an endpoint in every string of an object (`field: strings`) would cost one
regular-expression search per string; almost no string can match, and each pattern names a literal
domain or scheme (`amazonaws.com`, `gs://`, `arn:aws`). A string, and before it the whole file, is
tried only when it holds one of those literals.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

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
