"""`mclint plan --to TARGET --emit-overlay DIR`: an overlay that moves the scanned manifests to the target.

The overlay builds the manifests as they are (the Kustomize root by a relative path; plain files
from a copy under DIR/base) and patches each object once: every coupling to a source provider is
taken out the way `split` takes it out of a base, and the target's equivalent from
mclint/plan/mappings.yaml goes in (an identity annotation with a placeholder, the target's storage
class of the same tier, its ingress class, its internal load-balancer marker, its node-pool label,
its registry through `images:`). What has no manifest equivalent (managed services, provider APIs,
provider-only hardware) stays, and MIGRATION.md lists it as manual work with every placeholder.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from mclint.finding import Finding, Severity
from mclint.plan.mappings import Mappings, load_mappings
from mclint.split.base import Base, lint_with
from mclint.split.documents import dump_plain, fresh, plain
from mclint.split.engine import plain_image_name
from mclint.split.layout import KUSTOMIZATION_STYLE, KUSTOMIZE_API, kustomization, safe_name
from mclint.split.objects import SourceFile, SplitError, SplitObject, read_file
from mclint.split.patches import changes_anything, deleting, removing
from mclint.split.removal import Removal, locate, parse_image

PLACEHOLDER = "REPLACE-ME"
REPLACED, REMOVED, LEFT, DELETED = "replaced", "removed", "left as is", "removed from the build"


@dataclass
class Done:
    """What the overlay does about one coupling."""

    finding: Finding
    fate: str
    note: str
    manual: bool = False


@dataclass
class Emitted:
    files: dict[str, str] = field(default_factory=dict)
    done: list[Done] = field(default_factory=list)
    placeholders: list[tuple[str, str, str]] = field(default_factory=list)
    """(value, file, what it stands for)."""
    sources: tuple[str, ...] = ()
    target: str = ""


def emit_overlay(paths: list[str], target: str, source: str | None, ruleset, output: Path) -> Emitted:
    """Work out the overlay's files for moving `paths` to `target` (nothing is written here)."""
    from mclint.split.inputs import classify

    given = classify(paths)
    if given.kustomize_root is not None:
        files = [_built(given.kustomize_root)]
        resources = [Path(os.path.relpath(given.kustomize_root, output.resolve())).as_posix()]
    else:
        files = [read_file(path, f"base/{rel}") for path, rel in given.files]
        resources = ["base"]
    base = Base(files)
    base.check_buildable()
    lint = lint_with(ruleset)
    findings = lint(base.files)
    mappings = load_mappings()
    sources = (source,) if source else tuple(sorted({f.provider for f in findings if f.provider != target}))
    emitted = Emitted(sources=sources, target=target)
    chosen = {f for f in findings if f.provider in sources and f.severity > Severity.INFO}
    manual = _manual(mappings)

    def keep(finding: Finding) -> bool:
        return finding.category in manual or finding.rule_id in manual

    left = base.take_out(set(sources), lint, keep)
    if left:
        first = left[0]
        raise SplitError(f"{first.file}:{first.line}: {first.rule_id} could not be taken out ({first.field})")
    writer = _Writer(emitted, mappings, target, base)
    for obj in sorted(base.objects, key=lambda o: (o.file.rel, o.chunk, o.manifest.line)):
        if obj.deployed:
            writer.object(obj)
    for finding in sorted(chosen, key=lambda f: f.sort_key):
        if keep(finding):
            emitted.done.append(Done(finding, LEFT, _equivalent(finding, mappings, target, ruleset), manual=True))
    if given.kustomize_root is None:
        for source_file in base.files:
            emitted.files[source_file.rel] = source_file.text
        listed = sorted({f"{obj.file.rel[len('base/') :]}" for obj in base.deployed()})
        emitted.files["base/kustomization.yaml"] = kustomization(listed)
    emitted.files["kustomization.yaml"] = writer.kustomization(resources)
    emitted.files["MIGRATION.md"] = migration_text(emitted, mappings, ruleset)
    return emitted


def _built(root: Path) -> SourceFile:
    """The Kustomize root's build, as one file to patch against (objects by their built names)."""
    from mclint.render.tools import kustomize_command, run_tool

    command = kustomize_command()
    if command is None:
        raise SplitError(f"{root} is a Kustomize directory: building it needs kustomize or kubectl on PATH")
    run = run_tool([*command, str(root)])
    if not run.ok:
        raise SplitError(f"{root} does not build: {run.message}")
    from mclint.split.documents import detect_style, split_documents

    text = run.stdout.decode("utf-8")
    return SourceFile(root / "(build)", "build.yaml", text, split_documents(text), detect_style(text))


