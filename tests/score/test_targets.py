"""Targets: couplings to a target provider become info; per-target scores."""

from __future__ import annotations

from mclint.finding import Severity
from mclint.score import score
from mclint.score.targets import for_targets, target_names
from tests.conftest import FIXTURES


def target_scores(objects, findings, targets=()):
    """The per-target scores as a scan's report computes them."""
    return score(objects, findings, per_target=target_names(findings, targets)).targets


def findings_of(ruleset, *names):
    from mclint import api

    return api.scan([str(FIXTURES / n) for n in names], ruleset)


def test_couplings_to_targets_become_info(ruleset):
    result = findings_of(ruleset, "aws/irsa-service-account.yaml", "gcp/pd-storage.yaml")
    targeted = for_targets(result.findings, ["aws"])
    assert {f.severity for f in targeted if f.provider == "aws"} == {Severity.INFO}
    assert [f.severity for f in targeted if f.provider == "gcp"] == [
        f.severity for f in result.findings if f.provider == "gcp"
    ]


def test_each_target_score_ignores_only_that_provider(ruleset):
    result = findings_of(ruleset, "aws/irsa-service-account.yaml", "gcp/pd-storage.yaml")
    scores = target_scores(result.objects, result.findings)
    assert list(scores) == ["aws", "azure", "gcp"]
    without_aws = [f for f in result.findings if f.provider != "aws"]
    without_gcp = [f for f in result.findings if f.provider != "gcp"]
    assert scores["aws"] == score(result.objects, without_aws).overall
    assert scores["gcp"] == score(result.objects, without_gcp).overall
    assert scores["azure"] == score(result.objects, result.findings).overall
    assert scores["aws"] < scores["gcp"] < 100


def test_given_targets_are_the_only_scores(ruleset):
    result = findings_of(ruleset, "aws/irsa-service-account.yaml")
    assert target_scores(result.objects, result.findings, ["aws"]) == {"aws": 100}
