"""The portability score: a pure function of the objects seen, the findings on them and how they group.

See docs/scoring.md. The score is a mean over deployable units (mclint.score.units): a workload with
the objects that serve it, or an object that serves none. A unit scores 100 × ½^(penalty / 10), where
its penalty adds the weights of the findings on its objects (high 10, medium 4, low 1, info 0): one
high-severity coupling halves a unit, two quarter it. The mean is floored, so only a clean tree
scores 100; with nothing to score there is no score (None), never a free 100.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from mclint.finding import Finding, ObjectRef, Severity
from mclint.finding.grouping import object_findings
from mclint.score.units import NO_UNITS, Units
from mclint.score.workloads import WorkloadRanks

WEIGHTS = {Severity.HIGH: 10, Severity.MEDIUM: 4, Severity.LOW: 1, Severity.INFO: 0}
HALVING_PENALTY = 10
GOOD_SCORE, FAIR_SCORE = 90, 60

Expected = Callable[[Finding], bool]
"""Whether a finding is a coupling the targets expect (it then weighs nothing)."""


class UnitScore(NamedTuple):
    """One unit's part in the score, for --explain-score."""

    obj: ObjectRef
    """The unit's workload, or the object that is a unit of its own."""
    members: int
    penalty: int
    score: float
    findings: int

    def contribution(self, total_units: int) -> float:
        """Points this unit takes off the overall score."""
        return (100.0 - self.score) / total_units if total_units else 0.0


class ScoreCard(NamedTuple):
    overall: int | None
    """None when there was nothing to score (no object, no finding)."""
    files: dict[str, int]
    targets: dict[str, int | None]
    """Per-target scores, when asked for: each as if that provider were the only target."""
    units: int = 0
    """How many units the overall score is a mean over."""
    workloads: dict[str, int] | None = None
    """Workloads per class (mclint.score.workloads), with their total."""


def rating(score: int | None) -> str:
    """good, fair or poor: how reports colour a score (n/a when there is none)."""
    if score is None:
        return "n/a"
    return "good" if score >= GOOD_SCORE else "fair" if score >= FAIR_SCORE else "poor"


def shown(score: int | None) -> str:
    """A score as reports print it: the number, or n/a."""
    return "n/a" if score is None else str(score)


def object_score(penalty: int) -> float:
    return 100.0 * 0.5 ** (penalty / HALVING_PENALTY)


def floor_mean(values: Sequence[float]) -> int | None:
    if not values:
        return None
    # Round to 9 places first so float noise never takes a clean 100 down to 99.
    return math.floor(round(sum(values) / len(values), 9))


def penalty(findings: Iterable[Finding]) -> int:
    return sum(WEIGHTS[finding.severity] for finding in findings)


def score(
    objects: Iterable[ObjectRef],
    findings: Iterable[Finding],
    expected: Expected | None = None,
    per_target: Iterable[str] = (),
    units: Units | None = None,
    ranks: WorkloadRanks | None = None,
) -> ScoreCard:
    """The overall and per-file scores, and a score per name in `per_target`, in one pass.

    Findings `expected` says the targets expect weigh nothing in the overall and file scores. Each
    object's findings are held only while its file is scored; what is kept is one float per unit
    of its own, and a penalty per workload unit. `ranks`, when given, is fed the same pass (the
    workload classes).
    """
    units = units or NO_UNITS
    names = sorted(set(per_target))
    overall, by_target = array("d"), {name: array("d") for name in names}
    count = len(units.workloads)
    penalties, seen = array("q", [0]) * count, bytearray(count)
    providers: dict[str, array] = {}
    """provider → each workload unit's weight of findings naming it."""
    files = _FileScores(findings)
    for obj, found in object_findings(objects, findings):
        weighed = [(f, 0 if expected is not None and expected(f) else WEIGHTS[f.severity]) for f in found]
        numbers = units.of(obj)
        files.add(obj, numbers or (obj,), weighed)
        if not numbers:
            overall.append(object_score(sum(w for _, w in weighed)))
            for name in names:
                by_target[name].append(object_score(sum(WEIGHTS[f.severity] for f in found if f.provider != name)))
            continue
        counted = sum(w for _, w in weighed)
        if ranks is not None:
            ranks.add(numbers, found)
        for number in numbers:
            penalties[number] += counted
            seen[number] = 1
            for f in found:
                weights = providers.get(f.provider)
                if weights is None:
                    weights = providers[f.provider] = array("q", [0]) * count
                weights[number] += WEIGHTS[f.severity]
    for number in range(count):
        if not seen[number]:
            continue
        overall.append(object_score(penalties[number]))
        total = sum(weights[number] for weights in providers.values())
        for name in names:
            own = providers.get(name)
            by_target[name].append(object_score(total - (own[number] if own is not None else 0)))
    targets = {name: floor_mean(values) for name, values in by_target.items()}
    return ScoreCard(floor_mean(overall), files.done(), targets, len(overall))


class _FileScores:
    """A file's score is the score of what is reported in it: the units with an object defined in the
    file or a finding shown in it, each weighed by the findings shown in that file only (a Kustomize
    patch file scores its own findings; the base file it patches keeps its own score)."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        foreign = getattr(findings, "foreign", None)
        self.held = None if foreign is None else {f.file for f in foreign}
        """Files that findings shown away from their object reach: scored at the end (None: every file)."""
        self.open: dict[str, dict[object, int]] = {}
        self.scores: dict[str, int] = {}
        self.current: str | None = None

    def add(self, obj: ObjectRef, keys: tuple, weighed: list[tuple[Finding, int]]) -> None:
        if obj.file != self.current:
            if self.current is not None and self.held is not None and self.current not in self.held:
                self._close(self.current)
            self.current = obj.file
        defined = self.open.setdefault(obj.file, {})
        for key in keys:
            defined.setdefault(key, 0)
        for finding, weight in weighed:
            shown_in = self.open.setdefault(finding.file, {})
            for key in keys:
                shown_in[key] = shown_in.get(key, 0) + weight

    def _close(self, file: str) -> None:
        self.scores[file] = floor_mean([object_score(p) for p in self.open.pop(file).values()])

    def done(self) -> dict[str, int]:
        for file in list(self.open):
            self._close(file)
        return dict(sorted(self.scores.items()))


def unit_scores(
    objects: Iterable[ObjectRef], findings: Iterable[Finding], units: Units | None = None
) -> list[UnitScore]:
    """Every unit's score (for --explain-score): the units of their own in object order, then the
    workload units in file order."""
    units = units or NO_UNITS
    scored: list[UnitScore] = []
    totals: dict[int, list[int]] = {}
    for obj, found in object_findings(objects, findings):
        points = penalty(found)
        numbers = units.of(obj)
        if not numbers:
            scored.append(UnitScore(obj, 1, points, object_score(points), len(found)))
        for number in numbers:
            total = totals.setdefault(number, [0, 0, 0])
            total[0] += 1
            total[1] += points
            total[2] += len(found)
    for number, workload in enumerate(units.workloads):
        if number in totals:
            members, points, count = totals[number]
            scored.append(UnitScore(workload, members, points, object_score(points), count))
    return scored
