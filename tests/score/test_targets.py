"""Targets: couplings to a target provider become info; per-target scores."""

from __future__ import annotations

from mclint.finding import Severity
from mclint.score import score
from mclint.score.targets import expectation, for_targets, target_names
from tests.conftest import FIXTURES


def target_scores(objects, findings, targets=()):
    """The per-target scores as a scan's report computes them."""
    return score(objects, findings, per_target=target_names(findings, targets)).targets


def findings_of(ruleset, *names):
    from mclint import api

    return api.scan([str(FIXTURES / n) for n in names], ruleset)


def test_couplings_to_targets_become_info(ruleset):
    result = findings_of(ruleset, "aws/irsa-service-account.yaml", "gcp/pd-storage.yaml")
    targeted = for_targets(result.findings, expectation(["aws"]))
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


def test_with_several_targets_a_coupling_to_one_of_them_keeps_its_severity(ruleset):
    """A GKE-only binding cannot run on Azure: with gcp and azure as targets it still blocks."""
    result = findings_of(ruleset, "gcp/workload-identity-service-account.yaml")
    assert {f.provider for f in result.findings} == {"gcp"}
    alone = for_targets(result.findings, expectation(["gcp"]))
    both = for_targets(result.findings, expectation(["gcp", "azure"]))
    assert {f.severity for f in alone} == {Severity.INFO}
    assert [f.severity for f in both] == [f.severity for f in result.findings]
    assert score(result.objects, result.findings, expectation(["gcp", "azure"])).overall < 100
    assert score(result.objects, result.findings, expectation(["gcp"])).overall == 100


def test_with_several_targets_a_coupling_in_its_providers_own_overlay_is_expected(ruleset):
    gcp_overlay = {"k8s/overlays/gcp": "gcp", "k8s/overlays/aws": "aws"}
    expected = expectation(["gcp", "azure"], gcp_overlay)
    result = findings_of(ruleset, "gcp/workload-identity-service-account.yaml")
    finding = result.findings[0]
    assert expected(finding._replace(file="k8s/overlays/gcp/sa.yaml"))
    assert not expected(finding._replace(file="k8s/base/sa.yaml"))  # in the shared base: blocks azure
    assert not expected(finding._replace(file="k8s/overlays/aws/sa.yaml"))  # not gcp's overlay
    assert not expected(finding._replace(file="k8s/overlays/gcp-old/sa.yaml"))  # a sibling, not inside it
