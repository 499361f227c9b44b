"""Inventory classes, claims and cross-object links on the fixtures under fixtures/plan/."""

from __future__ import annotations

import pytest

from mclint.plan import inventory_of

PLAN = "fixtures/plan/"


@pytest.fixture
def inventory(ruleset, in_repo):
    return lambda *names: inventory_of([PLAN + n for n in names], ruleset)


def _by_name(inv) -> dict:
    return {(w.ref.kind, w.ref.name): w for w in inv.workloads}


def test_workload_without_couplings_is_portable(inventory):
    inv = inventory("portable-web-deployment.yaml")
    assert inv.counts() == {"portable": 1, "portable-with-config": 0, "stateful": 0, "provider-bound": 0}
    web = _by_name(inv)[("Deployment", "web")]
    assert web.reasons == ("no provider coupling found",)
    assert [(r.kind, r.name) for r in web.routes] == [("Service", "web")]


def test_couplings_reached_through_service_account_service_and_ingress_are_portable_with_config(inventory):
    inv = inventory("irsa-service-account-used-by-deployment.yaml")
    orders = _by_name(inv)[("Deployment", "orders")]
    assert orders.classification == "portable-with-config"
    assert sorted(c.finding.rule_id for c in orders.couplings) == [
        "aws-identity-irsa-role",
        "aws-network-alb-ingress-class-name",
        "aws-network-lb-internal",
    ]
    assert sorted((c.via.kind, c.via.name) for c in orders.couplings) == [
        ("Ingress", "orders"),
        ("Service", "orders"),
        ("ServiceAccount", "orders"),
    ]
    assert [(r.kind, r.name) for r in orders.routes] == [("Service", "orders"), ("Ingress", "orders")]


def test_finding_on_a_service_account_lists_the_workloads_it_affects(inventory):
    inv = inventory("irsa-service-account-used-by-deployment.yaml")
    linked = {(x.finding.rule_id, x.finding.line): [(r.kind, r.name) for r in x.workloads] for x in inv.linked}
    assert linked == {
        ("aws-identity-irsa-role", 9): [("Deployment", "orders")],
        ("aws-network-lb-internal", 37): [("Deployment", "orders")],
        ("aws-network-alb-ingress-class-name", 51): [("Deployment", "orders")],
    }


def test_workload_without_service_account_name_runs_as_the_default_account(inventory):
    inv = inventory("default-service-account-workload-identity.yaml")
    nightly = _by_name(inv)[("CronJob", "nightly")]
    assert nightly.service_account == "default"
    assert nightly.classification == "portable-with-config"
    assert [x.finding.rule_id for x in inv.linked] == ["gcp-identity-workload-identity"]
    assert [(r.kind, r.name) for r in inv.linked[0].workloads] == [("CronJob", "nightly")]


def test_claims_make_workloads_stateful_with_size_access_mode_and_class(inventory):
    inv = inventory("statefulset-with-claims.yaml")
    workloads = _by_name(inv)
    postgres, uploader = workloads[("StatefulSet", "postgres")], workloads[("Deployment", "uploader")]
    assert postgres.classification == uploader.classification == "stateful"
    [template] = postgres.claims
    assert (template.claim.source, template.claim.name, template.claim.size) == ("volumeClaimTemplate", "data", "50Gi")
    assert template.claim.access_modes == ("ReadWriteOnce",)
    assert template.storage_class == "fast (defined in the tree: provisioner ebs.csi.aws.com)"
    assert [c.via.kind for c in postgres.couplings] == ["StorageClass", "StorageClass"]  # provisioner, disk type
    [mounted] = uploader.claims
    assert (mounted.claim.source, mounted.claim.size, mounted.claim.access_modes) == (
        "PersistentVolumeClaim",
        "5Gi",
        ("ReadWriteMany",),
    )
    assert mounted.storage_class == "cluster default"
    storage_class = next(x for x in inv.linked if x.finding.rule_id == "aws-storage-provisioner")
    assert [(r.kind, r.name) for r in storage_class.workloads] == [("StatefulSet", "postgres")]


def test_provider_only_hardware_makes_a_workload_provider_bound(inventory):
    inv = inventory("tpu-job-provider-only-hardware.yaml")
    train = _by_name(inv)[("Job", "train")]
    assert train.classification == "provider-bound"
    assert train.reasons == (
        "gcp-scheduling-accelerator [gcp scheduling]: scheduling on cloud.google.com/gke-tpu-topology=2x2 needs a GKE accelerator node pool",
        "gcp-scheduling-tpu-resource [gcp scheduling]: container requests google.com/tpu, hardware that exists only on Google Cloud",
        "provider-only hardware: resource google.com/tpu exists only on gcp",
        "provider-only hardware: node selector cloud.google.com/gke-tpu-topology exists only on gcp",
    )


def test_all_fixtures_together_count_each_class(inventory):
    inv = inventory(".")
    assert inv.counts() == {"portable": 1, "portable-with-config": 2, "stateful": 2, "provider-bound": 1}
    assert [w.ref.file for w in inv.workloads] == sorted(w.ref.file for w in inv.workloads)


def test_strongest_class_wins_and_keeps_every_reason(ruleset, scan_text, tmp_path):
    path = tmp_path / "bound.yaml"
    path.write_text(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: infer\nspec:\n  template:\n    metadata:\n"
        "      annotations:\n        iam.amazonaws.com/role: infer\n    spec:\n      containers:\n"
        "        - name: c\n          image: x\n          resources:\n            limits:\n"
        "              aws.amazon.com/neuron: '1'\n  volumeClaimTemplates:\n    - metadata:\n        name: cache\n"
        "      spec:\n        resources:\n          requests:\n            storage: 1Gi\n",
        encoding="utf-8",
    )
    [entry] = inventory_of([str(path)], ruleset).workloads
    assert entry.classification == "provider-bound"
    assert [r.split(":")[0] for r in entry.reasons] == [
        "aws-identity-kube2iam-role [aws identity]",
        "aws-scheduling-hardware-resource [aws scheduling]",
        "holds state",
        "provider-only hardware",
    ]


def test_custom_workload_with_a_pod_template_is_inventoried(ruleset, tmp_path):
    path = tmp_path / "rollout.yaml"
    path.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: canary\nspec:\n  template:\n"
        "    spec:\n      serviceAccountName: canary\n      containers:\n        - name: c\n          image: x\n",
        encoding="utf-8",
    )
    [entry] = inventory_of([str(path)], ruleset).workloads
    assert (entry.ref.kind, entry.classification, entry.service_account) == ("Rollout", "portable", "canary")
