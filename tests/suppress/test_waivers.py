"""Config waivers: matching by rule, path, kind, namespace, name; expired and unused ones reported."""

from __future__ import annotations

import datetime

from mclint.config import Config, Waiver
from mclint.suppress.policy import Policy, apply_policy
from mclint.suppress.waivers import EXPIRED_RULE, UNUSED_WAIVER_RULE
from tests.conftest import FIXTURES

TODAY = datetime.date(2026, 6, 1)


def scan_pd(ruleset, monkeypatch):
    from mclint import api

    monkeypatch.chdir(FIXTURES.parent)
    return api.scan(["fixtures/gcp/pd-storage.yaml"], ruleset)


def test_waiver_matches_on_every_given_field(ruleset, monkeypatch):
    waiver = Waiver("gcp-storage-*", "archive moves in Q3", 3, path="fixtures/gcp/*.yaml", kind="PersistentVolume")
    config = Config(source=".mclint.yaml", directory=FIXTURES.parent, waivers=[waiver])
    applied = apply_policy(scan_pd(ruleset, monkeypatch), Policy(config, today=TODAY)).result
    assert [(s.finding.rule_id, s.finding.obj.name, s.how, s.reason) for s in applied.suppressed] == [
        ("gcp-storage-csi-volume", "archive", "waiver", "archive moves in Q3")
    ]
    assert len(applied.findings) == 3
    assert applied.notices == []


def test_expired_waiver_stops_suppressing_and_is_reported(ruleset, monkeypatch):
    waiver = Waiver("gcp", "temporary", 7, expires=datetime.date(2026, 5, 31))
    config = Config(source=".mclint.yaml", directory=FIXTURES.parent, waivers=[waiver])
    applied = apply_policy(scan_pd(ruleset, monkeypatch), Policy(config, today=TODAY)).result
    assert list(applied.suppressed) == []
    assert len(applied.findings) == 4
    [notice] = applied.notices
    assert (notice.rule_id, notice.file, notice.line) == (EXPIRED_RULE, ".mclint.yaml", 7)
    assert "expired on 2026-05-31" in notice.message


def test_waiver_valid_through_its_expiry_day(ruleset, monkeypatch):
    waiver = Waiver("gcp", "temporary", 7, expires=TODAY)
    config = Config(source=".mclint.yaml", directory=FIXTURES.parent, waivers=[waiver])
    applied = apply_policy(scan_pd(ruleset, monkeypatch), Policy(config, today=TODAY)).result
    assert (len(applied.findings), len(applied.suppressed)) == (0, 4)


def test_waiver_that_matches_nothing_is_reported(ruleset, monkeypatch):
    waiver = Waiver("gcp-storage-csi-volume", "wrong namespace", 9, namespace="elsewhere")
    config = Config(source=".mclint.yaml", directory=FIXTURES.parent, waivers=[waiver])
    applied = apply_policy(scan_pd(ruleset, monkeypatch), Policy(config, today=TODAY)).result
    assert len(applied.findings) == 4
    assert [(n.rule_id, n.line, n.severity.label) for n in applied.notices] == [(UNUSED_WAIVER_RULE, 9, "info")]