def _manual(mappings: Mappings) -> set[str]:
    return set(mappings.data.get("overlay", {}).get("manual", ()))


def _equivalent(finding: Finding, mappings: Mappings, target: str, ruleset) -> str:
    equivalents = next((dict(r.equivalents) for r in ruleset.rules if r.id == finding.rule_id), {})
    return mappings.for_target(finding.rule_id, finding.category, target, equivalents.get(target, "")).equivalent


class _Writer:
    """Patches, images and MIGRATION notes, object by object."""

    def __init__(self, emitted: Emitted, mappings: Mappings, target: str, base: Base) -> None:
        self.emitted = emitted
        self.mappings = mappings
        self.overlay = mappings.data.get("overlay", {})
        self.target = target
        self.base = base
        self.patches: list[str] = []
        self.images: dict[str, str] = {}
        self._names: set[str] = set()

    def object(self, obj: SplitObject) -> None:
        if obj.whole is not None:
            self._whole(obj)
            return
        if not obj.removals:
            return
        original = obj.snapshot()
        wanted = copy.deepcopy(plain(obj.node()))
        in_patch = []
        for _, removal in obj.removals:
            if removal.image:
                in_patch += self._image(obj, removal, wanted)
        notes = []
        claimed: dict[str, object] = {}
        for finding in sorted(obj.findings, key=self._applied_later):
            removal = next((r for p, r in obj.removals if _covers(r, finding)), None)
            if removal is None or removal.image:
                continue
            notes.append((finding, *self._equivalent_of(obj, finding, removal, wanted, claimed)))
        patch = removing(original, wanted, obj.shape.group)
        path = self._patch_file(obj, patch) if changes_anything(patch) else "kustomization.yaml"
        for finding, fate, note in notes:
            self.emitted.done.append(Done(finding, fate, note))
            self._placeholders(path, finding, wanted, original)
        for registry, what in in_patch:
            self.emitted.placeholders.append((registry, path, what))

    def _whole(self, obj: SplitObject) -> None:
        original = obj.snapshot()
        classes = self.overlay.get("storage_classes", {})
        if obj.manifest.kind == "StorageClass":
            tier = self.mappings.storage_tier(original.get("provisioner"), *(original.get("parameters") or {}).values())
            spec = classes.get(tier or self.mappings.data.get("default_tier", "balanced"), {}).get(self.target)
            if spec:
                wanted = {k: v for k, v in copy.deepcopy(original).items() if k != "allowedTopologies"}
                wanted["provisioner"] = spec["provisioner"]
                wanted["parameters"] = dict(spec["parameters"])
                self._patch_file(obj, removing(original, wanted, obj.shape.group))
                note = f"provisioner {spec['provisioner']} with {spec['parameters']} (the {tier or 'default'} tier), same class name"
                for finding in obj.findings:
                    self.emitted.done.append(Done(finding, REPLACED, note))
                return
        self._patch_file(obj, deleting(original))
        for finding in obj.findings:
            note = f"{obj.ref.label} has no equivalent object on {self.target}"
            self.emitted.done.append(Done(finding, DELETED, note, manual=True))

    def _image(self, obj: SplitObject, removal: Removal, wanted: dict) -> list[tuple[str, str]]:
        """Point the image at the target's registry: by an `images:` entry, or by the patch when
        kustomize cannot match the name (`${VAR}` or `<PLACEHOLDER>` parts). Returns the patch's
        placeholders as (value, what it stands for)."""
        chain = locate(obj.snapshot(), removal.steps)
        here = locate(wanted, removal.steps)
        if chain is None or here is None:
            return []
        reference = chain[-1][0][chain[-1][1]]
        image = parse_image(reference)
        registry = self.overlay.get("registries", {}).get(self.target, f"{PLACEHOLDER}-REGISTRY")
        renamed = f"{registry}/{image.path}"
        by_images = plain_image_name(image.name)
        if by_images:
            here[-1][0][here[-1][1]] = reference
            self.images[image.name] = renamed
        else:
            here[-1][0][here[-1][1]] = renamed + image.suffix
        in_patch = []
        for finding in obj.findings:
            if _covers(removal, finding):
                note = f"images: {image.name} → {renamed}" if by_images else f"image: {renamed}{image.suffix}"
                self.emitted.done.append(Done(finding, REPLACED, note))
                what = f"the {self.target} registry for {image.path}"
                if by_images:
                    self.emitted.placeholders.append((registry, "kustomization.yaml", what))
                else:
                    in_patch.append((registry, what))
        return in_patch

    def _applied_later(self, finding: Finding) -> bool:
        """Couplings listed under `overlay.first` (internal load balancers) set their fields
        before the others, which then leave them alone: an internal endpoint never turns public."""
        return self.mappings.coupling_of(finding.rule_id) not in (self.overlay.get("first") or ())

    def _equivalent_of(
        self, obj: SplitObject, finding: Finding, removal: Removal, wanted: dict, claimed: dict[str, object]
    ) -> tuple[str, str]:
        """Put the target's equivalent into `wanted` (fields in `claimed` are kept); returns (fate, note)."""
        coupling = self.mappings.coupling_of(finding.rule_id)
        actions = (self.overlay.get("actions", {}).get(coupling) or {}).get(self.target) or {}
        spec = actions.get(obj.manifest.kind) or actions.get("*")
        if spec:
            added = []
            settings = [
                (["metadata", "annotations", key], key, value) for key, value in (spec.get("annotations") or {}).items()
            ]
            settings += [(dotted.split("."), dotted, value) for dotted, value in (spec.get("set") or {}).items()]
            for steps, name, value in settings:
                value = claimed.setdefault(name, value)
                _set(wanted, steps, value)
                added.append(f"{name}: {value}")
            return REPLACED, ", ".join(added)
        if coupling == "storage-class":
            name = self._tier_class(finding)
            if name and _put(wanted, removal.steps, name):
                return REPLACED, f"storageClassName: {name}"
        selector = self._node_selector(obj, removal, wanted)
        if selector:
            return REPLACED, selector
        equivalent = self.mappings.for_target(finding.rule_id, finding.category, self.target).equivalent
        return REMOVED, f"set up on {self.target} if needed: {equivalent}"

    def _tier_class(self, finding: Finding) -> str | None:
        tier = self.mappings.storage_tier(finding.storage_class) or self.mappings.data.get("default_tier")
        spec = self.overlay.get("storage_classes", {}).get(tier, {}).get(self.target)
        return spec["name"] if spec else None

    def _node_selector(self, obj: SplitObject, removal: Removal, wanted: dict) -> str:
        """A node-group or spot selector becomes the target's label in the same nodeSelector."""
        steps = removal.steps
        if len(steps) < 2 or steps[-2] != "nodeSelector" or not isinstance(steps[-1], str):
            return ""
        chain = locate(obj.snapshot(), steps)
        value = chain[-1][0][chain[-1][1]] if chain else None
        for group in (self.overlay.get("node_selectors") or {}).values():
            if steps[-1] in group["keys"] and ("values" not in group or str(value) in group["values"]):
                labels = group["targets"].get(self.target) or {}
                holder = locate(wanted, steps[:-1])
                selector = holder[-1][0].setdefault(holder[-1][1], {}) if holder else None
                if selector is None:
                    _set(wanted, list(steps[:-1]), {})
                    selector = locate(wanted, steps[:-1])[-1][0][steps[-2]]
                selector.update(labels)
                return ", ".join(f"{k}: {v}" for k, v in labels.items())
        return ""

    def _patch_file(self, obj: SplitObject, patch: dict) -> str:
        stem = f"{safe_name(obj.manifest.kind)}-{safe_name(obj.manifest.name)}"
        if stem in self._names and obj.manifest.namespace:
            stem = f"{safe_name(obj.manifest.kind)}-{safe_name(obj.manifest.namespace)}-{safe_name(obj.manifest.name)}"
        number, chosen = 1, stem
        while chosen in self._names:
            number += 1
            chosen = f"{stem}-{number}"
        self._names.add(chosen)
        path = f"patches/{chosen}.yaml"
        self.emitted.files[path] = dump_plain(fresh(patch), obj.file.style)
        self.patches.append(path)
        return path

    def _placeholders(self, path: str, finding: Finding, wanted: dict, original: dict) -> None:
        for trail, value in _strings(wanted, ()):
            if PLACEHOLDER in value and PLACEHOLDER not in str(_at(original, trail)):
                entry = (value, path, f"{_dotted(trail)} ({finding.rule_id})")
                if entry not in self.emitted.placeholders:
                    self.emitted.placeholders.append(entry)

    def kustomization(self, resources: list[str]) -> str:
        data = {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization", "resources": resources}
        if self.patches:
            data["patches"] = [{"path": path} for path in self.patches]
        if self.images:
            data["images"] = [{"name": name, "newName": new} for name, new in sorted(self.images.items())]
        header = f"# Written by mclint plan --emit-overlay: {', '.join(self.emitted.sources)} → {self.target}. See MIGRATION.md.\n"
        return header + dump_plain(fresh(data), KUSTOMIZATION_STYLE)


def _covers(removal: Removal, finding: Finding) -> bool:
    from mclint.split.fieldpath import parse_field

    steps = parse_field(finding.field) or ()
    return steps[: len(removal.steps)] == removal.steps or removal.steps[: len(steps)] == steps


def _set(node: dict, steps: list, value: object) -> None:
    for step in steps[:-1]:
        node = node.setdefault(step, {})
    node[steps[-1]] = value


def _put(node: dict, steps: tuple, value: object) -> bool:
    """Set the entry at `steps` (its parents must still be there)."""
    parent = locate(node, steps[:-1]) if len(steps) > 1 else [(None, None)]
    if parent is None:
        return False
    holder = node if len(steps) == 1 else parent[-1][0][parent[-1][1]]
    if not isinstance(holder, dict):
        return False
    holder[steps[-1]] = value
    return True


def _strings(node: object, trail: tuple):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*trail, index))
    elif isinstance(node, str):
        yield trail, node


