"""Built objects are linted once per distinct content, their findings re-attributed to every root that
built them; a CRD is linted by its head unless a rule reads its body; progress agrees with the summary."""

from __future__ import annotations

import shutil

import pytest

from mclint import api
from mclint.render import CRD_KIND, RenderOptions, render
from mclint.rules.engine import RuleSet
from mclint.rules.registry import load_rules
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")


@pytest.fixture
def shop(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "render" / "shop", tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "shop"


def counting_lint(ruleset, linted: list[bytes]):
    options = api.ScanOptions()

    def lint(data: bytes, display: str):
        linted.append(data)
        return api.lint_bytes(data, display, ruleset, options)

    return lint


def test_an_object_both_overlays_build_alike_is_linted_once_and_reported_for_both(shop, ruleset):
    deployment = shop / "base" / "deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace(
            "ghcr.io/example/shop:1.4.2", "111122223333.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.2"
        )
    )
    linted: list[bytes] = []
    rendered = render(["shop"], counting_lint(ruleset, linted), RenderOptions(cache=False), ruleset.rules)
    assert rendered.built == 2
    # six objects built (three per overlay); the Deployment is the same in both, so five lints
    assert len(linted) == 5 and sum(b"kind: Deployment" in data for data in linted) == 1
    ecr = [f for f in rendered.findings if f.rule_id == "aws-registry-ecr"]
    assert [(f.file, f.line) for f in ecr] == [("shop/base/deployment.yaml", 18)]
    assert rendered.brought_in_by[_identity(ecr[0])] == ["shop/overlays/aws", "shop/overlays/gcp"]


def _identity(finding):
    from mclint.render import finding_identity

    return finding_identity(finding)


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: buckets.storage.example.com
spec:
  group: s3.amazonaws.com
  names: {kind: Bucket, plural: buckets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A bucket.
"""

CRD_GROUP_RULE = """\
provider: aws
category: provider-api
rules:
  - id: aws-provider-api-crd-group
    title: CRD of an AWS API group
    severity: low
    kinds: [CustomResourceDefinition]
    path: "$.spec.group"
    match: {value_suffix: .amazonaws.com}
    message: "CRD for the AWS API group {value}"
    remediation: Keep provider CRDs in the overlay of that cloud.
"""


def test_a_crd_is_linted_by_its_head_unless_a_rule_reads_its_body(tmp_path, monkeypatch, ruleset):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "kustomization.yaml").write_text("resources: [crd.yaml]\n")
    (tmp_path / "app" / "crd.yaml").write_text(CRD)
    monkeypatch.chdir(tmp_path)
    assert not ruleset.reads_body(CRD_KIND)
    linted: list[bytes] = []
    render(["app"], counting_lint(ruleset, linted), RenderOptions(cache=False), ruleset.rules, crd_bodies=False)
    assert linted == [
        b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: buckets.storage.example.com\n"
    ]

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "crd.yaml").write_text(CRD_GROUP_RULE)
    reading = RuleSet(load_rules([tmp_path / "rules"], plugins=False))
    assert reading.reads_body(CRD_KIND)
    result = api.scan(["app"], reading)
    assert [(f.rule_id, f.file, f.line) for f in result.findings] == [("aws-provider-api-crd-group", "app/crd.yaml", 6)]


def test_progress_counts_the_builds_then_every_file_the_summary_counts(shop, ruleset):
    heard: list[tuple] = []

    def progress(done: int, total: int, unit: str = "files") -> None:
        heard.append((unit, done, total))

    result = api.scan(["shop"], ruleset, api.ScanOptions(render=RenderOptions(cache=False)), progress=progress)
    builds = [event for event in heard if event[0] == "kustomizations"]
    files = [event for event in heard if event[0] == "files"]
    assert builds[0] == ("kustomizations", 0, 2) and builds[-1] == ("kustomizations", 2, 2)
    assert heard.index(builds[-1]) < heard.index(files[0])  # the builds, then the files
    assert files[-1] == ("files", result.files, result.files) == ("files", 10, 10)
