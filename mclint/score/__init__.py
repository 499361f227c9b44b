"""The portability score: a pure function of the objects seen and the findings on them.

See docs/scoring.md. Each object scores 100 × ½^(penalty / 10), where its penalty adds the weights
of its findings (high 10, medium 4, low 1, info 0): one high-severity coupling halves an object,
two quarter it. A file's and the repository's score are the mean over their objects, so size alone
neither hides nor inflates couplings; the mean is floored, so only a clean tree scores 100.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from mclint.finding import Finding, ObjectRef, Severity
from mclint.finding.grouping import object_findings

WEIGHTS = {Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1, Severity.INFO: 0}
HALVING_PENALTY = 10
GOOD_SCORE, FAIR_SCORE = 90, 60


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
    files: dict[str, int]
    targets: dict[str, int]
    """Per-target scores, when asked for: each as if that provider were the only target."""


def rating(score: int) -> str:
    """good, fair or poor: how reports colour a score."""
    return "good" if score >= GOOD_SCORE else "fair" if score >= FAIR_SCORE else "poor"


def object_score(penalty: int) -> float:
    return 100.0 * 0.5 ** (penalty / HALVING_PENALTY)


def floor_mean(values: Sequence[float]) -> int:
    if not values:
        return 100
    # Round to 9 places first so float noise never takes a clean 100 down to 99.
    return math.floor(round(sum(values) / len(values), 9))


def penalty(findings: Iterable[Finding]) -> int:
    return sum(WEIGHTS[finding.severity] for finding in findings)


def object_scores(objects: Iterable[ObjectRef], findings: Iterable[Finding]) -> Iterator[ObjectScore]:
    """Each object's score in object order, computed one file at a time (for --explain-score)."""
    for obj, found in object_findings(objects, findings):
        points = penalty(found)
        yield ObjectScore(obj, points, object_score(points), len(found))


def score(
    objects: Iterable[ObjectRef],
    findings: Iterable[Finding],
    excluded: Iterable[str] = (),
    per_target: Iterable[str] = (),
) -> ScoreCard:
    """The overall and per-file scores, and a score per name in `per_target`, in one pass.

    Couplings to `excluded` providers (the targets a team runs on) weigh nothing. Each object's
    findings are held only while its file is scored; what is kept is one float per object (8 bytes
    in an array), so floor_mean sums exactly the values, in the order, it always has.
    """
    excluded, names = frozenset(excluded), sorted(set(per_target))
    overall, by_target = array("d"), {name: array("d") for name in names}
    files: dict[str, int] = {}
    current, in_file = None, array("d")
    for obj, found in object_findings(objects, findings):
        weighed = [(f.provider, WEIGHTS[f.severity]) for f in found]
        value = object_score(sum(w for provider, w in weighed if provider not in excluded))
        if obj.file != current:
            if current is not None:
                files[current] = floor_mean(in_file)
            current, in_file = obj.file, array("d")
        in_file.append(value)
        overall.append(value)
        for name in names:
            by_target[name].append(object_score(sum(w for provider, w in weighed if provider != name)))
    if current is not None:
        files[current] = floor_mean(in_file)
    targets = {name: floor_mean(values) for name, values in by_target.items()}
    return ScoreCard(floor_mean(overall), dict(sorted(files.items())), targets)
