"""JSON documents with one long list written an item at a time (SARIF results, GitLab issues).

The output is byte for byte what `json.dump(document, indent=2, ensure_ascii=False)` writes, but
the list is never built: its items come from the Findings spool as the stream is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from mclint.jsontext import indented

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
