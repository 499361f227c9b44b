"""The portability score: a pure function of the objects seen and the findings on them.

See docs/scoring.md. Each object scores 100 × ½^(penalty / 10), where its penalty adds the weights
of its findings (high 10, medium 4, low 1, info 0): one high-severity coupling halves an object,
two quarter it. A file's and the repository's score are the mean over their objects, so size alone
neither hides nor inflates couplings; the mean is floored, so only a clean tree scores 100.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from mclint.finding import Finding, ObjectRef, Severity, findings_by_object

WEIGHTS = {Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1, Severity.INFO: 0}
HALVING_PENALTY = 10


class ObjectScore(NamedTuple):
    obj: ObjectRef
    penalty: int
    score: float
    findings: int

    def contribution(self, total_objects: int) -> float:
        """Points this object takes off the overall score."""
        return (100.0 - self.score) / total_objects if total_objects else 0.0


class ScoreCard(NamedTuple):
    overall: int
    objects: list[ObjectScore]
    files: dict[str, int]


def object_score(penalty: int) -> float:
    return 100.0 * 0.5 ** (penalty / HALVING_PENALTY)


def floor_mean(values: list[float]) -> int:
    if not values:
        return 100
    # Round to 9 places first so float noise never takes a clean 100 down to 99.
    return math.floor(round(sum(values) / len(values), 9))


def penalty(findings: Iterable[Finding]) -> int:
    return sum(WEIGHTS[finding.severity] for finding in findings)


def score(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> ScoreCard:
    scored = []
    for obj, found in findings_by_object(findings, objects).items():
        points = penalty(found)
        scored.append(ObjectScore(obj, points, object_score(points), len(found)))
    by_file: dict[str, list[float]] = {}
    for item in scored:
        by_file.setdefault(item.obj.file, []).append(item.score)
    return ScoreCard(
        overall=floor_mean([s.score for s in scored]),
        objects=scored,
        files={file: floor_mean(values) for file, values in sorted(by_file.items())},
    )
