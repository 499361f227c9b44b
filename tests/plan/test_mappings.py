"""Every identity, network and storage mapping in every direction names the target's concrete equivalent."""

from __future__ import annotations

import json

import pytest

from mclint.plan import mappings, plan_of
from mclint.plan.mappings import load_mappings
from mclint.score.workloads import coupling_classes
from mclint.vocabulary import vocabulary

TARGETS = vocabulary().targets

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: shop
  annotations:
    {annotation}
"""

INTERNAL_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: shop
  annotations:
    {annotation}
spec:
  type: LoadBalancer
  ports:
    - port: 80
"""

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: {annotation}
  resources:
    requests:
      storage: 10Gi
"""

SOURCES = {
    "aws": {
        "identity": (SERVICE_ACCOUNT, "eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app"),
        "network": (INTERNAL_SERVICE, "service.beta.kubernetes.io/aws-load-balancer-scheme: internal"),
        "storage": (CLAIM, "gp3"),
    },
    "gcp": {
        "identity": (SERVICE_ACCOUNT, "iam.gke.io/gcp-service-account: app@proj.iam.gserviceaccount.com"),
        "network": (INTERNAL_SERVICE, 'networking.gke.io/load-balancer-type: "Internal"'),
        "storage": (CLAIM, "premium-rwo"),
    },
    "azure": {
        "identity": (SERVICE_ACCOUNT, "azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000001"),
        "network": (INTERNAL_SERVICE, 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"'),
        "storage": (CLAIM, "managed-csi"),
    },
}

IDENTITY = {
    "aws": 'eks.amazonaws.com/role-arn: "arn:aws:iam::<ACCOUNT_ID>:role/<ROLE>"',
    "gcp": 'iam.gke.io/gcp-service-account: "<GSA>@<PROJECT_ID>.iam.gserviceaccount.com"',
    "azure": 'azure.workload.identity/client-id: "<CLIENT_ID>"',
}
IDENTITY_OUTSIDE = {
    "aws": "IAM role with a trust policy for the cluster's OIDC provider",
    "gcp": "IAM binding roles/iam.workloadIdentityUser for serviceAccount:<PROJECT_ID>.svc.id.goog",
    "azure": "federated identity credential trusting the cluster's OIDC issuer",
}
INTERNAL = {
    "aws": 'service.beta.kubernetes.io/aws-load-balancer-scheme: "internal"',
    "gcp": 'networking.gke.io/load-balancer-type: "Internal"',
    "azure": 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"',
}
# gp3 and managed-csi are the balanced tier, premium-rwo the SSD tier.
STORAGE = {
    ("aws", "gcp"): "StorageClass standard-rwo: provisioner pd.csi.storage.gke.io, parameters.type: pd-balanced",
    ("aws", "azure"): "StorageClass managed-csi: provisioner disk.csi.azure.com, parameters.skuName: StandardSSD_LRS",
    ("gcp", "aws"): "StorageClass io2: provisioner ebs.csi.aws.com, parameters.type: io2",
    (
        "gcp",
        "azure",
    ): "StorageClass managed-csi-premium: provisioner disk.csi.azure.com, parameters.skuName: Premium_LRS",
    ("azure", "aws"): "StorageClass gp3: provisioner ebs.csi.aws.com, parameters.type: gp3",
    ("azure", "gcp"): "StorageClass standard-rwo: provisioner pd.csi.storage.gke.io, parameters.type: pd-balanced",
}
DIRECTIONS = [(s, t) for s in TARGETS for t in TARGETS if s != t]


@pytest.fixture
def plan_for(ruleset, tmp_path):
    def run(source: str, category: str, target: str, extra_annotation: str = ""):
        template, value = SOURCES[source][category]
        if extra_annotation:
            value = f"{value}\n    {extra_annotation}"
        path = tmp_path / f"{source}-{category}.yaml"
        path.write_text(template.format(annotation=value), encoding="utf-8")
        plan = plan_of([str(path)], ruleset, target)
        assert plan.sources == (source,)
        assert len(plan.items) == 1, [i.finding.rule_id for i in plan.items]
        return plan.items[0]

    return run


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_identity_binding_maps_to_the_target_annotation_and_iam_outside(plan_for, source, target):
    item = plan_for(source, "identity", target)
    assert item.coupling == "identity-binding"
    assert IDENTITY[target] in item.equivalent
    assert item.effort == "M"
    assert any(IDENTITY_OUTSIDE[target] in text for text in item.outside)


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_internal_load_balancer_maps_to_the_target_marker_and_is_an_exposure_hazard(plan_for, source, target):
    item = plan_for(source, "network", target)
    assert item.coupling == "lb-internal"
    assert item.equivalent.startswith(INTERNAL[target])
    assert item.hazard.startswith(f"exposure hazard: {target} ignores {source}'s internal marker")
    assert INTERNAL[target] in item.hazard


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_internal_load_balancer_with_the_target_marker_already_set_is_no_hazard(plan_for, source, target):
    marker = SOURCES[target]["network"][1]
    item = plan_for(source, "network", target, extra_annotation=marker)
    assert item.hazard == ""
    assert item.effort == "S"
    assert item.reasons == ("the target's internal marker is already set on this object",)


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_storage_class_maps_to_the_same_tier_on_the_target(plan_for, source, target):
    item = plan_for(source, "storage", target)
    assert item.coupling == "storage-class"
    assert item.equivalent.startswith(STORAGE[(source, target)])
    assert item.effort == "S"


INGRESS = {
    "aws": ("kubernetes.io/ingress.class: alb", "alb.ingress.kubernetes.io/healthcheck-path: /healthz"),
    "gcp": ("kubernetes.io/ingress.class: gce", "ingress.gcp.kubernetes.io/pre-shared-cert: shop-cert"),
    "azure": (
        "kubernetes.io/ingress.class: azure/application-gateway",
        "appgw.ingress.kubernetes.io/backend-path-prefix: /",
    ),
}
INGRESS_EQUIVALENT = {
    "aws": ("ingressClassName: alb", "alb.ingress.kubernetes.io/*"),
    "gcp": ('kubernetes.io/ingress.class: "gce"', "BackendConfig"),
    "azure": ("ingressClassName: webapprouting.kubernetes.azure.com", "appgw.ingress.kubernetes.io/*"),
}


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_ingress_class_and_annotations_map_to_the_target_controller(ruleset, tmp_path, source, target):
    ingress_class, annotation = INGRESS[source]
    path = tmp_path / "ingress.yaml"
    path.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n"
        f"    {ingress_class}\n    {annotation}\nspec:\n  defaultBackend:\n    service:\n      name: web\n",
        encoding="utf-8",
    )
    plan = plan_of([str(path)], ruleset, target)
    by_coupling = {i.coupling: i for i in plan.items}
    assert sorted(by_coupling) == ["ingress-annotation", "ingress-class"]
    class_text, annotation_text = INGRESS_EQUIVALENT[target]
    assert class_text in by_coupling["ingress-class"].equivalent
    assert annotation_text in by_coupling["ingress-annotation"].equivalent
    assert "Gateway" in by_coupling["ingress-annotation"].equivalent


def test_alb_ingress_to_gcp_names_backendconfig_or_gateway_api(ruleset, in_repo):
    plan = plan_of(["fixtures/aws/alb-ingress.yaml"], ruleset, "gcp")
    annotation = next(i for i in plan.items if i.finding.rule_id == "aws-network-alb-annotation")
    assert annotation.equivalent.startswith("GKE Ingress with a BackendConfig")
    assert "or Gateway API HTTPRoutes" in annotation.equivalent
    internal = next(i for i in plan.items if i.finding.rule_id == "aws-network-alb-internal")
    assert internal.equivalent.startswith('kubernetes.io/ingress.class: "gce-internal"')
    assert internal.hazard != ""


def test_every_mapped_rule_exists_and_every_shipped_rule_is_mapped(ruleset):
    mappings = load_mappings()
    shipped = {r.id for r in ruleset.rules}
    mapped = set(mappings.data["rules"])
    assert mapped - shipped == set()
    # Rules not listed by id are planned by their category; none may fall through to "unmapped".
    for rule in ruleset.rules:
        coupling = mappings.for_target(rule.id, rule.category, "gcp").coupling
        assert coupling != "unmapped", rule.id
        assert rule.id in mapped or coupling == f"category:{rule.category}", rule.id


def test_every_coupling_has_every_target_with_a_valid_effort():
    data = load_mappings().data
    for name, coupling in data["couplings"].items():
        assert sorted(coupling["targets"]) == sorted(TARGETS), name
        for target, spec in coupling["targets"].items():
            assert spec["effort"] in ("S", "M", "L"), (name, target)
            assert spec["reasons"], (name, target)
            assert coupling.get("tiered") or spec["equivalent"], (name, target)


def test_unknown_rule_id_falls_back_to_its_category_and_its_own_equivalent():
    mappings = load_mappings()
    mapped = mappings.for_target("aws-secrets-manager-csi", "secrets", "gcp", "Secret Manager CSI provider")
    assert (mapped.coupling, mapped.equivalent, mapped.effort) == (
        "category:secrets",
        "Secret Manager CSI provider",
        "M",
    )
    assert coupling_classes().coupling_class("aws-managed-service-rds", "managed-service") == "bound"
    unknown = mappings.for_target("acme-thing", "no-such-category", "azure")
    assert (unknown.coupling, unknown.effort) == ("unmapped", "M")
    assert unknown.equivalent == "no equivalent recorded for this target; review by hand"


STORAGE_CLASSES = {
    "aws": "provisioner: ebs.csi.aws.com\nparameters:\n  type: gp3\n",
    "gcp": "provisioner: pd.csi.storage.gke.io\nparameters:\n  type: pd-ssd\n",
    "azure": "provisioner: file.csi.azure.com\nparameters:\n  skuName: Standard_LRS\n",
}
# gp3 is balanced, pd-ssd the SSD tier, an Azure Files class the RWX file tier.
PROVISIONED = {
    ("aws", "gcp"): "StorageClass standard-rwo: provisioner pd.csi.storage.gke.io, parameters.type: pd-balanced",
    ("aws", "azure"): "StorageClass managed-csi: provisioner disk.csi.azure.com, parameters.skuName: StandardSSD_LRS",
    ("gcp", "aws"): "StorageClass io2: provisioner ebs.csi.aws.com, parameters.type: io2",
    (
        "gcp",
        "azure",
    ): "StorageClass managed-csi-premium: provisioner disk.csi.azure.com, parameters.skuName: Premium_LRS",
    ("azure", "aws"): "StorageClass efs-sc: provisioner efs.csi.aws.com, parameters.provisioningMode: efs-ap",
    ("azure", "gcp"): "StorageClass standard-rwx: provisioner filestore.csi.storage.gke.io, parameters.tier: standard",
}


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_storage_class_definition_maps_by_disk_type_or_driver(ruleset, tmp_path, source, target):
    path = tmp_path / "class.yaml"
    path.write_text(
        f"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: data\n{STORAGE_CLASSES[source]}",
        encoding="utf-8",
    )
    [item] = plan_of([str(path)], ruleset, target).items
    assert item.coupling == "storage-provisioner"
    assert item.equivalent.startswith(PROVISIONED[(source, target)])
    assert item.effort == "M"


NODEPOOL = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: general
spec:
  template:
    spec:
      requirements:
        - key: {requirement}
          operator: In
          values: ["c"]
      nodeClassRef:
        group: {group}
        kind: NodeClass
        name: default
"""
NODEPOOL_SOURCES = {
    "aws": ("karpenter.k8s.aws/instance-category", "karpenter.k8s.aws"),
    "azure": ("karpenter.azure.com/sku-family", "karpenter.azure.com"),
}
NODEPOOL_EQUIVALENT = {"aws": "EC2NodeClass (karpenter.k8s.aws)", "gcp": "ComputeClass", "azure": "AKSNodeClass"}


