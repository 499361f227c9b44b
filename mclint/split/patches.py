"""Strategic-merge patches from the difference between an object and its portable base.

`restoring` gives the patch that turns the base back into the object (what a split's overlay
holds); `removing` the patch that turns the object into the base (what `plan --emit-overlay`
starts from). Lists follow kustomize's rules: for kinds whose schema it knows, lists with a
merge key (containers by name, env by name, volumes by name) merge item by item, and a list whose
items were added or taken away is written whole after `$patch: replace`; every other list is
replaced whole by the patch.
"""

from __future__ import annotations

from mclint.model.kinds import BUILT_IN_GROUPS

SCHEMA_GROUPS = BUILT_IN_GROUPS - {"gateway.networking.k8s.io", "snapshot.storage.k8s.io"}
"""Groups whose kinds kustomize knows the schema of (the Kubernetes API's own), so merge keys apply."""

MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "ports": ("containerPort", "port"),
    "resourceClaims": ("name",),
    "schedulingGates": ("name",),
}
"""Lists the Kubernetes schema merges by a key (patchMergeKey), by field name."""

_SAME = object()


def restoring(original: dict, base: dict, group: str) -> dict:
    """The patch that, applied to `base`, gives `original` back: identity plus every difference."""
    body = _restore(original, base, "", group in SCHEMA_GROUPS)
    return _with_identity(original, {} if body is _SAME else body)


def removing(original: dict, base: dict, group: str) -> dict:
    """The patch that, applied to `original`, gives `base`: removed keys as null, removed merge-list
    items as `$patch: delete`, changed atomic lists whole."""
    body = _remove(original, base, "", group in SCHEMA_GROUPS)
    return _with_identity(original, {} if body is _SAME else body)


def restoring_values(original: dict, base: dict) -> dict:
    """Helm values that, given after `base` (helm -f base -f these), give `original`: Helm merges
    mappings and replaces lists, as kustomize does for kinds it has no schema for."""
    body = _restore(original, base, "", False)
    return {} if body is _SAME else body


def deleting(original: dict) -> dict:
    """The patch that takes an object out of the build."""
    return {**_with_identity(original, {}), "$patch": "delete"}


def changes_anything(patch: dict) -> bool:
    """Whether a patch does more than name its object (an empty patch is not worth a file)."""
    extra_metadata = set(patch.get("metadata") or {}) - {"name", "namespace"}
    return bool(set(patch) - {"apiVersion", "kind", "metadata"} or extra_metadata)


def _with_identity(original: dict, body: dict) -> dict:
    meta = original.get("metadata") or {}
    identity = {key: meta[key] for key in ("name", "namespace") if key in meta}
    patch = {"apiVersion": original.get("apiVersion"), "kind": original.get("kind")}
    patch["metadata"] = {**identity, **(body.pop("metadata", None) or {})}
    body.pop("apiVersion", None)
    body.pop("kind", None)
    patch.update(body)
    return patch


def _restore(old: object, new: object, field: str, schema: bool) -> object:
    if old == new and type(old) is type(new):
        return _SAME
    if isinstance(old, dict) and isinstance(new, dict):
        return _mappings(
            old, new, lambda a, b, key: _restore(a, b, key, schema), gone=lambda v: v, added=lambda v: None
        )
    if isinstance(old, list) and isinstance(new, list):
        key = _merge_key(field, old, new) if schema else None
        if key is None:
            return old
        if [item[key] for item in old] != [item[key] for item in new]:
            return [{"$patch": "replace"}, *old]
        items = []
        for before, after in zip(old, new, strict=True):
            inner = _restore(before, after, field, schema)
            items.append({key: before[key], **({} if inner is _SAME else {k: v for k, v in inner.items() if k != key})})
        return _up_to_last_change(items, old, new)
    return old


def _remove(old: object, new: object, field: str, schema: bool) -> object:
    if old == new and type(old) is type(new):
        return _SAME
    if isinstance(old, dict) and isinstance(new, dict):
        return _mappings(old, new, lambda a, b, key: _remove(a, b, key, schema), gone=lambda v: None, added=lambda v: v)
    if isinstance(old, list) and isinstance(new, list):
        key = _merge_key(field, old, new) if schema else None
        if key is None:
            return new
        kept = [item[key] for item in new]
        if [item[key] for item in old if item[key] in kept] != kept:
            return [{"$patch": "replace"}, *new]
        by_key = {item[key]: item for item in new}
        out, changed = [], 0
        for item in old:
            if item[key] not in by_key:
                out.append({"$patch": "delete", key: item[key]})
                changed = len(out)
                continue
            inner = _remove(item, by_key[item[key]], field, schema)
            out.append({key: item[key], **({} if inner is _SAME else {k: v for k, v in inner.items() if k != key})})
            if inner is not _SAME:
                changed = len(out)
        return out[:changed] or _SAME
    return new


def _mappings(old: dict, new: dict, inner, gone, added) -> object:
    """The patch between two mappings: `gone(value)` for a key only `old` has, `added(value)` for
    one only `new` has, `inner` on the values of shared keys; in `old`'s key order, then `new`'s."""
    out = {}
    for key, value in old.items():
        if key not in new:
            out[key] = gone(value)
            continue
        changed = inner(value, new[key], str(key))
        if changed is not _SAME:
            out[key] = changed
    for key, value in new.items():
        if key not in old:
            out[key] = added(value)
    return out if out else _SAME


def _up_to_last_change(items: list[dict], old: list, new: list) -> object:
    """Items up to the last one that changed, the unchanged ones as their merge key alone: kustomize
    puts a patch's items first, so listing those before a change keeps the list's order."""
    last = max((i for i, (before, after) in enumerate(zip(old, new, strict=False)) if before != after), default=-1)
    return items[: last + 1] if last >= 0 else _SAME


def _merge_key(field: str, *lists: list) -> str | None:
    """The key the schema merges this list by, when every item has it once."""
    for key in MERGE_KEYS.get(field, ()):
        for items in lists:
            if not all(isinstance(item, dict) and key in item for item in items):
                break
            if len({_hashable(item[key]) for item in items}) != len(items):
                break
        else:
            return key
    return None


def _hashable(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)
