"""Targets: "could this run on X?". A coupling to a target provider is expected there, so it drops
to info (weight 0); couplings to any other provider are what block the move. See docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import Finding, ObjectRef, Severity
from mclint.finding.spools import Findings
from mclint.score import score
from mclint.vocabulary import vocabulary


def for_targets(findings: Iterable[Finding], targets: Iterable[str]) -> Findings:
    """The findings as they matter when running on `targets`: couplings to a target become info."""
    targets = frozenset(targets)
    return Findings(f._replace(severity=Severity.INFO) if f.provider in targets and f.severity else f for f in findings)


def target_scores(
    objects: Iterable[ObjectRef], findings: Iterable[Finding], targets: Iterable[str] = ()
) -> dict[str, int]:
    """One score per target, each computed as if that provider were the only target.

    With no targets given: aws, gcp, azure, and every other provider that has a finding.
    """
    if not isinstance(findings, (Findings, list)):
        findings = list(findings)
    return score(objects, findings, per_target=target_names(findings, targets)).targets


def target_names(findings: Iterable[Finding], targets: Iterable[str] = ()) -> list[str]:
    """The given targets, else the big three and every provider a finding names."""
    counts = getattr(findings, "counts", None)
    providers = {provider for provider, _, _ in counts} if counts is not None else {f.provider for f in findings}
    return sorted(set(targets) or {*vocabulary().targets, *providers})
