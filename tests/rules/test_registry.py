"""Rule packs load strictly: a bad rule names its file and line; plugins come from entry points."""

from __future__ import annotations

from importlib import metadata

import pytest

from mclint import api
from mclint.finding import Severity
from mclint.rules import registry
from mclint.rules.engine import RuleSet
from mclint.rules.registry import RuleError, load_rule_file, load_rules
from mclint.rules.rule import Rule
from mclint.vocabulary import VOCABULARY_FILE, rule_packs_dir, vocabulary

GOOD = """provider: aws
category: identity
rules:
  - id: aws-identity-test
    title: Test
    severity: low
    kinds: [ServiceAccount]
    field: metadata.annotations
    match: {key: example.aws/thing}
    message: "found {key}={value} on {kind} {name}"
    remediation: Remove it.
"""


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_rule_file_compiles_into_rules_with_their_metadata(tmp_path):
    (rule,) = load_rule_file(write(tmp_path, GOOD))
    assert (rule.id, rule.provider, rule.category, rule.severity) == (
        "aws-identity-test",
        "aws",
        "identity",
        Severity.LOW,
    )
    assert rule.kinds == ("ServiceAccount",)
    assert rule.source.endswith("pack.yaml:4")


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("    severity: low", "    severity: urgent"), 6, "unknown severity 'urgent'"),
        (("    kinds: [ServiceAccount]", "    kinds: ServiceAccount"), 7, "kinds must be a non-empty list"),
        (("    match: {key: example.aws/thing}", "    match: {keys: x}"), 9, "unknown match criteria keys"),
        (("    match: {key: example.aws/thing}", "    match: {key_regex: '('}"), 9, "not a valid regular expression"),
        (("    field: metadata.annotations", "    field: metadata annotations!"), 8, "unknown field"),
        (("    title: Test", "    titel: Test"), 5, "unknown key 'titel'"),
        (("  - id: aws-identity-test", "  - id: gcp-identity-test"), 4, "must start with 'aws-identity-'"),
        (("category: identity", "category: vibes"), 4, "unknown category 'vibes'"),
    ],
)
def test_bad_rules_are_errors_naming_file_and_line(tmp_path, change, line, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as raised:
        load_rule_file(path)
    assert raised.value.line == line
    assert message in raised.value.message


def test_duplicate_rule_ids_are_refused(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RuleError, match="already defined"):
        load_rules([tmp_path], plugins=False)


def test_extra_rule_directory_adds_rules_that_fire(tmp_path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    write(rules_dir, GOOD)
    ruleset = RuleSet(load_rules([rules_dir], plugins=False))
    manifest = write(
        tmp_path,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  annotations:\n    example.aws/thing: yes\n",
        "m.yaml",
    )
    (found,) = api.scan([str(manifest)], ruleset).findings
    assert (found.rule_id, found.line, found.column, found.message) == (
        "aws-identity-test",
        6,
        5,
        "found example.aws/thing=yes on ServiceAccount s",
    )


def _plugin_check(rule, manifest):
    if manifest.kind == "ConfigMap" and "danger" in (manifest.body.get("data") or {}):
        yield rule.finding(manifest, "data.danger", manifest.body["data"].key_position("danger"))


PLUGIN_RULE = Rule(
    id="gcp-managed-service-plugin-demo",
    title="Plugin demo",
    provider="gcp",
    category="managed-service",
    severity=Severity.MEDIUM,
    kinds=("ConfigMap",),
    message="{kind} {name} has danger",
    remediation="Remove it.",
    check=_plugin_check,
    source="tests.rules.test_registry",
)


def test_python_rules_plug_in_through_entry_points(monkeypatch, tmp_path):
    entry = metadata.EntryPoint("demo", "tests.rules.test_registry:PLUGIN_RULE", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(metadata, "entry_points", lambda group: [entry] if group == entry.group else [])
    monkeypatch.setattr(registry, "_may_have_plugins", lambda: True)
    ruleset = RuleSet(load_rules())
    assert "gcp-managed-service-plugin-demo" in {r.id for r in ruleset.rules}
    path = write(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  danger: x\n", "cm.yaml")
    (found,) = api.scan([str(path)], ruleset).findings
    assert (found.rule_id, found.line, found.message) == (
        "gcp-managed-service-plugin-demo",
        5,
        "ConfigMap c has danger",
    )


def test_plugins_are_looked_up_only_when_a_distribution_declares_the_group(monkeypatch, tmp_path):
    site = tmp_path / "site"
    (site / "other-1.0.dist-info").mkdir(parents=True)
    (site / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n")
    monkeypatch.setattr("sys.path", [str(site)])
    assert registry._may_have_plugins() is False
    (site / "plugin-1.0.dist-info").mkdir()
    (site / "plugin-1.0.dist-info" / "entry_points.txt").write_text("[mclint.rules]\ndemo = plugin:RULES\n")
    assert registry._may_have_plugins() is True


def test_a_plugin_that_raises_is_reported_and_other_rules_still_run(tmp_path):
    def broken(rule, manifest):
        raise RuntimeError("boom")

    bad = Rule("aws-identity-broken", "t", "aws", "identity", Severity.LOW, ("ServiceAccount",), "m", "r", broken)
    ruleset = RuleSet([bad, *load_rules(plugins=False)])
    path = write(
        tmp_path,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  annotations:\n    iam.gke.io/gcp-service-account: a@b.iam.gserviceaccount.com\n",
        "sa.yaml",
    )
    result = api.scan([str(path)], ruleset)
    assert [f.rule_id for f in result.findings] == ["gcp-identity-workload-identity"]
    (error,) = result.errors
    assert "rule aws-identity-broken failed" in error.message and "boom" in error.message


def test_rules_run_only_on_the_kinds_they_name(ruleset):
    by_kind = {rule.id for rule in ruleset.for_object("ConfigMap", False)}
    assert "aws-secrets-csi-provider" not in by_kind
    assert "aws-secrets-csi-provider" in {rule.id for rule in ruleset.for_object("SecretProviderClass", False)}
    assert "aws-identity-irsa-role" in by_kind  # the IRSA annotation binds wherever it is written


def test_shipped_rule_packs_are_found_from_the_installed_package():
    directory = rule_packs_dir()
    assert "aws-identity.yaml" in {p.name for p in registry.rule_files(directory)}


def test_the_vocabulary_file_beside_the_packs_is_not_a_rule_pack():
    assert (rule_packs_dir() / VOCABULARY_FILE).is_file()
    assert not any(rule.source.startswith(f"rules/{VOCABULARY_FILE}") for rule in load_rules(plugins=False))


def test_a_new_provider_is_a_line_in_the_vocabulary_file(tmp_path, monkeypatch):
    rule = """\
provider: hetzner
category: network
rules:
  - id: hetzner-network-lb-location
    title: Hetzner load balancer location
    severity: medium
    kinds: [Service]
    field: metadata.annotations
    match: {key: load-balancer.hetzner.cloud/location}
    message: "location {value}"
    remediation: Move it to an overlay.
"""
    (tmp_path / "hetzner.yaml").write_text(rule)
    with pytest.raises(RuleError, match="unknown provider 'hetzner'"):
        load_rule_file(tmp_path / "hetzner.yaml")
    words = (rule_packs_dir() / VOCABULARY_FILE).read_text().replace("  - openshift\n", "  - openshift\n  - hetzner\n")
    (tmp_path / VOCABULARY_FILE).write_text(words)
    monkeypatch.setattr("mclint.vocabulary.vocabulary_file", lambda: tmp_path / VOCABULARY_FILE)
    vocabulary.cache_clear()
    try:
        (loaded,) = load_rule_file(tmp_path / "hetzner.yaml")
        assert (loaded.provider, "hetzner" in vocabulary().providers) == ("hetzner", True)
    finally:
        vocabulary.cache_clear()


def test_every_shipped_regular_expression_compiles():
    """Shipped packs compile their expressions lazily at run time; this compiles them all now."""
    assert len(load_rules(plugins=False, validate=True)) >= 100


def test_extra_rule_directories_are_validated_at_load(tmp_path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    write(rules_dir, GOOD.replace("    match: {key: example.aws/thing}", "    match: {value_regex: '(unclosed'}"))
    with pytest.raises(RuleError, match="not a valid regular expression"):
        load_rules([rules_dir], plugins=False)


JSONPATH_PACK = """provider: gcp
category: managed-service
rules:
  - id: gcp-managed-service-test-args
    title: Test
    severity: low
    kinds: ["@workload"]
    path: "$..containers[*].args[*]"
    match: {value_prefix: "--instance="}
    message: "{value}"
    remediation: Remove it.
"""


def test_a_jsonpath_rule_reports_the_item_it_matched_with_its_concrete_path(tmp_path):
    """Wildcard and descendant steps resolve to the item: its index in the field, its own line."""
    ruleset = RuleSet(load_rule_file(write(tmp_path, JSONPATH_PACK)))
    manifest = write(
        tmp_path,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      args:\n"
        "        - --verbose\n        - --instance=proj:region:db\n",
        "pod.yaml",
    )
    (found,) = api.scan([str(manifest)], ruleset).findings
    assert (found.field, found.line, found.column) == ("spec.containers[0].args[1]", 9, 11)
