"""Targets: "could this run on X?". A coupling to a target provider is expected there, so it drops
to info (weight 0); couplings to any other provider are what block the move. See docs/scoring.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from mclint.finding import Finding, ObjectRef, Severity
from mclint.score import score

DEFAULT_TARGETS = ("aws", "gcp", "azure")


def for_targets(findings: Iterable[Finding], targets: Iterable[str]) -> list[Finding]:
    """The findings as they matter when running on `targets`: couplings to a target become info."""
    targets = frozenset(targets)
    return [
        dataclasses.replace(f, severity=Severity.INFO) if f.provider in targets and f.severity else f for f in findings
    ]


def target_scores(objects: list[ObjectRef], findings: list[Finding], targets: Iterable[str] = ()) -> dict[str, int]:
    """One score per target, each computed as if that provider were the only target.

    With no targets given: aws, gcp, azure, and every other provider that has a finding.
    """
    names = list(targets) or sorted({*DEFAULT_TARGETS, *(f.provider for f in findings)})
    return {name: score(objects, for_targets(findings, [name])).overall for name in sorted(set(names))}
