"""Both contracts, on every aws/gcp/azure fixture and on corpus applications, with real kubectl builds.

split: `kubectl kustomize DIR/overlays/P` gives the input's objects back, and `mclint scan DIR/base`
finds no coupling to P above info. plan --emit-overlay: `kubectl kustomize DIR | mclint scan -
--target T` finds no coupling to another provider above info except what MIGRATION.md lists as manual.
"""

from __future__ import annotations

import pytest

from mclint.split.migrate import emit_overlay
from mclint.split.output import write_files
from tests.cli.runner import run
from tests.conftest import CORPUS, FIXTURES, needs_corpus
from tests.split.contracts import (
    couplings_in,
    input_objects,
    kustomize,
    manual_rules,
    needs_kubectl,
    objects,
    other_provider_rules,
)

PROVIDERS = ("aws", "gcp", "azure")
FIXTURE_FILES = sorted(p.relative_to(FIXTURES).as_posix() for c in PROVIDERS for p in (FIXTURES / c).glob("*.yaml"))
REFUSED = {"azure/acr-kubelet-credential-provider.yaml": "has no metadata.name; kustomize cannot build it"}
"""Fixtures that are not Kubernetes objects kustomize can build: refused with this message."""

CORPUS_APPS = [
    ("aws", "aws-samples+eks-workshop-v2/manifests/modules/exposing/ingress/creating-ingress"),
    ("aws", "aws-samples+eks-workshop-v2/manifests/modules/exposing/ingress/multiple-ingress"),
    ("aws", "aws-samples+eks-workshop-v2/manifests/modules/exposing/load-balancer/nlb"),
    ("aws", "aws-samples+eks-workshop-v2/manifests/modules/exposing/gateway-api/exposing-ui"),
    ("gcp", "GoogleCloudPlatform+bank-of-anthos/kubernetes-manifests"),
    ("gcp", "GoogleCloudPlatform+kubernetes-engine-samples/databases/elasticsearch"),
    ("gcp", "GoogleCloudPlatform+kubernetes-engine-samples/databases/stateful-workload-filestore/preprov-pv.yaml"),
    ("azure", "Azure-Samples+aks-store-demo/aks-store-ingress-quickstart.yaml"),
    ("azure", "mspnp+aks-baseline/workload"),
    ("azure", "kubernetes-sigs+azurefile-csi-driver/deploy/example/statefulset.yaml"),
]


def assert_split_contract(source, provider, tmp_path, ruleset):
    out = tmp_path / "out"
    code, stdout, stderr = run(["split", str(source), "--provider", provider, "--output", str(out), "--no-check"])
    assert code == 0, stderr
    assert f"into base and overlays/{provider}" in stdout
    built = objects(kustomize(out / "overlays" / provider))
    assert built == input_objects(source)
    assert couplings_in(out / "base", provider, ruleset) == []


def assert_overlay_contract(source, target, tmp_path, ruleset):
    """Written as `plan --emit-overlay` writes it, without the plan and the command's own check."""
    out = tmp_path / "overlay"
    write_files(out, emit_overlay([str(source)], target, None, ruleset, out).files)
    left = other_provider_rules(kustomize(out), target)
    assert left <= manual_rules((out / "MIGRATION.md").read_text(encoding="utf-8")), left


@needs_kubectl
@pytest.mark.slow
@pytest.mark.parametrize("fixture", FIXTURE_FILES)
def test_split_contract_on_every_fixture(fixture, tmp_path, ruleset):
    source = FIXTURES / fixture
    provider = fixture.split("/")[0]
    if fixture in REFUSED:
        code, _, stderr = run(["split", str(source), "--provider", provider, "--output", str(tmp_path / "out")])
        assert code == 2 and REFUSED[fixture] in stderr
        return
    if not couplings_in(source, provider, ruleset):
        code, stdout, _ = run(["split", str(source), "--output", str(tmp_path / "out")])
        assert code == 0 and "nothing to split" in stdout and not (tmp_path / "out").exists()
        return
    assert_split_contract(source, provider, tmp_path, ruleset)


@needs_kubectl
@pytest.mark.slow
@pytest.mark.parametrize(
    ("fixture", "target"),
    [(f, t) for f in FIXTURE_FILES if f not in REFUSED for t in PROVIDERS if not f.startswith(t + "/")],
)
def test_emit_overlay_contract_on_every_fixture(fixture, target, tmp_path, ruleset):
    assert_overlay_contract(FIXTURES / fixture, target, tmp_path, ruleset)


@needs_corpus()
@needs_kubectl
@pytest.mark.slow
@pytest.mark.parametrize(("provider", "app"), CORPUS_APPS)
def test_split_contract_on_corpus_applications(provider, app, tmp_path, ruleset):
    assert couplings_in(CORPUS / app, provider, ruleset), "the application must hold a coupling to split out"
    assert_split_contract(CORPUS / app, provider, tmp_path, ruleset)


@needs_corpus()
@needs_kubectl
@pytest.mark.slow
@pytest.mark.parametrize(
    ("app", "target"), [(app, t) for provider, app in CORPUS_APPS for t in PROVIDERS if t != provider]
)
def test_emit_overlay_contract_on_corpus_applications(app, target, tmp_path, ruleset):
    assert_overlay_contract(CORPUS / app, target, tmp_path, ruleset)
