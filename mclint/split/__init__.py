"""`mclint split`: rewrite a single-cloud tree into a portable base and one overlay per cloud.

Every coupling of the chosen providers (above info) leaves the base: settings as the smallest entry
that holds them, registry images by renaming (the overlay's `images:` puts the registry back),
provider-only objects whole. Each provider's overlay builds on the base with one strategic-merge
patch per object, so `kubectl kustomize DIR/overlays/P` gives back the input objects (less the
other providers' couplings) and `mclint scan DIR/base` finds no coupling to P above info.

Helm values files that are not part of a chart are split the same way: the base copy loses the
coupled keys, and `overlays/P/helm-values/<path>` holds them, to pass after the base's values with
a second `-f`. Helm charts themselves are refused (split renders nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mclint.split.objects import SplitError

__all__ = ["SplitError", "SplitResult", "split"]


@dataclass
class SplitResult:
    """What a split would write (path under the output directory → text), and what it did."""

    files: dict[str, str] = field(default_factory=dict)
    providers: list[str] = field(default_factory=list)
    overlays: dict[str, str] = field(default_factory=dict)
    """Provider → the overlay directory under the output."""
    base: str = "base"
    moved: list[tuple[str, str, str]] = field(default_factory=list)
    """(provider, object label, rule ids) of objects that moved whole to an overlay."""
    patched: int = 0
    left_out: list[str] = field(default_factory=list)
    objects: int = 0
    expected: dict[str, object] = field(default_factory=dict)
    """Provider → what its overlay must build like: files (path → text) or the input's Kustomize root."""


def split(paths: list[str], providers: list[str] | None, ruleset) -> SplitResult:
    """Work out the base and overlays of `paths` without writing anything."""
    from mclint.split.inputs import classify

    given = classify(paths)
    if given.kustomize_root is not None:
        from mclint.split.kustomize import split_kustomization

        return split_kustomization(given.kustomize_root, providers, ruleset)
    from mclint.split.plain import split_files

    return split_files(given.files, given.left_out, providers, ruleset)
