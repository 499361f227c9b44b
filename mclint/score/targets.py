"""Targets: "could this run on X?". A coupling to a target provider is expected there, so it drops
to info (weight 0); couplings to any other provider are what block the move. See docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import Finding, Severity
from mclint.finding.spools import Findings
from mclint.vocabulary import vocabulary


def for_targets(findings: Iterable[Finding], targets: Iterable[str]) -> Findings:
    """The findings as they matter when running on `targets`: couplings to a target become info."""
    targets = frozenset(targets)
    return Findings(f._replace(severity=Severity.INFO) if f.provider in targets and f.severity else f for f in findings)


def target_names(findings: Iterable[Finding], targets: Iterable[str] = ()) -> list[str]:
    """The given targets, else the big three and every provider a finding names."""
    counts = getattr(findings, "counts", None)
    providers = {provider for provider, _, _ in counts} if counts is not None else {f.provider for f in findings}
    return sorted(set(targets) or {*vocabulary().targets, *providers})
