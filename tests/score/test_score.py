"""The score formula (docs/scoring.md): per object 100·½^(penalty/10), overall the floored mean."""

from __future__ import annotations

import pytest

from mclint.finding import Finding, ObjectRef, Severity
from mclint.score import floor_mean, object_score, score, unit_scores


def obj(name: str, file: str = "a.yaml") -> ObjectRef:
    return ObjectRef(file, 0, "ServiceAccount", "ns", name, 1)


def finding(o: ObjectRef, severity: Severity, rule: str = "aws-identity-irsa-role") -> Finding:
    return Finding(rule, "aws", "identity", severity, o.file, 1, 1, o, "f", "m", "r")


@pytest.mark.parametrize(
    ("penalty", "expected"), [(0, 100.0), (10, 50.0), (20, 25.0), (4, 75.78582833), (1, 93.30329915)]
)
def test_object_score_halves_for_every_ten_points_of_penalty(penalty, expected):
    assert object_score(penalty) == pytest.approx(expected)


def test_severity_weights_high_10_medium_4_low_1_info_0():
    a, b, c, d = obj("a"), obj("b"), obj("c"), obj("d")
    card_findings = [
        finding(a, Severity.HIGH),
        finding(b, Severity.MEDIUM),
        finding(c, Severity.LOW),
        finding(d, Severity.INFO),
    ]
    card = score([a, b, c, d], card_findings)
    assert [s.penalty for s in unit_scores([a, b, c, d], card_findings)] == [10, 4, 1, 0]
    assert card.overall == 79  # floor((50 + 75.79 + 93.30 + 100) / 4) = floor(79.77)


def test_clean_tree_scores_100_and_any_coupling_scores_below():
    objects = [obj(str(i)) for i in range(1000)]
    assert score(objects, []).overall == 100
    assert score(objects, [finding(objects[0], Severity.LOW)]).overall == 99
    assert score(objects, [finding(objects[0], Severity.INFO)]).overall == 100


def test_size_alone_does_not_change_the_score():
    """The same mix of coupled and clean objects scores the same at 10 and at 1,000 objects."""
    small = [obj(str(i)) for i in range(10)]
    large = [obj(str(i)) for i in range(1000)]
    small_findings = [finding(small[0], Severity.HIGH)]
    large_findings = [finding(large[i], Severity.HIGH) for i in range(0, 1000, 10)]
    assert score(small, small_findings).overall == score(large, large_findings).overall == 95


def test_file_scores_are_means_over_their_objects_and_the_result_is_deterministic():
    a1, a2, b1 = obj("a1", "a.yaml"), obj("a2", "a.yaml"), obj("b1", "b.yaml")
    findings = [finding(a1, Severity.HIGH), finding(b1, Severity.HIGH), finding(b1, Severity.HIGH, "x-y-z")]
    card = score([b1, a2, a1], findings)
    assert card.files == {"a.yaml": 75, "b.yaml": 25}
    assert card == score([a1, a2, b1], list(reversed(findings)))


def test_floor_mean_is_not_fooled_by_float_noise():
    assert floor_mean([100.0] * 3) == 100
    assert floor_mean([]) is None


def test_a_files_score_is_the_score_of_what_is_reported_in_it():
    """A Kustomize patch file shows a finding on an object defined in the base: the patch file scores
    that finding, the base file (which reports none) stays clean."""
    from mclint.finding.spools import Findings

    base = obj("orders", "base/sa.yaml")
    other = obj("billing", "base/other.yaml")
    patched = finding(base, Severity.HIGH)._replace(file="overlays/aws/sa-patch.yaml")
    card = score([other, base], Findings([finding(other, Severity.MEDIUM), patched]))
    assert card.files == {"base/other.yaml": 75, "base/sa.yaml": 100, "overlays/aws/sa-patch.yaml": 50}
    assert card.overall == 62  # floor((75.79 + 50) / 2): the object still carries its coupling


def test_nothing_to_score_has_no_score_rather_than_100():
    card = score([], [])
    assert (card.overall, card.files, card.units) == (None, {}, 0)
    assert score([], [], per_target=["aws"]).targets == {"aws": None}
