"""The real open-source manifests in ../shared/corpus: no unexpected error, known couplings found.

FILES.tsv records, per file, whether it parses; the scan must agree with it.
"""

from __future__ import annotations

import csv

import pytest

from mclint import api
from mclint.finding import Severity
from mclint.render import RenderOptions
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")

KNOWN = [
    # AWS repositories
    (
        "aws-identity-irsa-role",
        "aws-samples+eks-workshop-v2/manifests/modules/aiml/inferentia/base/serviceaccount.yaml",
        7,
    ),
    (
        "aws-network-alb-annotation",
        "kubernetes-sigs+aws-load-balancer-controller/docs/examples/2048/2048_full.yaml",
        50,
    ),
    (
        "aws-network-alb-ingress-class-name",
        "kubernetes-sigs+aws-load-balancer-controller/docs/examples/2048/2048_full.yaml",
        52,
    ),
    (
        "aws-storage-provisioner",
        "kubernetes-sigs+aws-ebs-csi-driver/examples/kubernetes/block-volume/manifests/storageclass.yaml",
        19,
    ),
    # GCP repositories
    ("gcp-identity-workload-identity", "GoogleCloudPlatform+bank-of-anthos/kubernetes-manifests/config.yaml", 48),
    (
        "gcp-network-lb-internal",
        "GoogleCloudPlatform+kubernetes-engine-samples/databases/elasticsearch/manifests/02-elasticsearch/ilb.yaml",
        21,
    ),
    (
        "gcp-storage-provisioner",
        "kubernetes-sigs+gcp-compute-persistent-disk-csi-driver/examples/kubernetes/demo-labeled-sc.yaml",
        7,
    ),
    # Azure repositories
    ("azure-network-lb-internal", "mspnp+aks-baseline/workload/traefik.yaml", 178),
    (
        "azure-identity-workload-identity-use",
        "Azure-Samples+aks-store-demo/kustomize/overlays/azd/ai-service/deployment.yaml",
        14,
    ),
    (
        "azure-network-agic-ingress-class",
        "Azure+application-gateway-kubernetes-ingress/docs/examples/aspnetapp.yaml",
        38,
    ),
]


@pytest.fixture(scope="module")
def corpus_scan(ruleset):
    """The raw files, as plain YAML (rendering is tested in tests/render)."""
    return api.scan([str(CORPUS)], ruleset, api.ScanOptions(render=RenderOptions("off")))


def corpus_files(status_prefix: str) -> set[str]:
    with open(CORPUS / "FILES.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"] for row in rows if row["status"].startswith(status_prefix)}


def relative(path: str) -> str:
    return path.split("shared/corpus/", 1)[1]


@pytest.mark.parametrize(("rule_id", "file", "line"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_couplings_are_found_on_their_line(corpus_scan, rule_id, file, line):
    hits = {(relative(f.file), f.line) for f in corpus_scan.findings if f.rule_id == rule_id}
    assert (file, line) in hits


def test_every_provider_is_found(corpus_scan):
    assert {f.provider for f in corpus_scan.findings} >= {"aws", "gcp", "azure"}


YAML_12_VALID = {
    # FILES.tsv was made with PyYAML (YAML 1.1), which rejects a trailing tab; YAML 1.2 and Kubernetes accept it.
    "GoogleCloudPlatform+kubernetes-engine-samples/ai-ml/vllm-tpu/vllm-llama3-70b.yaml",
}


def test_broken_yaml_files_are_errors_with_a_line(corpus_scan):
    broken = corpus_files("FAIL: broken YAML") - YAML_12_VALID
    errors = {relative(e.file): e for e in corpus_scan.errors}
    assert broken and broken <= set(errors)
    assert all(errors[f].line > 0 for f in broken)


def test_helm_chart_templates_are_skipped_not_errors(corpus_scan):
    templates = corpus_files("FAIL: Helm template")
    skipped = {relative(s.file) for s in corpus_scan.skipped}
    errored = {relative(e.file) for e in corpus_scan.errors}
    assert templates <= skipped
    assert not templates & errored


def test_files_that_parse_produce_no_errors(corpus_scan):
    """Only files FILES.tsv marks as failing (plus duplicate-key snapshots, which YAML forbids) are errors."""
    failing = corpus_files("FAIL")
    unexpected = {
        relative(e.file)
        for e in corpus_scan.errors
        if relative(e.file) not in failing and "duplicate key" not in e.message
    }
    assert unexpected == set()


def test_portable_baseline_repositories_have_no_couplings(corpus_scan):
    """Info findings (an image from a public registry) are not couplings."""
    portable = ("fluxcd+flux2-kustomize-helm-example/", "stefanprodan+podinfo/")
    found = [f for f in corpus_scan.findings if relative(f.file).startswith(portable)]
    assert [f for f in found if f.severity > Severity.INFO] == []


def test_every_finding_has_its_own_fingerprint(corpus_scan):
    """GitLab keeps one issue per fingerprint and SARIF viewers merge results that share one."""
    fingerprints = [f.fingerprint for f in corpus_scan.findings]
    assert len(fingerprints) == len(set(fingerprints)) > 1000
