"""The rule-pack cache changes how fast rules load, never which rules load."""

from __future__ import annotations

import json

from mclint import cache
from mclint.rules import registry


def _described(rules):
    return [(r.id, r.severity, r.kinds, r.message, r.why, r.equivalents, r.source) for r in rules]


def test_rules_from_the_cache_equal_rules_parsed_from_the_packs(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    parsed = registry.shipped_rules()
    assert (tmp_path / cache.CACHE_FILE).is_file()
    monkeypatch.setattr(registry, "_parse_pack", lambda *a: (_ for _ in ()).throw(AssertionError("parsed again")))
    cached = registry.shipped_rules()
    assert _described(cached) == _described(parsed)
    assert len(cached) > 100


def test_cached_rules_find_the_same_couplings(monkeypatch, tmp_path):
    from mclint import api
    from mclint.rules.engine import RuleSet

    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    manifest = tmp_path / "sa.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/r\n"
    )
    first = api.scan([str(manifest)], RuleSet(registry.shipped_rules())).findings
    second = api.scan([str(manifest)], RuleSet(registry.shipped_rules())).findings
    assert [(f.rule_id, f.line, f.column) for f in second] == [(f.rule_id, f.line, f.column) for f in first]
    assert [f.rule_id for f in first] == ["aws-identity-irsa-role"]


def test_a_corrupt_or_foreign_cache_is_a_miss(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    expected = _described(registry.shipped_rules())
    (tmp_path / cache.CACHE_FILE).write_text("{not json")
    assert _described(registry.shipped_rules()) == expected
    key = json.loads((tmp_path / cache.CACHE_FILE).read_text())["key"]
    (tmp_path / cache.CACHE_FILE).write_text(json.dumps({"key": key, "rules": [{"id": "x", "template": "nope"}]}))
    assert _described(registry.shipped_rules()) == expected


def test_changed_pack_bytes_change_the_key():
    assert cache.pack_key([("rules/a.yaml", b"x")]) != cache.pack_key([("rules/a.yaml", b"y")])


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MCLINT_NO_CACHE", "1")
    registry.shipped_rules()
    assert not (tmp_path / cache.CACHE_FILE).exists()


def test_an_unwritable_cache_directory_is_ignored(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(blocker / "cache"))
    assert len(registry.shipped_rules()) > 100
