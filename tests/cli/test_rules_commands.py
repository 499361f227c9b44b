"""`mclint rules` and `mclint explain`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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


def test_rules_piped_lists_one_rule_per_line():
    code, out, _ = run(["rules", "--provider", "azure"])
    _, data, _ = run(["rules", "--provider", "azure", "--format", "json"])
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == [r["id"] for r in json.loads(data)]
    assert "aws-" not in out


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


@pytest.mark.parametrize("typed", ["AWS-Identity-IRSA-Role", "aws-identity-irsa-role", " AWS-IDENTITY-IRSA-ROLE"])
def test_explain_matches_ids_in_any_case(typed):
    code, out, _ = run(["explain", typed])
    assert code == 0
    assert out.startswith("aws-identity-irsa-role: ServiceAccount bound to an AWS IAM role (IRSA)")


def test_explain_suggests_the_closest_ids_for_a_typo():
    code, _, err = run(["explain", "aws-identiy-irsa-role"])
    assert code == 2
    assert "Did you mean: aws-identity-irsa-role," in err


def test_explain_json_is_the_rules_json_entry():
    code, out, _ = run(["explain", "GCP-Registry-GCR", "--format", "json"])
    _, listed, _ = run(["rules", "--format", "json", "--provider", "gcp", "--category", "registry"])
    assert code == 0
    assert json.loads(out) == next(r for r in json.loads(listed) if r["id"] == "gcp-registry-gcr")


def test_shell_completion_completes_commands_and_options():
    """click's completion, as the README documents it: `eval "$(_MCLINT_COMPLETE=bash_source mclint)"`."""
    env = {**os.environ, "_MCLINT_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "mclint"], env=env, capture_output=True, text=True, timeout=60)
    assert "_mclint_completion" in script.stdout and "complete -o nosort -F _mclint_completion" in script.stdout

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_MCLINT_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        proc = subprocess.run([sys.executable, "-m", "mclint"], env=env, capture_output=True, text=True, timeout=60)
        return [line.split(",", 1)[1] for line in proc.stdout.splitlines()]

    assert complete("mclint ex") == ["explain"]
    assert "--stdin-filename" in complete("mclint scan --std")
    assert complete("mclint scan --format con") == ["concise"]
