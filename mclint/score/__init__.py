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

from mclint.finding import Finding, ObjectRef, Severity

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


def object_key(obj: ObjectRef) -> tuple:
    """An object's identity and sort order: ObjectRef is a tuple of (file, document, kind, namespace, name, line)."""
    return obj


def object_score(penalty: int) -> float:
    return 100.0 * 0.5 ** (penalty / HALVING_PENALTY)


def floor_mean(values: list[float]) -> int:
    if not values:
        return 100
    # Round to 9 places first so float noise never takes a clean 100 down to 99.
    return math.floor(round(sum(values) / len(values), 9))


def penalties(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> dict[tuple, list]:
    """Object key → [object, penalty, finding count], sorted by key."""
    table: dict[tuple, list] = {}
    for obj in objects:
        key = object_key(obj)
        if key not in table:
            table[key] = [obj, 0, 0]
    for finding in findings:
        key = object_key(finding.obj)
        entry = table.get(key)
        if entry is None:
            entry = table[key] = [finding.obj, 0, 0]
        entry[1] += WEIGHTS[finding.severity]
        entry[2] += 1
    return dict(sorted(table.items()))


def score(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> ScoreCard:
    scored = [ObjectScore(obj, p, object_score(p), n) for obj, p, n in penalties(objects, findings).values()]
    by_file: dict[str, list[float]] = {}
    for item in scored:
        by_file.setdefault(item.obj.file, []).append(item.score)
    return ScoreCard(
        overall=floor_mean([s.score for s in scored]),
        objects=scored,
        files={file: floor_mean(values) for file, values in sorted(by_file.items())},
    )
