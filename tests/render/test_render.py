"""The render stage: Kustomize builds mapped to source lines, the overlay report, Helm with and without helm."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from mclint import api
from mclint.config import Config
from mclint.render import RenderOptions
from mclint.report.json import report_dict
from mclint.report.text import write as write_text
from mclint.rules.engine import RuleSet
from mclint.rules.registry import load_rules
from tests.conftest import CORPUS, needs_corpus

needs_kustomize = pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")
SHOP = "fixtures/render/shop"


def found(result) -> list[tuple]:
    return [(f.rule_id, f.file, f.line) for f in result.findings]


@needs_kustomize
def test_overlays_are_built_and_findings_point_at_the_patch_lines(ruleset, in_repo):
    result = api.scan([SHOP], ruleset)
    assert found(result) == [
        ("aws-storage-class-name", f"{SHOP}/overlays/aws/data-claim-gp3.yaml", 6),
        ("aws-identity-irsa-role", f"{SHOP}/overlays/aws/serviceaccount-irsa.yaml", 6),
        ("gcp-storage-class-name", f"{SHOP}/overlays/gcp/data-claim-standard-rwo.yaml", 6),
        ("gcp-identity-workload-identity", f"{SHOP}/overlays/gcp/serviceaccount-workload-identity.yaml", 6),
    ]
    assert result.rendered.built == 2 and result.rendered.failed == 0
    # base objects are counted once although both overlays build them
    assert sorted(o.file for o in result.objects) == [
        f"{SHOP}/base/data-claim.yaml",
        f"{SHOP}/base/deployment.yaml",
        f"{SHOP}/base/serviceaccount.yaml",
    ]


@needs_kustomize
def test_overlay_report_in_json_and_text(ruleset, in_repo):
    from mclint.render.report import render_extras

    report = api.finish(api.scan([SHOP], ruleset), Config(), None, "", [])
    report.extras.update(render_extras(report.result, report.units))
    data = json.loads(json.dumps(report_dict(report)))
    assert data["render"] == {
        "available": True,
        "missing": [],
        "kustomizations_built": 2,
        "kustomizations_failed": 0,
        "notices": [],
    }
    assert data["overlays"] == [
        {
            "base": f"{SHOP}/base",
            "bases": [f"{SHOP}/base"],
            "base_score": 100,
            "base_findings": 0,
            "base_couplings": 0,
            "overlays": [
                {
                    "overlay": f"{SHOP}/overlays/aws",
                    "score": 37,  # one unit (Deployment, ServiceAccount, claim): a high and a medium coupling
                    "findings": 2,
                    "introduced": 2,
                    "introduced_couplings": 2,
                    "providers": ["aws"],
                },
                {
                    "overlay": f"{SHOP}/overlays/gcp",
                    "score": 37,
                    "findings": 2,
                    "introduced": 2,
                    "introduced_couplings": 2,
                    "providers": ["gcp"],
                },
            ],
            "isolated": True,
            "verdict": "base portable (100); couplings isolated in overlays aws, gcp: good",
        }
    ]
    assert [f["overlays"] for f in data["findings"]][:1] == [[f"{SHOP}/overlays/aws"]]
    text = io.StringIO()
    write_text(report, text)
    assert "  base portable (100); couplings isolated in overlays aws, gcp: good" in text.getvalue().splitlines()
    assert f"      brought in by {SHOP}/overlays/gcp" in text.getvalue().splitlines()


@needs_kustomize
def test_an_info_finding_does_not_make_the_base_coupled(ruleset, tmp_path, monkeypatch):
    """A base pulling a public image (info) is still the portable base the overlay pattern wants."""
    shutil.copytree(SHOP, tmp_path / "shop")
    deployment = tmp_path / "shop/base/deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace("ghcr.io/example/shop:1.4.2", "mcr.microsoft.com/dotnet/runtime:8.0")
    )
    monkeypatch.chdir(tmp_path)
    result = api.scan(["shop"], ruleset)
    assert ("azure-registry-mcr", "shop/base/deployment.yaml", 18) in found(result)
    (family,) = result.rendered.overlays()
    assert (family["base_findings"], family["base_couplings"], family["isolated"]) == (1, 0, True)
    assert family["verdict"].endswith("couplings isolated in overlays aws, gcp: good")


def test_render_off_scans_raw_files(ruleset, in_repo):
    options = api.ScanOptions(render=RenderOptions(mode="off"))
    result = api.scan([SHOP], ruleset, options)
    assert result.rendered.built == 0
    assert result.rendered.overlays() == []
    # raw patches are partial objects, but their annotations and class names are still found
    assert {f.file for f in result.findings} == {
        f"{SHOP}/overlays/aws/data-claim-gp3.yaml",
        f"{SHOP}/overlays/aws/serviceaccount-irsa.yaml",
        f"{SHOP}/overlays/gcp/data-claim-standard-rwo.yaml",
        f"{SHOP}/overlays/gcp/serviceaccount-workload-identity.yaml",
    }
    assert len(result.objects) == 7


@needs_kustomize
def test_a_named_file_wins_over_the_build(ruleset, in_repo):
    patch = f"{SHOP}/overlays/aws/serviceaccount-irsa.yaml"
    result = api.scan([SHOP, patch], ruleset)
    irsa = [f for f in result.findings if f.rule_id == "aws-identity-irsa-role"]
    assert [(f.file, f.line, f.obj.file) for f in irsa] == [(patch, 6, patch)]


def test_without_kustomize_a_notice_and_raw_files(ruleset, in_repo, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = api.scan([SHOP], ruleset)
    assert result.rendered.notices == [
        "kustomize not found on PATH (neither kustomize nor kubectl): 2 kustomization(s) scanned as plain YAML"
    ]
    assert len(result.findings) == 4 and len(result.objects) == 7


@needs_kustomize
def test_remote_resource_is_reported_and_raw_files_scanned(ruleset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - https://github.com/example/app//deploy?ref=v1\n  - sa.yaml\n", encoding="utf-8"
    )
    (tmp_path / "sa.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/a\n",
        encoding="utf-8",
    )
    result = api.scan(["."], ruleset)
    assert [(e.file, e.line) for e in result.errors] == [("kustomization.yaml", 2)]
    assert "remote resource https://github.com/example/app//deploy?ref=v1 cannot be fetched offline" in (
        result.errors[0].message
    )
    assert found(result) == [("aws-identity-irsa-role", "sa.yaml", 6)]


@needs_kustomize
def test_failed_build_names_the_kustomization_and_the_tool_message(ruleset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n", encoding="utf-8")
    result = api.scan(["."], ruleset)
    assert [e.file for e in result.errors] == ["kustomization.yaml"]
    assert result.errors[0].message.startswith("kustomize build failed: ")
    assert "missing.yaml" in result.errors[0].message
    assert result.rendered.failed == 1


CHART = "fixtures/render/chart-eks"


def test_chart_without_helm_gets_a_static_pass(ruleset, in_repo, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = api.scan([CHART], ruleset)
    assert result.rendered.notices == [
        "helm not found on PATH: 1 chart(s) read statically (values.yaml and template text)"
    ]
    assert found(result) == [
        ("aws-provider-api-eks", f"{CHART}/templates/nodeclass.yaml", 2),
        ("aws-network-lb-internal", f"{CHART}/templates/service.yaml", 6),
        ("aws-identity-irsa-role", f"{CHART}/values.yaml", 8),
        ("aws-storage-class-name", f"{CHART}/values.yaml", 11),
        ("aws-network-alb-ingress-class-name", f"{CHART}/values.yaml", 15),
    ]
    assert {(f.obj.kind, f.file.rsplit("/", 1)[-1]) for f in result.findings} == {
        ("HelmChart", "nodeclass.yaml"),
        ("HelmChart", "service.yaml"),
        ("HelmValues", "values.yaml"),
    }
    assert result.errors == []  # templates are never parse errors
    assert [s.file for s in result.skipped] == [
        f"{CHART}/templates/nodeclass.yaml",
        f"{CHART}/templates/pvc.yaml",
        f"{CHART}/templates/service.yaml",
    ]


CUSTOM_RULE = """\
provider: gcp
category: network
rules:
  - id: gcp-network-team-gateway
    title: Team gateway annotation
    severity: medium
    kinds: [Service]
    field: metadata.annotations
    match: {key: gateway.example.com/team}
    message: "team gateway {value}"
    remediation: Move it to the GKE overlay.
