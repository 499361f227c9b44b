"""Deep comparison of two loads of the same bytes: documents, trees, every position, problems."""

from __future__ import annotations

from mclint.load.nodes import MapNode, SeqNode


def difference(old, new) -> str | None:
    """Where two LoadedFile-like results differ (None when identical, positions included)."""
    if [tuple(p) for p in old.problems] != [tuple(p) for p in new.problems]:
        return f"problems: {old.problems!r} != {new.problems!r}"
    if len(old.documents) != len(new.documents):
        return f"{len(old.documents)} documents != {len(new.documents)}"
    for a, b in zip(old.documents, new.documents, strict=True):
        if (a.index, a.line) != (b.index, b.line):
            return f"document {a.index}: index/line {(a.index, a.line)} != {(b.index, b.line)}"
        found = node_difference(a.root, b.root, f"doc{a.index}")
        if found:
            return found
    return None


def node_difference(old, new, path: str) -> str | None:
    """Values, node types, node line/column and every keys_at/values_at/items_at entry (in order);
    a node shared by aliases in one tree must be shared the same way in the other."""
    seen: dict[int, object] = {}
    stack = [(old, new, path)]
    while stack:
        a, b, path = stack.pop()
        if type(a) is not type(b):
            return f"{path}: type {type(a).__name__} != {type(b).__name__}"
        if type(a) not in (MapNode, SeqNode):
            if a != b:
                return f"{path}: {a!r} != {b!r}"
            continue
        if id(a) in seen:
            if seen[id(a)] is not b:
                return f"{path}: shared differently"
            continue
        seen[id(a)] = b
        if (a.line, a.column) != (b.line, b.column):
            return f"{path}: at {(a.line, a.column)} != {(b.line, b.column)}"
        if type(a) is MapNode:
            if list(a) != list(b):
                return f"{path}: keys {list(a)} != {list(b)}"
            if list(a.keys_at.items()) != list(b.keys_at.items()):
                return f"{path}: keys_at {a.keys_at} != {b.keys_at}"
            # The loader before PyYAML also recorded a merge value's position under its private
            # merge-key marker, which no lookup by key could reach: that entry is gone.
            if [(k, v) for k, v in a.values_at.items() if type(k) is str] != list(b.values_at.items()):
                return f"{path}: values_at {a.values_at} != {b.values_at}"
            stack.extend((a[key], b[key], f"{path}.{key}") for key in reversed(list(a)))
        else:
            if len(a) != len(b):
                return f"{path}: {len(a)} items != {len(b)}"
            if a.items_at != b.items_at:
                return f"{path}: items_at {a.items_at} != {b.items_at}"
            stack.extend((x, y, f"{path}[{i}]") for i, (x, y) in reversed(list(enumerate(zip(a, b, strict=True)))))
    return None
