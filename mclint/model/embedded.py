"""Configuration held inside other documents: Helm values and YAML kept as text in a string.

A kustomization's inline patches and an Argo CD Application's `helm.values` are YAML written as a
block scalar; they are parsed here from the file's own lines, so every position is a real line and
column of the file. Helm values are recognised by content: a mapping that is not an object but
holds keys charts use for what rules look at.
"""

from __future__ import annotations

from mclint.load import MapNode, SeqNode, child, load_bytes
from mclint.load.text import FileText
from mclint.model.kinds import VALUES_KIND

VALUES_KEYS = frozenset(
    (
        "image",
        "nodeSelector",
        "tolerations",
        "affinity",
        "podAnnotations",
        "podLabels",
        "serviceAccount",
        "storageClass",
        "storageClassName",
        "persistence",
        "ingress",
        "service",
        "resources",
        "annotations",
        "labels",
        "global",
    )
)
"""Keys Helm values use for images, scheduling, identity, storage and exposure, at the top or one level down."""

HELMRELEASE_GROUP = "helm.toolkit.fluxcd.io"
ARGO_GROUP = "argoproj.io"
ARGO_APPS = frozenset(("Application", "ApplicationSet"))
MAX_SEARCH_DEPTH = 12
"""How deep an Argo CD object is searched for its `helm` sources."""


def looks_like_values(root: MapNode) -> bool:
    """Whether a mapping that is not an object is Helm values (a chart's or one kept for an upstream chart)."""
    if any(key in VALUES_KEYS for key in root):
        return True
    return any(type(value) is MapNode and any(key in VALUES_KEYS for key in value) for value in root.values())


def embedded_root(text: FileText | None, at: tuple[int, int]) -> object:
    """The YAML document written as the block scalar whose indicator is at `at`, positioned in the
    file; None when it is not a block scalar, or does not parse to one document."""
    lines = list(text.block_lines(at)) if text is not None else None
    if not lines:
        return None
    source = "\n" * (lines[0][0] - 1) + "\n".join(line for _, line in lines) + "\n"
    loaded = load_bytes(source.encode("utf-8"))
    if loaded.problems or len(loaded.documents) != 1:
        return None
    return loaded.documents[0].root


def kustomization_patches(root: MapNode, text: FileText | None) -> tuple[list[MapNode], list[tuple]]:
    """What a kustomization writes inline: the objects of its strategic-merge patches, and the values
    of its JSON 6902 operations, each as (trail of keys the operation's path names, the value under
    its last key), so they are read where they will land."""
    objects: list[MapNode] = []
    operations: list[tuple] = []
    for list_name, field in (("patches", "patch"), ("patchesJson6902", "patch"), ("patchesStrategicMerge", None)):
        items = root.get(list_name)
        if type(items) is not SeqNode:
            continue
        for index, item in enumerate(items):
            at = item.value_position(field) if field and type(item) is MapNode else items.item_position(index)
            value = item.get(field) if field and type(item) is MapNode else item
            if not (isinstance(value, str) and "\n" in value):
                continue
            patch = embedded_root(text, at)
            if type(patch) is MapNode and isinstance(patch.get("kind"), str):
                objects.append(patch)
            elif type(patch) is SeqNode:
                operations.extend(_operation(op) for op in patch if _is_operation(op))
    return objects, operations


def _is_operation(op: object) -> bool:
    return type(op) is MapNode and isinstance(op.get("path"), str) and "value" in op and op.get("op") != "remove"


def _operation(op: MapNode) -> tuple:
    """A JSON 6902 operation as (trail, {parent key: {last key: value}}) at the op's lines: the walk then
    meets the target's parent key (`annotations`, `nodeSelector`) as it would in the object itself."""
    steps = [_json_pointer_step(step) for step in op["path"].strip("/").split("/")]
    path_at, value_at = op.value_position("path"), op.value_position("value")
    node: object = op["value"]
    for step in reversed(steps[-2:]):
        holder = MapNode(*path_at)
        holder[step] = node
        holder.keys_at[step] = path_at
        holder.values_at[step] = value_at
        node = holder
    return tuple(steps[:-2]), node


def _json_pointer_step(step: str) -> str | int:
    text = step.replace("~1", "/").replace("~0", "~")
    return int(text) if text.isdigit() else text


def helm_values_parts(body: MapNode, group: str, kind: str, text: FileText | None) -> tuple:
    """The Helm values an object holds, each as (trail of keys, values mapping): a HelmRelease's
    spec.values, and the `helm.values`/`valuesObject` of Argo CD applications, also when they sit
    inside Helm values (an app-of-apps chart's values)."""
    if group == HELMRELEASE_GROUP and kind == "HelmRelease":
        values = child(body, "spec", "values")
        return ((("spec", "values"), values),) if type(values) is MapNode else ()
    if (group == ARGO_GROUP and kind in ARGO_APPS) or kind == VALUES_KIND:
        return tuple(_argo_values(body, [], 0, text))
    return ()


def json_patch_parts(root: SeqNode) -> tuple:
    """A JSON 6902 patch file's operations as (trail, value holder), like a kustomization's inline ones."""
    return tuple(_operation(op) for op in root if _is_operation(op))


def _argo_values(node: object, trail: list, depth: int, text: FileText | None):
    if depth > MAX_SEARCH_DEPTH:
        return
    if type(node) is SeqNode:
        for index, item in enumerate(node):
            yield from _argo_values(item, [*trail, index], depth + 1, text)
        return
    if type(node) is not MapNode:
        return
    helm = node.get("helm")
    if type(helm) is MapNode:
        here = [*trail, "helm"]
        if type(helm.get("valuesObject")) is MapNode:
            yield (*here, "valuesObject"), helm["valuesObject"]
        if isinstance(helm.get("values"), str):
            parsed = embedded_root(text, helm.value_position("values"))
            if type(parsed) is MapNode:
                yield (*here, "values"), parsed
    for key, value in node.items():
        if key != "helm":
            yield from _argo_values(value, [*trail, key], depth + 1, text)
