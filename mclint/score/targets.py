"""Targets: "could this run on X?". A coupling to a target provider is expected there, so it drops
to info (weight 0); couplings to any other provider are what block the move. See docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import BIG_THREE, Finding, ObjectRef, Severity, findings_by_object
from mclint.score import WEIGHTS, floor_mean, object_score

DEFAULT_TARGETS = BIG_THREE


def for_targets(findings: Iterable[Finding], targets: Iterable[str]) -> list[Finding]:
    """The findings as they matter when running on `targets`: couplings to a target become info."""
    targets = frozenset(targets)
    return [f._replace(severity=Severity.INFO) if f.provider in targets and f.severity else f for f in findings]


def target_scores(objects: list[ObjectRef], findings: list[Finding], targets: Iterable[str] = ()) -> dict[str, int]:
    """One score per target, each computed as if that provider were the only target.

    With no targets given: aws, gcp, azure, and every other provider that has a finding. Each
    object's findings are gathered once; a target only changes which of them weigh.
    """
    findings = list(findings)
    names = list(targets) or sorted({*DEFAULT_TARGETS, *(f.provider for f in findings)})
    grouped = findings_by_object(findings, objects)  # the order score() sums in: the same float result
    ordered = [[(f.provider, WEIGHTS[f.severity]) for f in found] for found in grouped.values()]
    return {
        name: floor_mean([object_score(sum(w for provider, w in items if provider != name)) for items in ordered])
        for name in sorted(set(names))
    }