"""
CUSTOM_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  annotations:
    gateway.example.com/team: payments
spec:
  ports: [{{port: 80}}]
"""


def test_a_rules_dir_rule_fires_in_a_chart_read_statically_as_on_a_plain_manifest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")  # no helm: the static pass
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.yaml").write_text(CUSTOM_RULE)
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (tmp_path / "chart" / "values.yaml").write_text("replicas: 1\n")
    (tmp_path / "chart" / "templates" / "svc.yaml").write_text(CUSTOM_SERVICE.format(name="{{ .Release.Name }}"))
    (tmp_path / "plain.yaml").write_text(CUSTOM_SERVICE.format(name="web"))
    ruleset = RuleSet(load_rules([tmp_path / "rules"], plugins=False))
    result = api.scan(["."], ruleset)
    assert [(f.rule_id, f.file, f.line, f.obj.kind) for f in result.findings] == [
        ("gcp-network-team-gateway", "chart/templates/svc.yaml", 6, "HelmChart"),
        ("gcp-network-team-gateway", "plain.yaml", 6, "Service"),
    ]


@pytest.mark.skipif(shutil.which("helm") is None, reason="helm is not installed")
def test_chart_rendered_with_helm_maps_to_templates(ruleset, in_repo):
    result = api.scan([CHART], ruleset)
    assert ("aws-network-lb-internal", f"{CHART}/templates/service.yaml", 6) in found(result)
    assert CHART in result.rendered.rendered_charts


