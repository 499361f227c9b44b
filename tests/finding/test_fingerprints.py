"""Every finding of a scan has its own fingerprint, and keeps it when lines move."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

import pytest

from mclint.finding import numbered
from tests.cli.runner import run

SCRIPT = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: export
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: export
          image: ghcr.io/example/cloud-sdk:1
          command:
            - bash
            - -c
            - |
              gcloud storage cp --recursive /outputs/* gs://models/tuned/
              gcloud storage ls --long gs://models/tuned/
"""


def fingerprints(findings) -> list[str]:
    return [f.fingerprint for f in findings]


def legacy(finding) -> str:
    """The fingerprint as it was before repeats were numbered."""
    obj = finding.obj
    text = "\x1f".join((finding.rule_id, finding.file, obj.kind, obj.namespace, obj.name, finding.field))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def test_repeats_on_one_field_get_their_own_fingerprint_and_the_first_keeps_the_old_one(scan_text):
    findings = list(scan_text(SCRIPT).findings)
    assert [(f.rule_id, f.field, f.line) for f in findings] == [
        ("gcp-managed-service-cloud-storage", "spec.template.spec.containers[0].command[2]", 16),
        ("gcp-managed-service-cloud-storage", "spec.template.spec.containers[0].command[2]", 17),
    ]
    assert [f.occurrence for f in findings] == [0, 1]
    assert len(set(fingerprints(findings))) == 2
    assert findings[0].fingerprint == legacy(findings[0])  # baselines written before still match it
    shifted = list(scan_text("# moved\n\n\n" + SCRIPT).findings)
    assert [f.line for f in shifted] == [19, 20]
    assert fingerprints(shifted) == fingerprints(findings)


def test_numbering_follows_line_order_whatever_the_input_order(scan_text):
    findings = list(scan_text(SCRIPT).findings)
    assert numbered(reversed([f._replace(occurrence=0) for f in findings])) == findings


@pytest.mark.parametrize("fmt", ["gitlab", "sarif"])
def test_code_quality_and_sarif_fingerprints_are_unique(fmt, tmp_path, monkeypatch):
    (tmp_path / "job.yaml").write_text(SCRIPT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["scan", "job.yaml", "-f", fmt])
    data = json.loads(out)
    if fmt == "gitlab":
        found = [issue["fingerprint"] for issue in data]
    else:
        found = [r["partialFingerprints"]["mclintFingerprint/v1"] for r in data["runs"][0]["results"]]
    assert len(found) == len(set(found)) == 2


def test_junit_never_reports_more_failures_than_tests(tmp_path, monkeypatch):
    (tmp_path / "job.yaml").write_text(SCRIPT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["scan", "job.yaml", "-f", "junit"])
    root = ET.fromstring(out)
    for element in (root, *root.findall("testsuite")):
        assert (element.get("tests"), element.get("failures")) == ("1", "1")
