"""Where rules look: places in an object named by key, at a fixed path from the root or at any depth.

A rule's `field` is a known field name (`annotations`, `nodeSelector`, `image`, `strings`, ...), a
dotted path from the object root (`spec.csi.driver`), or a path at any depth (`**.dns01.route53`).
All of them compile to Selectors, which the one walk of each object (mclint.rules.walk) dispatches
on by the last key, so an object is walked once however many rules look into it. List items are
transparent: `**.requirements.key` reaches every `key` of every item of a `requirements` list.
"""

from __future__ import annotations

import re
from typing import NamedTuple

STRINGS = "strings"
"""Every string value anywhere in the object (endpoints, ARNs, bucket URLs, resource names)."""

OPAQUE_ROOTS = frozenset(("data", "stringData", "binaryData"))

ANY_DEPTH = "**"
ANY_KEY = "*"

_STEP = r"[A-Za-z_*][A-Za-z0-9_*-]*"
_PATH = re.compile(rf"^(\*\*\.)?{_STEP}(\.{_STEP})*$")


class Selector(NamedTuple):
    """One place in an object: the key it ends on and the keys right above it."""

    keys: tuple[str, ...]
    """Key names the place ends on (any of them); the walk dispatches on these."""
    above: tuple[str, ...]
    """The mapping keys right above, outermost first ('*' matches any key); list items do not count."""
    rooted: bool
    """True: `above` is the whole way from the object root; False: it may sit at any depth."""
    read: str
    """How the value there becomes entries (mclint.rules.entries.READERS)."""
    inside: str | None = None
    """A key that must be somewhere above (node affinity's expressions, at whatever depth under it)."""

    @property
    def plain(self) -> bool:
        """Any depth, nothing required above: fits every trail outside the object's own `data`."""
        return not self.above and not self.rooted and self.inside is None

    def fits(self, trail: list) -> bool:
        """Whether the keys of `trail` (the path to the value's parent, list indices included) end in
        `above`. A place at any depth is never inside the object's own `data`: a ConfigMap's keys are
        file and variable names, not Kubernetes fields."""
        if not self.rooted and trail and trail[0] in OPAQUE_ROOTS:
            return False
        if self.inside is not None and self.inside not in trail:
            return False
        at = len(trail)  # matched from the end: the nearest key is the one that differs most often
        for want in reversed(self.above):
            at -= 1
            while at >= 0 and trail[at].__class__ is not str:
                at -= 1
            if at < 0 or (want != trail[at] and want != ANY_KEY):
                return False
        if self.rooted:
            return not any(step.__class__ is str for step in trail[:at])
        return True


def _anywhere(keys: tuple[str, ...], read: str) -> tuple[Selector, ...]:
    return (Selector(keys, (), False, read),)


ANNOTATION_KEYS = ("annotations", "podAnnotations", "serviceAnnotations", "commonAnnotations")
LABEL_KEYS = ("labels", "podLabels", "commonLabels")

KNOWN_FIELDS: dict[str, tuple[Selector, ...]] = {
    # the object's own metadata
    "metadata.annotations": (Selector(("annotations",), ("metadata",), True, "mapping"),),
    "metadata.labels": (Selector(("labels",), ("metadata",), True, "mapping"),),
    "data": (Selector(("data", "stringData"), (), True, "mapping"),),
    # wherever they are: pod templates of any kind, custom resources' components, Helm values
    "annotations": _anywhere(ANNOTATION_KEYS, "mapping"),
    "labels": _anywhere(LABEL_KEYS, "mapping"),
    "matchLabels": _anywhere(("matchLabels",), "mapping"),
    "selector": _anywhere(("selector",), "mapping"),
    "nodeSelector": _anywhere(("nodeSelector", "nodeLabels"), "mapping"),
    "nodeAffinity": (Selector(("matchExpressions", "matchFields"), (), False, "expressions", "nodeAffinity"),),
    "allowedTopologies": (Selector(("matchLabelExpressions",), (), False, "expressions", "allowedTopologies"),),
    "tolerations": _anywhere(("tolerations",), "tolerations"),
    "topologyKeys": _anywhere(("topologySpreadConstraints",), "topology"),
    "requirements": _anywhere(("requirements",), "expressions"),
    "volumes": _anywhere(("volumes",), "volumes"),
    "image": (
        *_anywhere(("image",), "image"),
        Selector(("newName",), ("images",), False, "entry"),
        *_anywhere(("repository", "imageRepository", "baseRepo"), "entry"),
    ),
    "env": _anywhere(("env",), "env"),
    "args": _anywhere(("command", "args"), "list"),
    "resources": _anywhere(("resources",), "resources"),
    "storageClassName": _anywhere(("storageClassName", "storageClass"), "entry"),
}
"""Fields that know where Kubernetes keeps things."""

ALIASES = {
    "pod.annotations": "annotations",
    "pod.labels": "labels",
    "pod.nodeSelector": "nodeSelector",
    "pod.nodeAffinity": "nodeAffinity",
    "pod.tolerations": "tolerations",
    "pod.topologyKeys": "topologyKeys",
    "pod.volumes": "volumes",
    "container.image": "image",
    "container.env": "env",
    "container.args": "args",
    "container.resources": "resources",
}
"""Names from before every field was looked for at any depth; each means the same as its target."""

OBJECT_FIELDS = ("apiVersion", "api.group")
"""Read from the object itself, not found by the walk."""


def is_path(field: str) -> bool:
    return bool(_PATH.match(field))


def selectors_for(field: str) -> tuple[Selector, ...] | None:
    """The selectors a field name or path stands for; None for names that are not walked (or unknown)."""
    field = ALIASES.get(field, field)
    if field in KNOWN_FIELDS:
        return KNOWN_FIELDS[field]
    if field in OBJECT_FIELDS or field == STRINGS or not is_path(field):
        return None
    steps = field.split(".")
    anywhere = steps[0] == ANY_DEPTH
    if anywhere:
        steps = steps[1:]
    if not steps or ANY_DEPTH in steps or steps[-1] == ANY_KEY:
        return None
    return (Selector((steps[-1],), tuple(steps[:-1]), not anywhere, "entry"),)


def known_names() -> list[str]:
    return sorted([*KNOWN_FIELDS, *ALIASES, *OBJECT_FIELDS, STRINGS])
