"""The portability score: a pure function of the objects seen and the findings on them.

See docs/scoring.md. Each object scores 100 × ½^(penalty / 10), where its penalty adds the weights
of its findings (high 10, medium 4, low 1, info 0): one high-severity coupling halves an object,
two quarter it. A file's and the repository's score are the mean over their objects, so size alone
neither hides nor inflates couplings; the mean is floored, so only a clean tree scores 100.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from mclint.finding import Finding, ObjectRef, Severity

WEIGHTS = {Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1, Severity.INFO: 0}
HALVING_PENALTY = 10


@dataclass(frozen=True)
class ObjectScore:
    obj: ObjectRef
    penalty: int
    score: float
    findings: int

    def contribution(self, total_objects: int) -> float:
        """Points this object takes off the overall score."""
        return (100.0 - self.score) / total_objects if total_objects else 0.0


@dataclass(frozen=True)
class ScoreCard:
    overall: int
    objects: list[ObjectScore]
    files: dict[str, int]


def object_key(obj: ObjectRef) -> tuple:
    return (obj.file, obj.document, obj.kind, obj.namespace, obj.name, obj.line)


def object_score(penalty: int) -> float:
    return 100.0 * 0.5 ** (penalty / HALVING_PENALTY)


def floor_mean(values: list[float]) -> int:
    if not values:
        return 100
    # Round to 9 places first so float noise never takes a clean 100 down to 99.
    return math.floor(round(sum(values) / len(values), 9))


def score(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> ScoreCard:
    penalties: dict[tuple, list[int]] = {}
    seen: dict[tuple, ObjectRef] = {}
    for obj in objects:
        key = object_key(obj)
        seen[key] = obj
        penalties.setdefault(key, [0, 0])
    for finding in findings:
        key = object_key(finding.obj)
        if key not in seen:
            seen[key] = finding.obj
            penalties[key] = [0, 0]
        penalties[key][0] += WEIGHTS[finding.severity]
        penalties[key][1] += 1
    scored = [ObjectScore(seen[k], p, object_score(p), n) for k, (p, n) in penalties.items()]
    scored.sort(key=lambda s: object_key(s.obj))
    by_file: dict[str, list[float]] = {}
    for item in scored:
        by_file.setdefault(item.obj.file, []).append(item.score)
    return ScoreCard(
        overall=floor_mean([s.score for s in scored]),
        objects=scored,
        files={file: floor_mean(values) for file, values in sorted(by_file.items())},
    )
