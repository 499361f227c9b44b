"""The one walk of an object: every mapping key and every string, visited once, in document order.

Rules never walk objects. The engine gives the walk a table of the keys some rule looks at (from
the rules' selectors) and a handler for strings; the walk hands each such key, and each string, to
them with the trail of keys and list indices that leads there. It is iterative, so nesting as deep
as the loader allows cannot exhaust the stack.

mclint/speedups/_cwalk.c is the same walk in C, where setup.py could build it: the loop over every key
and item is most of the walk's time, and the handlers, in Python, run only where they are wanted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

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

MAX_REMEMBERED_LENGTH = 256
"""Values longer than this (scripts, certificates) are matched afresh each time, never remembered
(mclint.rules.checker.Group.matched); a key with such a value is never passed over as quiet."""

KeyHandler = Callable[[tuple, MapNode, str, object, list], None]
StringHandler = Callable[[object, object, str, list], None]


def deleted(node: object) -> bool:
    """A strategic-merge patch's `$patch: delete`: the item or map is removed, so nothing in it binds."""
    return node.__class__ is MapNode and node.get("$patch") == "delete"


def chosen(hits: tuple, trail: list) -> tuple:
    """The handlers of a key's hits (by the nearest key above, for any other key: see
    mclint.rules.checker) that apply where `trail` leads."""
    by_near, handlers = hits
    if by_near:
        near = trail[-1] if trail else None
        handlers = by_near.get(near if near.__class__ is not int else nearest_key(trail), handlers)
    return handlers


def nearest_key(trail: list) -> str | None:
    for step in reversed(trail):
        if step.__class__ is str:
            return step
    return None


PAIR, MAPPING, SECTIONS, VOLUMES, ENV, IMAGE = range(6)
"""How a handler's reader turns a key and its value into the (key, value) pairs its rules match
(mclint.rules.entries): the key and value themselves; each key of the mapping (labels, annotations);
each key of `limits` and `requests`; each key of each named volume but its name; each variable's
name and value; the container's name and its image. quiet_key reads them to know whether the
rules remembered nothing for each."""


def quiet_key(hits: object, parent: MapNode, key: object, value: object, trail: list) -> bool:
    """Whether on_key is sure to find nothing at this key, so the walk passes over it. Only hits of
    the checker's shape say so: a pair (by nearest key, for any other) of handler tuples ending in
    their reader's shape (PAIR...) and the dict of answers their rules remembered for a (key, value)
    pair (None: not remembered), when each chosen handler remembered an empty answer for every pair
    its reader would give here. Most keys the shipped rules read are such: a `kind` or `namespace`,
    a pod's labels, resources and volumes, an image from a registry no rule names."""
    if hits.__class__ is not tuple or len(hits) != 2 or hits[0].__class__ is not dict:
        return False
    handlers = chosen(hits, trail)
    if handlers.__class__ is not tuple:
        return False
    for handler in handlers:
        remembered = handler[-1]
        if remembered.__class__ is not dict:
            return False
        for pair in _pairs(handler[-2], parent, key, value):
            if pair is None or remembered.get(pair) != ():
                return False
    return True


def _pairs(shape: object, parent: MapNode, key: object, value: object) -> Iterator[tuple | None]:
    """The (key, value) pairs a reader of `shape` gives rules here, as Group.matched remembers them;
    None for one that is never remembered (a long value), or a shape not known."""
    if shape == PAIR:
        yield _remembered_as(key, value)
    elif shape == MAPPING:
        yield from _mapping_pairs(value)
    elif shape == SECTIONS:
        if value.__class__ is MapNode:
            yield from _mapping_pairs(value.get("limits"))
            yield from _mapping_pairs(value.get("requests"))
    elif shape in (VOLUMES, ENV):
        for item in value if value.__class__ is SeqNode else ():
            if item.__class__ is MapNode and "name" in item and not deleted(item):
                if shape == VOLUMES:
                    yield from _mapping_pairs(item, but_name=True)
                else:
                    name = item["name"]
                    yield _remembered_as(name, item.get("value")) if name is None or name.__class__ is str else None
    elif shape == IMAGE:
        if value.__class__ is str:
            name = parent.get("name")
            yield _remembered_as(name if name.__class__ is str else None, value)
        elif value.__class__ is MapNode or isinstance(value, str):
            yield None
    else:
        yield None


def _mapping_pairs(node: object, but_name: bool = False) -> Iterator[tuple | None]:
    if node.__class__ is MapNode and not deleted(node):
        for key, value in node.items():
            if not (but_name and key == "name"):
                yield _remembered_as(key, value)


def _remembered_as(key: object, value: object) -> tuple | None:
    if value.__class__ is not str:
        return key, None
    return (key, value) if len(value) <= MAX_REMEMBERED_LENGTH else None


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
    """Visit `root`'s tree. `on_key(hits, parent, key, value, trail)` runs for each key in `keys`
    that is not quiet (quiet_key);
    `on_string(parent, key_or_index, text, trail)` for each string value (not keys), unless None,
    except those under SKIPPED_STRING_KEYS and one-line strings that `quiet` holds an empty list
    for (known to match nothing). `trail` holds the keys and indices from the object root to
    `root` and is restored on return."""
    if _cwalk is not None:
        _cwalk.walk(
            root, MapNode, SeqNode, keys, on_key, on_string, quiet, SKIPPED_KEYS, SKIPPED_STRING_KEYS, trail,
            MAX_WALKED_CONTAINERS, MAX_REMEMBERED_LENGTH,
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
                if hits is not None and not quiet_key(hits, parent, step, value, trail):
                    on_key(hits, parent, step, value, trail)
                if step in SKIPPED_KEYS:
                    continue
            kind = value.__class__
            if kind is MapNode or kind is SeqNode:
                entered += 1
                if entered > MAX_WALKED_CONTAINERS and _again(value, seen):
                    continue
            if kind is MapNode:
                if deleted(value):  # removed by a strategic-merge patch: binds nothing
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
