"""JSON documents with one long list written an item at a time (SARIF results, GitLab issues).

The output is byte for byte what `json.dump(document, indent=2, ensure_ascii=False)` writes, but
the list is never built: its items come from the Findings spool as the stream is written.
"""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring
from typing import TextIO

COLLECT_EVERY = 500
"""json's indenting encoder is pure Python and leaves a reference cycle per call; the CLI runs with
the cyclic collector off (mclint.cli), so a young-generation pass every few hundred of its calls
keeps that garbage from growing with the report (`indented` leaves none)."""

ITEMS = "\x1fmclint-streamed-items\x1f"
"""Stands in the document for the list written item by item."""


def dump(document: object, items: Iterable[object], stream: TextIO, indent: int = 2) -> None:
    """json.dump(document, indent=indent) where the ITEMS value is the list `items`."""
    step = " " * indent
    text = indented(document, step)
    marker = json.dumps(ITEMS, ensure_ascii=False)
    head, _, tail = text.partition(marker)
    line = head[head.rfind("\n") + 1 :]
    outer = " " * (len(line) - len(line.lstrip(" ")))
    inner = outer + step
    stream.write(head + "[")
    separator = "\n"
    for item in items:
        stream.write(separator + inner + indented(item, step, inner))
        separator = ",\n"
    stream.write(("]" if separator == "\n" else "\n" + outer + "]") + tail)


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
