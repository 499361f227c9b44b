"""What to take out of an object so a coupling leaves the portable base, decided from the finding's field.

A coupling is removed as the smallest unit that still reads as one setting: an annotation, label
or node-selector key; a whole toleration or selector requirement; an environment variable's value
(its name stays, so the list keeps its order); a volume's source (its name stays); a reference to a
provider object (`parametersRef`, `issuerRef`). A container image from a provider registry is
renamed instead, and the overlay's `images:` entry puts the registry back. Some couplings are the
object itself (a provider API, a StorageClass with a provider provisioner, a custom resource
configured for one cloud): those objects move to the overlay whole.
"""

from __future__ import annotations

from typing import NamedTuple

from mclint.model import Manifest
from mclint.model.embedded import ARGO_APPS, ARGO_GROUP, HELMRELEASE_GROUP
from mclint.model.kinds import BUILT_IN_GROUPS, CONTAINER_LISTS
from mclint.split.comments import Chain
from mclint.split.fieldpath import Step, parse_field

CLASS_KINDS = frozenset(
    (
        "StorageClass",
        "VolumeSnapshotClass",
        "VolumeAttributesClass",
        "IngressClass",
        "GatewayClass",
        "CSIDriver",
        "RuntimeClass",
        "PersistentVolume",
    )
)
"""Kinds that exist to name one provider's implementation: a coupling outside their metadata is the object."""

IDENTITY = (("metadata", "name"), ("metadata", "namespace"), ("metadata", "generateName"))

ITEM_LISTS = frozenset(
    ("tolerations", "matchExpressions", "matchFields", "requirements", "topologySpreadConstraints", "hostAliases")
)
"""Lists whose items are each one setting: a coupling inside an item removes the item."""

VOLUME_LISTS = frozenset(("volumes",))


class Shape(NamedTuple):
    """What decides how an object's couplings come out: its kind, and where its settings live."""

    kind: str
    group: str
    pod: tuple[Step, ...] | None
    """Steps to the pod template (the mapping holding `metadata` and `spec`)."""
    values: tuple[tuple[Step, ...], ...]
    """Steps to the Helm values it holds as YAML (a HelmRelease's spec.values)."""

    @property
    def custom(self) -> bool:
        return self.group not in BUILT_IN_GROUPS


def shape_of(manifest: Manifest) -> Shape:
    pod = None
    if manifest.pod is not None:
        pod = parse_field(manifest.pod.path.rstrip(".")) if manifest.pod.path else ()
    values = tuple(tuple(trail) for trail, node in manifest.values if _is_yaml_values(manifest, trail))
    return Shape(manifest.kind, manifest.group, pod, values)


def _is_yaml_values(manifest: Manifest, trail: tuple) -> bool:
    """Values written as YAML in the object (not as a string holding YAML), which a patch can reach."""
    if manifest.group == HELMRELEASE_GROUP:
        return True
    return manifest.group == ARGO_GROUP and manifest.kind in ARGO_APPS and trail[-1:] == ("valuesObject",)


class Removal(NamedTuple):
    """The entry to take out of the base; `image` when a container image is renamed instead."""

    steps: tuple[Step, ...]
    image: bool = False


def removal_for(steps: tuple[Step, ...] | None, shape: Shape) -> Removal | None:
    """How a coupling at `steps` leaves the base; None when the object itself is the coupling."""
    if not steps or steps[0] in ("apiVersion", "kind") or steps[:2] in IDENTITY:
        return None
    if shape.kind in CLASS_KINDS and steps[0] != "metadata":
        return None
    if shape.custom and not _settings_of_custom(steps, shape):
        return None
    if len(steps) >= 3 and steps[-1] == "image" and isinstance(steps[-2], int) and steps[-3] in CONTAINER_LISTS:
        return Removal(steps, image=True)
    return Removal(_unit(steps))


def _settings_of_custom(steps: tuple[Step, ...], shape: Shape) -> bool:
    """In a custom resource only its metadata, pod template and Helm values are settings; anything
    else configures the provider's own API."""
    if steps[0] == "metadata":
        return True
    prefixes = (shape.pod,) if shape.pod else ()
    return any(steps[: len(p)] == p and len(steps) > len(p) for p in (*prefixes, *shape.values))


def _unit(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The smallest entry holding the coupling that still reads as one setting."""
    for at in range(len(steps) - 1, 0, -1):
        step, parent = steps[at], steps[at - 1]
        if isinstance(step, int) and parent in ITEM_LISTS:
            return steps[: at + 1]
    for at, step in enumerate(steps):
        if isinstance(step, str) and step.endswith("Ref") and at < len(steps) - 1:
            return steps[: at + 1]
        if step == "env" and at + 2 < len(steps) and isinstance(steps[at + 1], int):
            return steps[: at + 3] if steps[at + 2] in ("value", "valueFrom") else steps[: at + 2]
        if step in VOLUME_LISTS and at + 2 < len(steps) and isinstance(steps[at + 1], int):
            return steps[: at + 3]
    return steps


def locate(root: object, steps: tuple[Step, ...]) -> Chain | None:
    """The (container, key) pairs from `root` down to `steps`; None when the path is not there."""
    chain: Chain = []
    node = root
    for step in steps:
        if isinstance(node, dict):
            key = _key(node, step)
            if key is None:
                return None
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            key = step
        else:
            return None
        chain.append((node, key))
        node = node[key]
    return chain


def _key(mapping: dict, step: Step) -> object:
    if step in mapping:
        return step
    text = str(step)
    return next((key for key in mapping if str(key) == text), None)


class ImageName(NamedTuple):
    registry: str
    path: str
    suffix: str
    """`:tag`, `@digest` or both, as written."""

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.path}" if self.registry else self.path


def parse_image(reference: str) -> ImageName:
    """An image reference's registry host, repository path and tag/digest."""
    name, at, digest = reference.partition("@")
    suffix = at + digest
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, suffix = name[:colon], name[colon:] + suffix
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost" or "$" in first or "<" in first):
        return ImageName(first, rest, suffix)
    return ImageName("", name, suffix)
