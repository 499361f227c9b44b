"""How a value the walk found becomes Entries: the (key, value, path, positions) that rules match.

Each reader knows one Kubernetes shape (a mapping of labels, a toleration list, node-affinity terms,
an env list, ...) and is called with the mapping holding the value, its key there, and the path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from mclint.load import MapNode, Position, SeqNode, child
from mclint.model import Manifest
from mclint.rules.walk import ENV, IMAGE, MAPPING, PAIR, SECTIONS, VOLUMES, deleted


class Entry(NamedTuple):
    key: str | None
    value: object
    path: str
    key_at: Position
    value_at: Position


Reader = Callable[[MapNode, str, object, str], Iterator[Entry]]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def path_part(key: object) -> str:
    """`.name` for plain keys, `['a.b/c']` for keys a dot-path would misread."""
    part = _PARTS.get(key)
    if part is None:
        text = str(key)
        part = f".{text}" if _PLAIN_KEY.match(text) else f"['{text}']"
        if len(_PARTS) < MAX_REMEMBERED_PARTS:
            _PARTS[key] = part
    return part


MAX_REMEMBERED_PARTS = 4096
"""Keys repeat across objects (spec, containers, metadata...); the first few thousand are remembered."""
_PARTS: dict[object, str] = {}


def join_path(prefix: str, key: object) -> str:
    part = path_part(key)
    if not prefix:
        return part[1:] if part.startswith(".") else part
    return prefix.rstrip(".") + part


def key_path(trail: list, key: object) -> str:
    """join_path(trail_path(trail), key), remembered: the same few places (a container's image, a
    pod's annotations) repeat in every object, and a finding names its place."""
    place = (*trail, key)
    path = _KEY_PATHS.get(place)
    if path is None:
        path = join_path(trail_path(trail), key)
        if len(_KEY_PATHS) < MAX_REMEMBERED_PARTS:
            _KEY_PATHS[place] = path
    return path


_KEY_PATHS: dict[tuple, str] = {}


def trail_path(trail: list) -> str:
    """The report notation of a walk's trail of keys and list indices: spec.containers[0].image."""
    text = "".join(f"[{step}]" if step.__class__ is int else path_part(step) for step in trail)
    return text[1:] if text.startswith(".") else text


def mapping_entries(node: object, prefix: str) -> Iterator[Entry]:
    if type(node) is not MapNode or deleted(node):
        return
    for key, value in node.items():
        yield mapping_entry(node, key, value, prefix)


def mapping_entry(node: MapNode, key: object, value: object, prefix: str) -> Entry:
    """One key of a mapping read as a whole (labels, annotations, a selector)."""
    at = node.key_position(key)
    return Entry(key, value, join_path(prefix, key), at, node.values_at.get(key, at))


def items(node: object) -> Iterator[tuple[int, object, Position]]:
    if type(node) is SeqNode:
        for index, item in enumerate(node):
            if not deleted(item):
                yield index, item, node.item_position(index)


def key_entry(parent: MapNode, key: object, value: object, path: str) -> Entry:
    """A key and its value, as they are."""
    return Entry(key, value, path, parent.key_position(key), parent.value_position(key))


def _entry(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    yield key_entry(parent, key, value, path)


def _mapping(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    return mapping_entries(value, path)


def _list(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    for index, item, at in items(value):
        yield Entry(None, item, f"{path}[{index}]", at, at)


def _tolerations(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    for index, toleration, _ in items(value):
        if type(toleration) is MapNode and isinstance(toleration.get("key"), str):
            value_at = toleration.value_position("value" if "value" in toleration else "key")
            here = f"{path}[{index}].key"
            yield Entry(toleration["key"], toleration.get("value"), here, toleration.key_position("key"), value_at)


def _expressions(parent: MapNode | None, key: str, value: object, path: str) -> Iterator[Entry]:
    """Selector requirements ({key, operator, values}), as in node affinity and Karpenter NodePools."""
    for index, expression, _ in items(value):
        yield from _expression(expression, f"{path}[{index}]")


AVOIDING = frozenset(("NotIn", "DoesNotExist"))
"""Operators that keep a pod away from nodes: on another cloud the term holds vacuously, so it binds nothing."""


def _expression(expression: object, path: str) -> Iterator[Entry]:
    if type(expression) is not MapNode or not isinstance(expression.get("key"), str):
        return
    if expression.get("operator") in AVOIDING:
        return
    key, key_at = expression["key"], expression.key_position("key")
    values = expression.get("values")
    if type(values) is not SeqNode or not values:
        yield Entry(key, None, path + ".key", key_at, key_at)
        return
    for index, item, at in items(values):
        yield Entry(key, item, f"{path}.values[{index}]", key_at, at)


def _topology(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    for index, constraint, _ in items(value):
        if type(constraint) is MapNode and "topologyKey" in constraint:
            at = constraint.value_position("topologyKey")
            topology_key = constraint["topologyKey"]
            yield Entry(topology_key, topology_key, f"{path}[{index}].topologyKey", at, at)


def _volumes(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    """Each volume's source: the key is the source type (csi, awsElasticBlockStore, ...)."""
    for index, volume, _ in items(value):
        if type(volume) is MapNode and "name" in volume:
            for entry in mapping_entries(volume, f"{path}[{index}]"):
                if entry.key != "name":
                    yield entry


def _image(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    """A container's image (the key is the container's name), or a Helm values image block
    ({registry, repository, tag}) read as the reference it stands for."""
    name = parent.get("name")
    name = name if isinstance(name, str) else None
    if isinstance(value, str):
        at = parent.value_position(key)
        yield Entry(name, value, path, at, at)
        return
    if type(value) is not MapNode or not isinstance(value.get("repository"), str):
        return
    registry = value.get("registry")
    if isinstance(registry, str) and registry:
        at = value.value_position("registry")
        yield Entry(name, f"{registry}/{value['repository']}", path + ".registry", at, at)
    else:
        at = value.value_position("repository")
        yield Entry(name, value["repository"], path + ".repository", at, at)


def _env(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    for index, variable, _ in items(value):
        if type(variable) is MapNode and "name" in variable:
            has_value = "value" in variable
            yield Entry(
                variable["name"],
                variable.get("value"),
                f"{path}[{index}]" + (".value" if has_value else ".name"),
                variable.key_position("name"),
                variable.value_position("value" if has_value else "name"),
            )


def _resources(parent: MapNode, key: str, value: object, path: str) -> Iterator[Entry]:
    for section in ("limits", "requests"):
        yield from mapping_entries(child(value, section), f"{path}.{section}")


READERS: dict[str, Reader] = {
    "entry": _entry,
    "mapping": _mapping,
    "list": _list,
    "tolerations": _tolerations,
    "expressions": _expressions,
    "topology": _topology,
    "volumes": _volumes,
    "image": _image,
    "env": _env,
    "resources": _resources,
}

SHAPES: dict[str, int] = {
    "entry": PAIR,
    "mapping": MAPPING,
    "resources": SECTIONS,
    "volumes": VOLUMES,
    "env": ENV,
    "image": IMAGE,
}
"""How the walk lists the (key, value) pairs each of these readers gives, to pass over a key whose
every pair the rules found nothing at (mclint.rules.walk.quiet_key). A reader changed here must
still give its shape's pairs: tests/rules/test_walk.py compares them on every fixture. The readers
not named (lists, tolerations, expressions) are always handed their keys."""


# --- read from the object itself, not found by the walk ---------------------------------------


def _api_version(m: Manifest) -> Iterator[Entry]:
    at = m.body.value_position("apiVersion")
    yield Entry("apiVersion", m.api_version, "apiVersion", m.body.key_position("apiVersion"), at)


def _api_group(m: Manifest) -> Iterator[Entry]:
    at = m.body.value_position("apiVersion")
    yield Entry("apiVersion", m.group, "apiVersion", m.body.key_position("apiVersion"), at)


OBJECT_READERS: dict[str, Callable[[Manifest], Iterator[Entry]]] = {
    "apiVersion": _api_version,
    "api.group": _api_group,
}


JSONPATH_MAX_NODES = 20_000
"""A JSONPath is not evaluated on an object larger than this once YAML aliases are expanded:
jsonpath-ng spends microseconds per node it visits, and a few hundred bytes of aliases can stand for
a million nodes. Twenty times the largest object of the reference corpus (1,047 nodes)."""


def jsonpath_reader(expression: str) -> Callable[[Manifest], Iterator[Entry]]:
    """A reader for a JSONPath expression, compiled once on first use (jsonpath-ng loads lazily).
    It reads nothing of an object over JSONPATH_MAX_NODES nodes (the scan warns about it)."""
    compiled = None

    def reader(m: Manifest) -> Iterator[Entry]:
        nonlocal compiled
        if over_jsonpath_budget(m.body):
            return
        if compiled is None:
            from jsonpath_ng.ext import parse

            compiled = parse(expression)
        for match in compiled.find(m.body):
            yield _entry_from_match(match)

    reader.jsonpath = expression  # type: ignore[attr-defined]
    return reader


def over_jsonpath_budget(node: object, limit: int = JSONPATH_MAX_NODES) -> bool:
    """Whether `node` holds more than `limit` nodes, counting a node once per place an alias puts it
    (as a JSONPath walks it); stops counting there, so the answer costs at most `limit` steps."""
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return True
        if type(item) is MapNode:
            stack.extend(item.values())
        elif type(item) is SeqNode:
            stack.extend(item)
    return False


def _entry_from_match(match) -> Entry:
    parent = match.context.value if match.context is not None else None
    path = _flat_path(match.full_path)
    step = match.path
    if type(parent) is MapNode and hasattr(step, "fields") and step.fields:
        key = step.fields[0]
        return Entry(key, match.value, path, parent.key_position(key), parent.value_position(key))
    index = _step_index(step)
    if type(parent) is SeqNode and index is not None:
        at = parent.item_position(index)
        return Entry(None, match.value, path, at, at)
    node = match.value
    at = (getattr(node, "line", 1), getattr(node, "column", 1))
    return Entry(None, match.value, path, at, at)


def _flat_path(path) -> str:
    """A match's concrete path (descendant and wildcard steps resolved) in mclint's field notation."""
    left, right = getattr(path, "left", None), getattr(path, "right", None)
    if left is not None and right is not None:
        return (_flat_path(left) + _flat_path(right)).lstrip(".")
    return _jsonpath_part(path)


def _jsonpath_part(step) -> str:
    if hasattr(step, "fields") and step.fields:
        return path_part(step.fields[0])
    index = _step_index(step)
    return "" if index is None else f"[{index}]"


def _step_index(step) -> int | None:
    """An Index step's position: `indices` in jsonpath-ng 1.6 and later, `index` before."""
    indices = getattr(step, "indices", None)
    if indices:
        return indices[0]
    index = getattr(step, "index", None)
    return index if isinstance(index, int) else None