def _at(node: object, trail: tuple) -> object:
    for step in trail:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _dotted(trail: tuple) -> str:
    from mclint.rules.entries import trail_path

    return trail_path(list(trail))


def migration_text(emitted: Emitted, mappings: Mappings, ruleset) -> str:
    """MIGRATION.md: every coupling and what the overlay did, the placeholders, the manual work."""
    sources = ", ".join(emitted.sources) or "(none)"
    lines = [
        f"# Migration: {sources} → {emitted.target}",
        "",
        "Written by `mclint plan --emit-overlay`. Build it with `kubectl kustomize .` in this directory;",
        f"`kubectl kustomize . | mclint scan - --target {emitted.target}` then reports no coupling to another",
        "provider above info except the manual work listed below.",
        "",
        f"## Couplings ({len(emitted.done)})",
        "",
        "| rule | object | field | done |",
        "|---|---|---|---|",
    ]
    for item in sorted(emitted.done, key=lambda d: (d.finding.obj.label, d.finding.field, d.finding.rule_id)):
        finding = item.finding
        lines.append(
            f"| {finding.rule_id} | {finding.obj.label} | `{finding.field}` | {item.fate}: {_cell(item.note)} |"
        )
    lines += ["", f"## Placeholders to fill in ({len(emitted.placeholders)})", ""]
    lines += [f"- `{value}` in {file}: {what}" for value, file, what in sorted(set(emitted.placeholders))] or ["None."]
    manual = [item for item in emitted.done if item.manual]
    lines += ["", f"## Manual work ({len(manual)})", ""]
    for item in sorted(manual, key=lambda d: (d.finding.rule_id, d.finding.obj.label)):
        finding = item.finding
        equivalent = _equivalent(finding, mappings, emitted.target, ruleset)
        lines.append(f"- {finding.rule_id}: {finding.obj.label} `{finding.field}`, {item.fate}: {_cell(equivalent)}")
    if not manual:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def check_emitted(output: Path, emitted: Emitted, ruleset) -> tuple[list[str], bool]:
    """Build the overlay and scan it for the target: what couples to another provider above info
    must be listed as manual work."""
    from mclint import api
    from mclint.split.output import shown
    from mclint.split.verify import build_text

    text = build_text(output)
    if text is None:
        return ["mclint: neither kustomize nor kubectl is on PATH: the overlay was not built"], True
    if isinstance(text, Exception):
        return [f"check failed: kustomize cannot build {shown(output)}: {text}"], False
    result = api.lint_files([(text.encode("utf-8"), "<build>")], ruleset, api.ScanOptions())
    manual = {item.finding.rule_id for item in emitted.done if item.manual}
    left = [
        f
        for f in result.findings
        if f.provider != emitted.target and f.severity > Severity.INFO and f.rule_id not in manual
    ]
    if left:
        lines = [f"check failed: the built overlay still couples to another provider ({len(left)}):"]
        lines += [f"  {f.rule_id} on {f.obj.label} at {f.field}" for f in left[:10]]
        return lines, False
    return [
        f"checked: kubectl kustomize {shown(output)} | mclint scan - --target {emitted.target}:"
        f" no coupling to another provider above info but the {len(manual)} manual rule(s) in MIGRATION.md"
    ], True
