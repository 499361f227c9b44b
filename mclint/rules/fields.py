"""Where rules look: named fields that know Kubernetes shape, dotted paths, and JSONPath.

Each field yields Entries: a key (or None), a value, the field's path for the report, and the
positions of key and value. Rules match entries; they never walk objects themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from mclint.load import MapNode, Position, SeqNode, child
from mclint.model import Manifest, PodTemplate


class Entry(NamedTuple):
    key: str | None
    value: object
    path: str
    key_at: Position
    value_at: Position


FieldReader = Callable[[Manifest], Iterator[Entry]]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def path_part(key: object) -> str:
    """`.name` for plain keys, `['a.b/c']` for keys a dot-path would misread."""
    text = str(key)
    return f".{text}" if _PLAIN_KEY.match(text) else f"['{text}']"


def join_path(prefix: str, key: object) -> str:
    part = path_part(key)
    if not prefix:
        return part[1:] if part.startswith(".") else part
    return prefix.rstrip(".") + part


def mapping_entries(node: object, prefix: str) -> Iterator[Entry]:
    if type(node) is not MapNode:
        return
    keys_at, values_at = node.keys_at, node.values_at
    for key, value in node.items():
        kpos = keys_at.get(key, (node.line, node.column))
        yield Entry(key, value, join_path(prefix, key), kpos, values_at.get(key, kpos))


def _items(node: object) -> Iterator[tuple[int, object, Position]]:
    if type(node) is SeqNode:
        for index, item in enumerate(node):
            yield index, item, node.item_position(index)


# --- object metadata -------------------------------------------------------------------------


def _annotations(m: Manifest) -> Iterator[Entry]:
    return mapping_entries(child(m.body, "metadata", "annotations"), "metadata.annotations")


def _labels(m: Manifest) -> Iterator[Entry]:
    return mapping_entries(child(m.body, "metadata", "labels"), "metadata.labels")


def _api_version(m: Manifest) -> Iterator[Entry]:
    at = m.body.value_position("apiVersion")
    yield Entry("apiVersion", m.api_version, "apiVersion", m.body.key_position("apiVersion"), at)


def _api_group(m: Manifest) -> Iterator[Entry]:
    at = m.body.value_position("apiVersion")
    yield Entry("apiVersion", m.group, "apiVersion", m.body.key_position("apiVersion"), at)


def _data(m: Manifest) -> Iterator[Entry]:
    yield from mapping_entries(m.body.get("data"), "data")
    yield from mapping_entries(m.body.get("stringData"), "stringData")


# --- pod templates ---------------------------------------------------------------------------


def _pod_fields(read: Callable[[PodTemplate], Iterator[Entry]]) -> FieldReader:
    def reader(m: Manifest) -> Iterator[Entry]:
        if m.pod is not None:
            yield from read(m.pod)

    return reader


def _pod_annotations(pod: PodTemplate) -> Iterator[Entry]:
    return mapping_entries(child(pod.metadata, "annotations"), pod.path + "metadata.annotations")


def _pod_labels(pod: PodTemplate) -> Iterator[Entry]:
    return mapping_entries(child(pod.metadata, "labels"), pod.path + "metadata.labels")


def _node_selector(pod: PodTemplate) -> Iterator[Entry]:
    return mapping_entries(pod.spec.get("nodeSelector"), pod.path + "spec.nodeSelector")


def _tolerations(pod: PodTemplate) -> Iterator[Entry]:
    for index, toleration, _ in _items(pod.spec.get("tolerations")):
        if type(toleration) is MapNode and isinstance(toleration.get("key"), str):
            path = f"{pod.path}spec.tolerations[{index}]"
            yield Entry(
                toleration["key"],
                toleration.get("value"),
                path + ".key",
                toleration.key_position("key"),
                toleration.value_position("value") if "value" in toleration else toleration.value_position("key"),
            )


_TERM_PATHS = (
    ("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"),
    ("preferredDuringSchedulingIgnoredDuringExecution",),
)


def _node_affinity(pod: PodTemplate) -> Iterator[Entry]:
    """Each matchExpressions key, once per value (or once with None for Exists/DoesNotExist)."""
    base = pod.path + "spec.affinity.nodeAffinity"
    affinity = child(pod.spec, "affinity", "nodeAffinity")
    required = child(affinity, *_TERM_PATHS[0])
    preferred = child(affinity, *_TERM_PATHS[1])
    terms: list[tuple[str, object]] = []
    for index, term, _ in _items(required):
        terms.append((f"{base}.{'.'.join(_TERM_PATHS[0])}[{index}]", term))
    for index, term, _ in _items(preferred):
        terms.append((f"{base}.{_TERM_PATHS[1][0]}[{index}].preference", child(term, "preference")))
    for term_path, term in terms:
        for list_name in ("matchExpressions", "matchFields"):
            for index, expression, _ in _items(child(term, list_name)):
                yield from _expression_entries(expression, f"{term_path}.{list_name}[{index}]")


def _expression_entries(expression: object, path: str) -> Iterator[Entry]:
    if type(expression) is not MapNode or not isinstance(expression.get("key"), str):
        return
    key, key_at = expression["key"], expression.key_position("key")
    values = expression.get("values")
    if type(values) is not SeqNode or not values:
        yield Entry(key, None, path + ".key", key_at, key_at)
        return
    for index, value, at in _items(values):
        yield Entry(key, value, f"{path}.values[{index}]", key_at, at)


def _topology_keys(pod: PodTemplate) -> Iterator[Entry]:
    for index, constraint, _ in _items(pod.spec.get("topologySpreadConstraints")):
        if type(constraint) is MapNode and "topologyKey" in constraint:
            at = constraint.value_position("topologyKey")
            path = f"{pod.path}spec.topologySpreadConstraints[{index}].topologyKey"
            yield Entry(constraint["topologyKey"], constraint["topologyKey"], path, at, at)


def _volumes(pod: PodTemplate) -> Iterator[Entry]:
    """Each volume's source: key is the source type (csi, awsElasticBlockStore, ...)."""
    for index, volume, _ in _items(pod.spec.get("volumes")):
        if type(volume) is MapNode:
            for entry in mapping_entries(volume, f"{pod.path}spec.volumes[{index}]"):
                if entry.key != "name":
                    yield entry