@pytest.mark.parametrize(("source", "target"), [(s, t) for s, t in DIRECTIONS if s in NODEPOOL_SOURCES])
def test_karpenter_nodepool_maps_to_the_target_node_provisioning(ruleset, tmp_path, source, target):
    """GKE has no Karpenter: a NodePool from EKS or AKS becomes node auto-provisioning or a ComputeClass."""
    requirement, group = NODEPOOL_SOURCES[source]
    path = tmp_path / "nodepool.yaml"
    path.write_text(NODEPOOL.format(requirement=requirement, group=group), encoding="utf-8")
    plan = plan_of([str(path)], ruleset, target)
    assert [(i.coupling, i.effort) for i in plan.items] == [("node-provisioning", "M")] * 2
    assert all(NODEPOOL_EQUIVALENT[target] in i.equivalent for i in plan.items)


def test_the_coupling_tables_are_read_by_the_fast_loader_and_match_a_full_parse():
    """mappings.yaml keeps to the YAML libyaml's fold takes (no plain `a:b` in a flow list), so a first
    run (an empty cache) reads the workload line's tables without importing ruamel.yaml."""
    from ruamel.yaml import YAML

    from mclint.load.yamlstream import fold_libyaml
    from mclint.score.workloads import MAPPINGS_FILE, _parse_tables

    data = MAPPINGS_FILE.read_bytes()
    assert fold_libyaml(data) is not None
    full = YAML(typ="safe", pure=True).load(data)
    tables = _parse_tables(data)
    assert tables["rules"] == {rule: full["couplings"][name]["class"] for rule, name in full["rules"].items()}
    assert tables["categories"] == {name: entry["class"] for name, entry in full["categories"].items()}
    assert tables["hardware"] == {
        what: full["provider_only_hardware"][what] for what in ("resources", "node_selectors")
    }


def test_the_tables_come_back_from_the_cache_as_parsed_and_a_broken_cache_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MCLINT_NO_CACHE", raising=False)
    mappings.load_mappings.cache_clear()
    parsed = mappings.load_mappings().data
    stored = tmp_path / mappings.CACHE_FILE
    assert json.loads(stored.read_text())["rules"] == parsed
    mappings.load_mappings.cache_clear()
    monkeypatch.setattr("ruamel.yaml.YAML", None)  # a second parse would fail: the tables are the cache's
    assert mappings.load_mappings().data == parsed
    monkeypatch.undo()
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path))
    stored.write_text("{not json")
    mappings.load_mappings.cache_clear()
    assert mappings.load_mappings().data == parsed
    mappings.load_mappings.cache_clear()
