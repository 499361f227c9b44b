"""`mclint rules` and `mclint explain`."""

from __future__ import annotations

import json

from tests.cli.runner import run


def test_rules_json_filters_by_provider_and_category():
    code, out, _ = run(["rules", "--format", "json", "--provider", "gcp", "--category", "registry"])
    rules = json.loads(out)
    assert code == 0
    assert [r["id"] for r in rules] == [
        "gcp-registry-artifact-registry",
        "gcp-registry-gcr",
        "gcp-registry-google-public",
    ]
    assert set(rules[0]["equivalents"]) == {"aws", "azure"}
    assert rules[0]["docs"].startswith("https://")


def test_rules_table_lists_every_rule_with_a_count():
    code, out, _ = run(["rules", "--provider", "azure"])
    assert code == 0
    assert "azure-identity-workload-identity-client" in out
    assert "aws-" not in out
    assert out.rstrip().endswith("'mclint explain RULE_ID' explains one.")


def test_explain_prints_the_whole_explanation():
    code, out, _ = run(["explain", "aws-network-lb-internal"])
    assert code == 0
    assert out.startswith("aws-network-lb-internal: Service made internal by an AWS-only annotation (exposure hazard)")
    for heading in (
        "Severity:",
        "Why it ties you to the provider:",
        "What to do:",
        "Equivalents elsewhere:",
        "Documentation:",
    ):
        assert heading in out
    assert '  gcp: networking.gke.io/load-balancer-type: "Internal"' in out


def test_explain_unknown_id_is_a_clear_error_with_close_matches():
    code, out, err = run(["explain", "aws-identity-irsa"])
    assert code == 2 and out == ""
    assert "unknown rule id 'aws-identity-irsa'" in err
    assert "aws-identity-irsa-role" in err and "aws-identity-irsa-settings" in err
