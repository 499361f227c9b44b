"""The one walk of an object: every mapping key and every string, visited once, in document order.

Rules never walk objects. The engine gives the walk a table of the keys some rule looks at (from
the rules' selectors) and a handler for strings; the walk hands each such key, and each string, to
them with the trail of keys and list indices that leads there. It is iterative, so nesting as deep
as the loader allows cannot exhaust the stack.

mclint/speedups/_cwalk.c is the same walk in C, where setup.py could build it: the loop over every key
and item is most of the walk's time, and the handlers, in Python, run only where they are wanted.
"""

from __future__ import annotations

from collections.abc import Callable

from mclint.load import MapNode, SeqNode

SKIPPED_KEYS = frozenset(("managedFields",))
"""Server-side bookkeeping that kubectl exports; it holds field names, never configuration."""

SKIPPED_STRING_KEYS = frozenset(("description", "kubectl.kubernetes.io/last-applied-configuration"))
"""Strings that describe or copy configuration rather than being it: never handed to on_string."""

MAX_WALKED_CONTAINERS = 2_000
"""Mappings and lists one walk enters before it stops entering one that YAML aliases already led it
to: several times the largest object of the reference corpus, while a few kilobytes of nested aliases
stand for a million nodes. Past it, each aliased node is read once more at most (its findings sit
on the same lines however often it is repeated)."""

KeyHandler = Callable[[tuple, MapNode, str, object, list], None]
StringHandler = Callable[[object, object, str, list], None]


try:
    import mclint.speedups._cwalk as _cwalk
except ImportError:
    _cwalk = None


def walk(
    root: MapNode,
    trail: list,
    keys: dict[str, tuple],
    on_key: KeyHandler,
    on_string: StringHandler | None,
    quiet: dict[str, list] | None = None,
) -> None:
    """Visit `root`'s tree. `on_key(hits, parent, key, value, trail)` runs for each key in `keys`;
    `on_string(parent, key_or_index, text, trail)` for each string value (not keys), unless None,
    except those under SKIPPED_STRING_KEYS and one-line strings that `quiet` holds an empty list
    for (known to match nothing). `trail` holds the keys and indices from the object root to
    `root` and is restored on return."""
    if _cwalk is not None:
        _cwalk.walk(
            root, MapNode, SeqNode, keys, on_key, on_string, quiet, SKIPPED_KEYS, SKIPPED_STRING_KEYS, trail,
            MAX_WALKED_CONTAINERS,
        )  # fmt: skip
    else:
        walk_in_python(root, trail, keys, on_key, on_string, quiet)


def walk_in_python(
    root: MapNode,
    trail: list,
    keys: dict[str, tuple],
    on_key: KeyHandler,
    on_string: StringHandler | None,
    quiet: dict[str, list] | None = None,
) -> None:
    """walk(), where the C walk was not built."""
    known = {}.get if quiet is None else quiet.get
    base = len(trail)
    lookup = keys.get
    stack: list[tuple] = [(iter(root.items()), root, True)]
    entered = 0
    seen: set[int] = set()
    while stack:
        steps, parent, is_map = stack[-1]
        for step, value in steps:
            if is_map:
                hits = lookup(step)
                if hits is not None:
                    on_key(hits, parent, step, value, trail)
                if step in SKIPPED_KEYS:
                    continue
            kind = value.__class__
            if kind is MapNode or kind is SeqNode:
                entered += 1
                if entered > MAX_WALKED_CONTAINERS and _again(value, seen):
                    continue
            if kind is MapNode:
                if value.get("$patch") == "delete":  # removed by a strategic-merge patch: binds nothing
                    continue
                trail.append(step)
                stack.append((iter(value.items()), value, True))
                break
            if kind is SeqNode:
                trail.append(step)
                stack.append((enumerate(value), value, False))
                break
            if (
                kind is str
                and on_string is not None
                and step not in SKIPPED_STRING_KEYS
                and (known(value) != [] or "\n" in value)
            ):
                on_string(parent, step, value, trail)
        else:
            stack.pop()
            if len(trail) > base:
                trail.pop()


def _again(node: object, seen: set[int]) -> bool:
    """Whether `node` was entered before (past the budget, where entries are recorded)."""
    if id(node) in seen:
        return True
    seen.add(id(node))
    return False