@needs_corpus()
@needs_kustomize
def test_corpus_bank_of_anthos_production_overlay(ruleset, in_repo):
    tree = CORPUS / "GoogleCloudPlatform+bank-of-anthos" / "src" / "frontend" / "k8s"
    result = api.scan([str(tree)], ruleset)
    ingress = [f for f in result.findings if f.file.endswith("overlays/production/frontend-ingress.yaml")]
    assert [(f.rule_id, f.line) for f in ingress] == [
        ("gcp-network-ingress-annotation", 19),
        ("gcp-network-ingress-annotation", 20),
        ("gcp-network-ingress-annotation", 21),
    ]
    assert [result.rendered.brought_in_by[_identity(f)] for f in ingress] == [
        [str(tree / "overlays" / "production")]
    ] * 3
    assert result.rendered.failed == 0 and result.rendered.built >= 2


def _identity(finding):
    from mclint.render import finding_identity

    return finding_identity(finding)


@needs_corpus()
@needs_kustomize
def test_corpus_eks_workshop_base_finding_is_reported_once_for_three_overlays(ruleset, in_repo):
    tree = CORPUS / "aws-samples+eks-workshop-v2" / "manifests" / "modules" / "aiml" / "inferentia"
    result = api.scan([str(tree)], ruleset)
    irsa = [f for f in result.findings if f.rule_id == "aws-identity-irsa-role"]
    assert [(f.file, f.line) for f in irsa] == [(str(tree / "base" / "serviceaccount.yaml"), 7)]
    assert result.rendered.brought_in_by[_identity(irsa[0])] == [
        str(tree / "compiler"),
        str(tree / "inference"),
        str(tree / "nodepool"),
    ]


@needs_corpus()
@needs_kustomize
def test_corpus_microservices_demo_inline_component_patch_maps_to_kustomization_line(ruleset, in_repo):
    tree = CORPUS / "GoogleCloudPlatform+microservices-demo" / "kustomize"
    result = api.scan([str(tree)], ruleset)
    spanner = str(tree / "components" / "spanner" / "kustomization.yaml")
    assert ("gcp-identity-workload-identity", spanner, 41) in found(result)
    assert [e.file for e in result.errors if "kustomize" in e.message] == []


HELM_OUTPUT = """---
# Source: chart-eks/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: mclint-orders
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
"""


def test_helm_output_maps_to_template_lines_and_passes_values(ruleset, in_repo, tmp_path, monkeypatch):
    """A stand-in helm on PATH (real helm is absent here) checks the argv and the `# Source:` mapping."""
    (tmp_path / "out.yaml").write_text(HELM_OUTPUT, encoding="utf-8")
    fake = tmp_path / "helm"
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/argv\n/bin/cat {tmp_path}/out.yaml\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    options = api.ScanOptions(render=RenderOptions(helm_values=("prod.yaml",), helm_set=("a=b",)))
    result = api.scan([CHART], ruleset, options)
    assert found(result) == [("aws-network-lb-internal", f"{CHART}/templates/service.yaml", 6)]
    assert result.rendered.rendered_charts == {CHART}
    assert result.skipped == []  # rendered templates are linted through helm's output, not skipped
    argv = (tmp_path / "argv").read_text(encoding="utf-8").split()
    assert argv[0] == "template" and argv[-4:] == ["--values", "prod.yaml", "--set", "a=b"]


def test_the_static_pass_reads_rules_over_every_string_on_lines_no_other_rule_took(ruleset, tmp_path, monkeypatch):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: push\nversion: 0.1.0\n")
    (chart / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n"
        "  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/push\n"
        "spec:\n  containers:\n    - name: app\n      image: busybox\n      args:\n"
        "        - 'aws s3 cp /out s3://{{ .Values.bucket }}/out && echo done'\n"
    )
    monkeypatch.setenv("PATH", "/nonexistent")
    result = api.scan([str(chart)], ruleset)
    assert [(f.rule_id, f.line) for f in result.findings] == [
        ("aws-identity-irsa-role", 6),
        ("aws-managed-service-s3", 12),
    ]
