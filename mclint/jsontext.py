"""JSON text as `json.dumps(value, indent=..., ensure_ascii=False)` writes it, without json's pure-Python
indenting encoder (a generator per nested value): reports, plans and baselines of large trees spent
most of their writing time there.
"""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Callable
from json.encoder import encode_basestring

COLLECT_EVERY = 500
"""json's indenting encoder leaves a reference cycle per call; the CLI runs with the cyclic collector
off (mclint.process), so a young-generation pass every few hundred of the calls left to it keeps
that garbage from growing with the output (`indented` itself leaves none)."""


def indented(value: object, step: str = "  ", margin: str = "") -> str:
    """json.dumps(value, indent=len(step), ensure_ascii=False), each line after the first starting
    with `margin`.

    json's own indenting encoder is pure Python, a generator per nested value: a report of 14,000
    SARIF results spent most of its time there. Plain JSON values (dict with str keys, list,
    tuple, str, int, float, bool, None) are written here in one recursive pass, with json's C string
    escaper; anything else (an int or str subclass, a non-str key) is left to json, so the text is
    always json's.
    """
    parts: list[str] = []
    try:
        _write(value, "\n" + margin, step, parts.append)
    except _NotPlain:
        if next(_JSON_CALLS) % COLLECT_EVERY == 0:
            gc.collect(0)
        return json.dumps(value, indent=len(step), ensure_ascii=False).replace("\n", "\n" + margin)
    return "".join(parts)


class _NotPlain(Exception):
    """A value json writes in its own way (a subclass's repr, a converted key): json writes it all."""


def _write(value: object, newline: str, step: str, out: Callable[[str], None]) -> None:
    kind = value.__class__
    if kind is dict:
        if not value:
            out("{}")
            return
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            if key.__class__ is not str:
                raise _NotPlain
            head = separator + encode_basestring(key) + ": "
            if item.__class__ is str:  # most values: one piece, not three
                out(head + encode_basestring(item))
            else:
                out(head)
                _write(item, inner, step, out)
            separator = "," + inner
        out(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out("[]")
            return
        inner = newline + step
        separator = "[" + inner
        for item in value:
            out(separator)
            _write(item, inner, step, out)
            separator = "," + inner
        out(newline + "]")
    else:
        out(_scalar(value))


def _scalar(value: object) -> str:
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and value == value and value not in (_INFINITY, -_INFINITY):
        return float.__repr__(value)
    raise _NotPlain


_INFINITY = float("inf")
_JSON_CALLS = itertools.count(1)
"""Values left to json so far (see COLLECT_EVERY)."""
