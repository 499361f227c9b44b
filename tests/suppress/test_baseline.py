"""Baselines survive moved lines and reordered documents, and count the entries that are gone."""

from __future__ import annotations

import json

import pytest

from mclint.suppress.baseline import BaselineError, apply_baseline, read_baseline, write_baseline

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
"""
CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: gp3
"""


def test_written_baseline_is_readable_and_sorted(scan_text, tmp_path):
    result = scan_text(SERVICE_ACCOUNT + "---\n" + CLAIM)
    path = tmp_path / "base.json"
    with path.open("w", encoding="utf-8") as stream:
        assert write_baseline(result.findings, stream) == 2
    data = json.loads(path.read_text())
    assert [(e["rule_id"], e["kind"], e["name"], e["field"]) for e in data["entries"]] == [
        ("aws-storage-class-name", "PersistentVolumeClaim", "data", "spec.storageClassName"),
        ("aws-identity-irsa-role", "ServiceAccount", "orders", "metadata.annotations['eks.amazonaws.com/role-arn']"),
    ]
    assert read_baseline(path) == {f.fingerprint: f.file for f in result.findings}


def test_moved_lines_and_reordered_documents_stay_known(scan_text):
    before = scan_text(SERVICE_ACCOUNT + "---\n" + CLAIM)
    known = {f.fingerprint: f.file for f in before.findings}
    padded = (
        "# a header comment\n\n"
        + CLAIM
        + "---\n"
        + SERVICE_ACCOUNT.replace("metadata:\n", "metadata:\n  labels: {a: b}\n")
    )
    after = scan_text(padded)
    assert sorted(f.line for f in after.findings) != sorted(f.line for f in before.findings)
    outcome = apply_baseline(after.findings, known, "in baseline")
    assert (list(outcome.kept), outcome.matched, outcome.gone) == ([], 2, 0)


def test_new_finding_is_reported_and_fixed_one_counts_as_gone(scan_text):
    known = {f.fingerprint: f.file for f in scan_text(SERVICE_ACCOUNT + "---\n" + CLAIM).findings}
    renamed = CLAIM.replace("name: data", "name: data-v2")
    outcome = apply_baseline(scan_text(SERVICE_ACCOUNT + "---\n" + renamed).findings, known, "in baseline")
    assert [(f.rule_id, f.obj.name) for f in outcome.kept] == [("aws-storage-class-name", "data-v2")]
    assert (outcome.matched, outcome.gone) == (1, 1)
    assert [s.how for s in outcome.suppressed] == ["baseline"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"entries": []}', "not an mclint baseline"),
        ('{"version": 1, "entries": [{"rule": "x"}]}', "'entries' must be a list of objects with a 'fingerprint'"),
    ],
)
def test_bad_baseline_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "base.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=message):
        read_baseline(path)
