"""JSON documents with one long list written an item at a time (SARIF results, GitLab issues).

The output is byte for byte what `json.dump(document, indent=2, ensure_ascii=False)` writes, but
the list is never built: its items come from the Findings spool as the stream is written.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable
from typing import TextIO

COLLECT_EVERY = 500
"""json's indenting encoder is pure Python and leaves a reference cycle per call; the CLI runs with
the cyclic collector off (mclint.cli), so a young-generation pass every few hundred items keeps
that garbage from growing with the report."""

ITEMS = "\x1fmclint-streamed-items\x1f"
"""Stands in the document for the list written item by item."""


def dump(document: object, items: Iterable[object], stream: TextIO, indent: int = 2) -> None:
    """json.dump(document, indent=indent) where the ITEMS value is the list `items`."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    marker = json.dumps(ITEMS, ensure_ascii=False)
    head, _, tail = text.partition(marker)
    line = head[head.rfind("\n") + 1 :]
    outer = " " * (len(line) - len(line.lstrip(" ")))
    inner = outer + " " * indent
    stream.write(head + "[")
    separator = "\n"
    for count, item in enumerate(items, start=1):
        if count % COLLECT_EVERY == 0:
            gc.collect(0)
        stream.write(
            separator + inner + json.dumps(item, indent=indent, ensure_ascii=False).replace("\n", "\n" + inner)
        )
        separator = ",\n"
    stream.write(("]" if separator == "\n" else "\n" + outer + "]") + tail)
