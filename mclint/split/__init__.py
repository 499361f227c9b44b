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

from mclint.split.objects import SplitError
from mclint.split.result import SplitResult

__all__ = ["SplitError", "SplitResult", "split"]


def split(paths: list[str], providers: list[str] | None, ruleset) -> SplitResult:
    """Work out the base and overlays of `paths` without writing anything."""
    from mclint.split.inputs import classify

    given = classify(paths)
    if given.kustomize_root is not None:
        from mclint.split.kustomize import split_kustomization

        return split_kustomization(given.kustomize_root, providers, ruleset)
    from mclint.split.plain import split_files

    return split_files(given.files, given.left_out, providers, ruleset)