def _container_fields(read: Callable[[MapNode, str], Iterator[Entry]]) -> FieldReader:
    def reader(m: Manifest) -> Iterator[Entry]:
        if m.pod is not None:
            for container in m.pod.containers():
                yield from read(container.node, container.path)

    return reader


def _image(container: MapNode, path: str) -> Iterator[Entry]:
    if "image" in container:
        at = container.value_position("image")
        yield Entry(container.get("name"), container["image"], path + "image", at, at)


def _env(container: MapNode, path: str) -> Iterator[Entry]:
    for index, variable, _ in _items(container.get("env")):
        if type(variable) is MapNode and "name" in variable:
            value_at = variable.value_position("value") if "value" in variable else variable.value_position("name")
            yield Entry(
                variable["name"],
                variable.get("value"),
                f"{path}env[{index}]" + (".value" if "value" in variable else ".name"),
                variable.key_position("name"),
                value_at,
            )


def _args(container: MapNode, path: str) -> Iterator[Entry]:
    for list_name in ("command", "args"):
        for index, value, at in _items(container.get(list_name)):
            yield Entry(None, value, f"{path}{list_name}[{index}]", at, at)


def _resources(container: MapNode, path: str) -> Iterator[Entry]:
    for section in ("limits", "requests"):
        yield from mapping_entries(child(container, "resources", section), f"{path}resources.{section}")


# --- storage ---------------------------------------------------------------------------------


def _storage_class_names(m: Manifest) -> Iterator[Entry]:
    """spec.storageClassName of PVCs and PVs, volumeClaimTemplates, and generic ephemeral volumes."""
    spec = m.body.get("spec")
    if type(spec) is MapNode and "storageClassName" in spec:
        yield _named(spec, "storageClassName", "spec.storageClassName")
    for index, template, _ in _items(child(spec, "volumeClaimTemplates")):
        inner = child(template, "spec")
        if type(inner) is MapNode and "storageClassName" in inner:
            yield _named(inner, "storageClassName", f"spec.volumeClaimTemplates[{index}].spec.storageClassName")
    if m.pod is not None:
        for index, volume, _ in _items(m.pod.spec.get("volumes")):
            inner = child(volume, "ephemeral", "volumeClaimTemplate", "spec")
            if type(inner) is MapNode and "storageClassName" in inner:
                path = f"{m.pod.path}spec.volumes[{index}].ephemeral.volumeClaimTemplate.spec.storageClassName"
                yield _named(inner, "storageClassName", path)


def _named(node: MapNode, key: str, path: str) -> Entry:
    return Entry(key, node[key], path, node.key_position(key), node.value_position(key))


KNOWN_FIELDS: dict[str, FieldReader] = {
    "metadata.annotations": _annotations,
    "metadata.labels": _labels,
    "apiVersion": _api_version,
    "api.group": _api_group,
    "data": _data,
    "pod.annotations": _pod_fields(_pod_annotations),
    "pod.labels": _pod_fields(_pod_labels),
    "pod.nodeSelector": _pod_fields(_node_selector),
    "pod.tolerations": _pod_fields(_tolerations),
    "pod.nodeAffinity": _pod_fields(_node_affinity),
    "pod.topologyKeys": _pod_fields(_topology_keys),
    "pod.volumes": _pod_fields(_volumes),
    "container.image": _container_fields(_image),
    "container.env": _container_fields(_env),
    "container.args": _container_fields(_args),
    "container.resources": _container_fields(_resources),
    "storageClassName": _storage_class_names,
}
"""Fields that know where Kubernetes keeps things, whatever the kind."""


def dotted_path_reader(path: str) -> FieldReader:
    """A reader for a plain dotted path such as `spec.csi.driver` (the last key is the entry)."""
    keys = path.split(".")

    def reader(m: Manifest) -> Iterator[Entry]:
        node: object = m.body
        for key in keys[:-1]:
            node = node.get(key) if type(node) is MapNode else None
        if type(node) is MapNode and keys[-1] in node:
            yield _named(node, keys[-1], path)

    return reader


def jsonpath_reader(expression: str) -> FieldReader:
    """A reader for a JSONPath expression, compiled once on first use (jsonpath-ng loads lazily)."""
    compiled = None

    def reader(m: Manifest) -> Iterator[Entry]:
        nonlocal compiled
        if compiled is None:
            from jsonpath_ng.ext import parse

            compiled = parse(expression)
        for match in compiled.find(m.body):
            yield _entry_from_match(match)

    return reader


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
