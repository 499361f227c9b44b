"""Splitting plain manifests: the files keep their layout under `base/`, which gets a kustomization
listing the files that still hold objects; every provider gets `overlays/<provider>/`."""

from __future__ import annotations

from pathlib import Path

from mclint.split.base import Base, lint_with
from mclint.split.documents import dump_plain, fresh
from mclint.split.layout import KUSTOMIZATION_STYLE, build_overlays, kustomization
from mclint.split.objects import NothingToSplit, SplitError, in_scope, read_file
from mclint.split.result import SplitResult

BASE_HEADER = "# The portable base, written by mclint split: each cloud's settings are in ../overlays/<cloud>.\n"


def split_files(
    files: list[tuple[Path, str]], left_out: list[str], providers: list[str] | None, ruleset
) -> SplitResult:
    base = Base([read_file(path, rel) for path, rel in files])
    base.check_buildable()
    lint = lint_with(ruleset)
    chosen = _providers(providers, lint(base.files))
    left = base.take_out(set(chosen), lint)
    if left:
        first = left[0]
        raise SplitError(
            f"{first.file}:{first.line}: {first.rule_id} could not be taken out of the base ({first.field})"
        )
    result = SplitResult(providers=chosen, left_out=list(left_out))
    resources = []
    for source in base.files:
        text = source.render()
        holds_objects = any(o.deployed and o.whole is None for o in base.objects if o.file is source)
        holds_values = any(not o.deployed for o in base.objects if o.file is source)
        if not text or not (holds_objects or holds_values):
            if not any(o.file is source for o in base.objects):
                result.left_out.append(f"{source.rel}: holds no Kubernetes object or Helm values")
            continue
        result.files[f"base/{source.rel}"] = text
        if holds_objects:
            resources.append(source.rel)
    deployable = bool(base.deployed())
    if deployable and not resources:
        result.left_out.append("the base holds no object: every object is provider-only and moved to its overlay")
    if deployable:
        result.files["base/kustomization.yaml"] = kustomization(resources, BASE_HEADER)
    for provider, overlay in build_overlays(base, chosen).items():
        root = f"overlays/{provider}"
        result.overlays[provider] = root
        for path, text in overlay.files.items():
            result.files[f"{root}/{path}"] = text
        if deployable:
            header = f"# The {provider} overlay, written by mclint split: the {provider} settings the portable base leaves out.\n"
            result.files[f"{root}/kustomization.yaml"] = header + dump_plain(
                fresh(overlay.kustomization("../../base")), KUSTOMIZATION_STYLE
            )
        result.patched += len(overlay.patches)
        result.moved.extend(
            (provider, obj.ref.label, ", ".join(sorted({f.rule_id for f in obj.findings})))
            for obj in base.objects
            if obj.whole == provider
        )
    result.objects = len(base.deployed())
    if deployable:
        result.expected = {provider: expected_files(base, provider, len(chosen) > 1) for provider in chosen}
    return result


def expected_files(base: Base, provider: str, several: bool) -> dict[str, str]:
    """The input as `provider`'s overlay must build it: the files as read when it is the only
    provider split out; else each object less the other providers' couplings."""
    from mclint.split.documents import plain
    from mclint.split.engine import views

    if not several:
        files = {f"input/{source.rel}": source.text for source in base.files}
        listed = sorted({f"input/{obj.file.rel}" for obj in base.deployed()})
        files["kustomization.yaml"] = kustomization(listed)
        return files
    files = {}
    for number, obj in enumerate(base.deployed()):
        if obj.whole not in (None, provider):
            continue
        target = views(obj, provider, base.images, plain(obj.node()))[0] if obj.original is not None else obj.snapshot()
        files[f"objects/{number:05d}.yaml"] = dump_plain(fresh(target))
    files["kustomization.yaml"] = kustomization(sorted(files))
    return files


def _providers(given: list[str] | None, findings) -> list[str]:
    found = sorted({f.provider for f in findings if in_scope(f, {f.provider})})
    if given:
        return sorted(set(given))
    if not found:
        raise NothingToSplit("nothing to split: no coupling above info, the manifests are portable already")
    return found
