"""Manifest text as records show it: a long value is cut, so no report carries a megabyte value, or
ten thousand copies of one that YAML aliases repeat."""

from __future__ import annotations

MAX_SHOWN = 256
"""Characters of a value, key or name a message or record keeps: more than any Kubernetes name
(253), ARN or image reference needs."""
MAX_FIELD = 512
"""Characters of a field path (it can hold two keys of MAX_SHOWN)."""


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """`text`, or its first `limit` characters and how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"
