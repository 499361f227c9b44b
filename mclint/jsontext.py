"""JSON text as `json.dumps(value, indent=..., ensure_ascii=False)` writes it, without json's pure-Python
indenting encoder (a generator per nested value): reports, plans and baselines of large trees spent
most of their writing time there.

Values are converted as json converts them (subclasses of str, int, float, list, tuple and dict as
their base; NaN and the infinities as NaN, Infinity and -Infinity; int, float, bool and None keys as
strings), and anything json refuses raises the TypeError json raises, so the text is always json's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import TextIO

FLUSH_AT = 8192
"""Pieces `write` holds before it writes them out: a plan of a large tree is tens of megabytes."""


def indented(value: object, step: str = "  ", margin: str = "") -> str:
    """json.dumps(value, indent=len(step), ensure_ascii=False), each line after the first starting
    with `margin`."""
    parts: list[str] = []
    _write(value, "\n" + margin, step, parts, None)
    return "".join(parts)


def write(value: object, stream: TextIO, step: str = "  ") -> None:
    """json.dump(value, stream, indent=len(step), ensure_ascii=False), written a few thousand pieces
    at a time rather than held whole."""
    parts: list[str] = []

    def flush() -> None:
        stream.write("".join(parts))
        parts.clear()

    _write(value, "\n", step, parts, flush)
    flush()


def _write(value: object, newline: str, step: str, parts: list[str], flush: Callable[[], None] | None) -> None:
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            head = separator + encode_basestring(_key(key)) + ": "
            if item.__class__ is str:  # most values: one piece, not three
                parts.append(head + encode_basestring(item))
            else:
                parts.append(head)
                _write(item, inner, step, parts, flush)
            separator = "," + inner
            if flush is not None and len(parts) >= FLUSH_AT:
                flush()
        parts.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + step
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, inner, step, parts, flush)
            separator = "," + inner
            if flush is not None and len(parts) >= FLUSH_AT:
                flush()
        parts.append(newline + "]")
    else:
        parts.append(_scalar(value))


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _float(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"


def _key(key: object) -> str:
    """A dict key as json writes it."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True or key is False or key is None:
        return _scalar(key)
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
