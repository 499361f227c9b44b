"""Targets: "could this run on X?". A coupling to provider P is expected, and drops to info (weight 0),
only where P is the only cloud it must run on: anywhere when P is the sole target, and with several
targets only inside P's own Kustomize overlay. Every other coupling is what blocks the move.
See docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import Finding, Severity
from mclint.finding.spools import Findings
from mclint.score import Expected
from mclint.vocabulary import vocabulary


def expectation(targets: Iterable[str], own_overlays: dict[str, str] | None = None) -> Expected | None:
    """Which findings the targets expect, or None with no target.

    `own_overlays` maps an overlay directory to the one provider its own couplings name (see
    mclint.render.overlays.own_overlays): a coupling to P there is P's overlay doing its job.
    """
    wanted = frozenset(targets)
    if not wanted:
        return None
    if len(wanted) == 1:
        (only,) = wanted
        return lambda finding: finding.provider == only
    overlays = sorted(((d.rstrip("/") + "/", p) for d, p in (own_overlays or {}).items() if p in wanted), reverse=True)

    def in_own_overlay(finding: Finding) -> bool:
        if finding.provider not in wanted:
            return False
        return any(
            finding.file.startswith(directory) and provider == finding.provider for directory, provider in overlays
        )

    return in_own_overlay


def for_targets(findings: Iterable[Finding], expected: Expected | None) -> Findings:
    """The findings as they matter on the targets: the couplings they expect become info."""
    if expected is None:
        return findings if isinstance(findings, Findings) else Findings(findings)
    return Findings(f._replace(severity=Severity.INFO) if f.severity and expected(f) else f for f in findings)


def target_names(findings: Iterable[Finding], targets: Iterable[str] = ()) -> list[str]:
    """The given targets, else the big three and every provider a finding names."""
    counts = getattr(findings, "counts", None)
    providers = {provider for provider, _, _ in counts} if counts is not None else {f.provider for f in findings}
    return sorted(set(targets) or {*vocabulary().targets, *providers})
