"""The plan as a whole: sources, effort, work outside the manifests, data to move."""

from __future__ import annotations

from mclint.plan import plan_of


def test_plan_for_the_irsa_fixture_to_gcp(ruleset, in_repo):
    plan = plan_of(["fixtures/plan/irsa-service-account-used-by-deployment.yaml"], ruleset, "gcp")
    assert plan.sources == ("aws",)
    assert [(i.finding.rule_id, i.effort) for i in plan.items] == [
        ("aws-identity-irsa-role", "M"),
        ("aws-network-lb-internal", "S"),
        ("aws-network-alb-ingress-class-name", "S"),
    ]
    assert plan.overall_effort == "M"
    assert plan.effort_counts() == {"S": 2, "M": 1, "L": 0}
    assert [i.finding.rule_id for i in plan.hazards()] == ["aws-network-lb-internal"]
    assert all([(r.kind, r.name) for r in i.workloads] == [("Deployment", "orders")] for i in plan.items)
    assert plan.outside() == sorted(set(plan.outside()))
    assert "Google service account with the roles the workload used" in plan.outside()


def test_provisioner_maps_by_disk_type_and_data_to_move_lists_every_claim(ruleset, in_repo):
    plan = plan_of(["fixtures/plan/statefulset-with-claims.yaml"], ruleset, "azure")
    [item] = plan.items
    assert item.finding.rule_id == "aws-storage-provisioner"
    assert (
        item.equivalent
        == "StorageClass managed-csi-premium: provisioner disk.csi.azure.com, parameters.skuName: Premium_LRS"
    )
    assert plan.data_to_move() == [
        "StatefulSet db/postgres: volumeClaimTemplate data: 50Gi ReadWriteOnce, class fast (defined in the tree: provisioner ebs.csi.aws.com)",
        "Deployment db/uploader: PersistentVolumeClaim uploads: 5Gi ReadWriteMany, class cluster default",
    ]


def test_from_is_inferred_per_provider_and_can_be_narrowed(ruleset, in_repo):
    paths = ["fixtures/plan/irsa-service-account-used-by-deployment.yaml", "fixtures/azure/workload-identity.yaml"]
    everything = plan_of(paths, ruleset, "gcp")
    assert everything.sources == ("aws", "azure")
    only_azure = plan_of(paths, ruleset, "gcp", source="azure")
    assert only_azure.sources == ("azure",)
    assert {i.finding.provider for i in only_azure.items} == {"azure"}
    assert 0 < len(only_azure.items) < len(everything.items)


def test_findings_already_on_the_target_are_counted_not_planned(ruleset, in_repo):
    plan = plan_of(["fixtures/plan/default-service-account-workload-identity.yaml"], ruleset, "gcp")
    assert (plan.sources, plan.items, plan.already_on_target) == ((), [], 1)
    assert plan.overall_effort == "S"


def test_workloads_get_the_largest_effort_that_reaches_them(ruleset, in_repo):
    plan = plan_of(["fixtures/plan"], ruleset, "gcp")
    rows = [(w.ref.name, w.classification, w.effort, w.reasons) for w in plan.workloads()]
    assert rows == [
        (
            "orders",
            "portable-with-config",
            "M",
            (
                "aws-identity-irsa-role (M)",
                "aws-network-alb-ingress-class-name (S)",
                "aws-network-lb-internal (S)",
            ),
        ),
        ("postgres", "stateful", "M", ("aws-storage-provisioner (M)", "data to move from 1 claim(s) (M)")),
        ("uploader", "stateful", "M", ("data to move from 1 claim(s) (M)",)),
        (
            "train",
            "provider-bound",
            "L",
            (
                "to replace: provider-only hardware: node selector cloud.google.com/gke-tpu-topology exists only on gcp (L)",
                "to replace: provider-only hardware: resource google.com/tpu exists only on gcp (L)",
            ),
        ),
    ]


MANAGED_SERVICE_RULES = """\
provider: aws
category: managed-service
rules:
  - id: aws-managed-service-rds-endpoint
    title: Workload connects to an RDS endpoint
    severity: high
    kinds: ["@workload"]
    field: container.env
    match:
      value_regex: "\\\\.rds\\\\.amazonaws\\\\.com$"
    message: "environment {key} points at an RDS endpoint"
    remediation: Move the database, or run it in the cluster.
    equivalents:
      gcp: "Cloud SQL for PostgreSQL"
"""

RDS_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
spec:
  template:
    spec:
      containers:
        - name: billing
          image: billing:3
          env:
            - name: DB_HOST
              value: billing.abc123.eu-west-1.rds.amazonaws.com
"""


def test_rule_unknown_to_the_mappings_is_planned_by_category_and_its_own_equivalent(tmp_path):
    from mclint.rules.engine import RuleSet
    from mclint.rules.registry import load_rules

    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "aws-managed.yaml").write_text(MANAGED_SERVICE_RULES, encoding="utf-8")
    manifest = tmp_path / "billing.yaml"
    manifest.write_text(RDS_DEPLOYMENT, encoding="utf-8")
    ruleset = RuleSet(load_rules([rules_dir], plugins=False))
    plan = plan_of([str(manifest)], ruleset, "gcp")
    [item] = [i for i in plan.items if i.finding.rule_id == "aws-managed-service-rds-endpoint"]
    assert (item.finding.rule_id, item.coupling, item.equivalent, item.effort) == (
        "aws-managed-service-rds-endpoint",
        "category:managed-service",
        "Cloud SQL for PostgreSQL",
        "L",
    )
    [workload] = plan.inventory.workloads
    assert workload.classification == "provider-bound"
    to_azure = plan_of([str(manifest)], ruleset, "azure")
    [to_azure_item] = [i for i in to_azure.items if i.finding.rule_id == "aws-managed-service-rds-endpoint"]
    assert to_azure_item.equivalent == "no equivalent recorded for this target; review by hand"
