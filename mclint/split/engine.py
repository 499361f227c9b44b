"""Taking couplings out of objects: the base edits, and per provider the patch and image entries that
put them back.

Every coupling of a chosen provider above info leaves the base. The base is edited in place (round
trip, comments kept); each provider's overlay restores exactly its own couplings, so an overlay
builds the input minus the other providers' couplings (the whole input when only one provider is
coupled).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from mclint.finding import Finding
from mclint.split.comments import remove_entry
from mclint.split.fieldpath import Step, parse_field
from mclint.split.objects import SplitError, SplitObject
from mclint.split.patches import changes_anything, restoring
from mclint.split.removal import Removal, locate, parse_image, removal_for


@dataclass
class Images:
    """Provider registry images renamed in the base, and the `images:` entries that restore them."""

    taken: set[str] = field(default_factory=set)
    """Every image name (without tag) the input uses: a base name must not be one of them."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Original name → base name."""
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Provider → {base name: original name}."""

    def base_name(self, provider: str, reference: str) -> str | None:
        """The reference as the base writes it (registry dropped), or None when it names no registry."""
        image = parse_image(reference)
        if not image.registry:
            return None
        name = self.renamed.get(image.name)
        if name is None:
            name = self._free_name(image.path)
            self.renamed[image.name] = name
        self.entries.setdefault(provider, {})[name] = image.name
        return name + image.suffix

    def _free_name(self, path: str) -> str:
        """The repository's last part (`orders`), with more of its path, then a number, until unused."""
        parts = [p for p in path.split("/") if p]
        used = self.taken | set(self.renamed.values())
        for count in range(1, len(parts) + 1):
            name = "/".join(parts[-count:])
            if name not in used and plain_image_name(name):
                return name
        number = 2
        while f"{parts[-1]}-{number}" in used:
            number += 1
        return f"{parts[-1]}-{number}"


def plain_image_name(name: str) -> bool:
    """A name kustomize's image matching takes as written (no `${VAR}` or `<PLACEHOLDER>` parts)."""
    return not any(mark in name for mark in "${}<>")


def decide(obj: SplitObject, findings: list[Finding], images: Images) -> None:
    """Record how each coupling leaves the base: a removal, an image rename, or the whole object."""
    node = obj.node()
    for finding in sorted(findings, key=lambda f: (-f.severity, f.provider, f.line, f.column, f.rule_id)):
        obj.findings.append(finding)
        if obj.whole is not None:
            continue
        removal = removal_for(parse_field(finding.field), obj.shape)
        chain = locate(node, removal.steps) if removal is not None else None
        if removal is not None and removal.image and chain is not None:
            value = chain[-1][0][chain[-1][1]]
            if not isinstance(value, str) or images.base_name(finding.provider, value) is None:
                removal = removal._replace(image=False)
        if chain is None:
            if not obj.deployed:
                raise SplitError(
                    f"{finding.file}:{finding.line}: {finding.rule_id} at {finding.field} is inside YAML kept as a"
                    " string, which split does not rewrite: move that setting into a per-cloud values file by hand"
                )
            obj.whole = finding.provider
            continue
        obj.removals.append((finding.provider, removal))


def apply(obj: SplitObject, images: Images) -> None:
    """Edit the base copy of the object: rename images, then remove entries deepest and last first."""
    obj.snapshot()
    node = obj.node()
    for _, removal in _ordered(obj.removals):
        chain = locate(node, removal.steps)
        if chain is None:
            continue
        if removal.image:
            container, key = chain[-1]
            value = container[key]
            container[key] = type(value)(_renamed(images, value)) if isinstance(value, str) else value
        else:
            remove_entry(chain, keep=1)
    obj.file.changed.add(obj.chunk)


def _renamed(images: Images, reference: str) -> str:
    image = parse_image(reference)
    return images.renamed.get(image.name, image.name) + image.suffix


def _ordered(removals: list[tuple[str, Removal]]) -> list[tuple[str, Removal]]:
    """Distinct removals, none inside another, deepest and last first (indices stay valid)."""
    unique = sorted({r.steps: (p, r) for p, r in removals}.values(), key=lambda pr: _order(pr[1].steps))
    kept: list[tuple[str, Removal]] = []
    for provider, removal in unique:
        if not any(removal.steps[: len(k.steps)] == k.steps and not k.image for _, k in kept):
            kept.append((provider, removal))
    return sorted(kept, key=lambda pr: _order(pr[1].steps), reverse=True)


def _order(steps: tuple[Step, ...]) -> tuple:
    return tuple((0, step, "") if isinstance(step, int) else (1, 0, str(step)) for step in steps)


def views(obj: SplitObject, provider: str, images: Images, base: object) -> tuple[object, object]:
    """What `provider`'s overlay must build for this object (the input less the other providers'
    couplings), and the base as a patch meets it (its images already put back by `images:`)."""
    target = copy.deepcopy(obj.snapshot())
    others = [(p, r) for p, r in obj.removals if p != provider]
    for _, removal in _ordered(others):
        chain = locate(target, removal.steps)
        if chain is None:
            continue
        if removal.image:
            container, key = chain[-1]
            container[key] = _renamed(images, container[key])
        else:
            remove_entry(chain, keep=1)
    view = copy.deepcopy(base)
    for _, removal in _ordered([(p, r) for p, r in obj.removals if p == provider and r.image]):
        original = locate(obj.snapshot(), removal.steps)
        chain = locate(view, removal.steps)
        if chain is not None and original is not None:
            chain[-1][0][chain[-1][1]] = original[-1][0][original[-1][1]]
    return target, view


def restoring_patch(obj: SplitObject, provider: str, images: Images, base: object) -> dict | None:
    """The patch that gives `provider`'s overlay this object back; None when it needs none."""
    target, view = views(obj, provider, images, base)
    if not isinstance(target, dict) or not isinstance(view, dict):
        return None
    patch = restoring(target, view, obj.shape.group)
    return patch if changes_anything(patch) else None
