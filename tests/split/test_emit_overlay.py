"""`mclint plan --to T --emit-overlay DIR`: each source coupling replaced by the target's equivalent,
placeholders and manual work in MIGRATION.md, and the command's output."""

from __future__ import annotations

from pathlib import Path

from mclint.split.migrate import emit_overlay
from mclint.split.output import write_files
from tests.cli.runner import run
from tests.conftest import FIXTURES
from tests.split.contracts import digest, kustomize, needs_kubectl, objects

SHOP = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata:
      labels: {app: orders}
    spec:
      serviceAccountName: orders
      nodeSelector:
        eks.amazonaws.com/nodegroup: general
      containers:
        - name: orders
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/orders:1.4
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: io2
  resources: {requests: {storage: 10Gi}}
---
apiVersion: v1
kind: Service
metadata:
  name: orders
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
  selector: {app: orders}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: orders
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: orders, port: {number: 80}}}
---
apiVersion: dynamodb.services.k8s.aws/v1alpha1
kind: Table
metadata:
  name: orders
  namespace: shop
spec:
  tableName: orders
"""


def emitted_for(tmp_path: Path, ruleset, target: str = "gcp"):
    source = tmp_path / "in" / "shop.yaml"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(SHOP, encoding="utf-8")
    return emit_overlay([str(source)], target, None, ruleset, tmp_path / "out")


def test_each_aws_coupling_becomes_its_gcp_equivalent(tmp_path, ruleset):
    files = emitted_for(tmp_path, ruleset).files
    assert (
        files["patches/serviceaccount-orders.yaml"]
        == """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: null
    iam.gke.io/gcp-service-account: REPLACE-ME@PROJECT.iam.gserviceaccount.com
"""
    )
    assert "storageClassName: premium-rwo" in files["patches/persistentvolumeclaim-data.yaml"]
    assert "cloud.google.com/gke-nodepool: REPLACE-ME-NODE-POOL" in files["patches/deployment-orders.yaml"]
    assert "eks.amazonaws.com/nodegroup: null" in files["patches/deployment-orders.yaml"]
    service = files["patches/service-orders.yaml"]
    assert "networking.gke.io/load-balancer-type: Internal" in service
    ingress = files["patches/ingress-orders.yaml"]
    assert "kubernetes.io/ingress.class: gce\n" in ingress and "ingressClassName: null" in ingress
    assert (
        "images:\n  - name: 111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/orders\n"
        "    newName: REPLACE-ME-REGION-docker.pkg.dev/REPLACE-ME-PROJECT/REPLACE-ME-REPOSITORY/shop/orders\n"
    ) in files["kustomization.yaml"]
    assert "resources:\n  - base\n" in files["kustomization.yaml"]
    assert files["base/shop.yaml"] == SHOP


def test_migration_lists_couplings_placeholders_and_manual_work_with_rule_ids(tmp_path, ruleset):
    text = emitted_for(tmp_path, ruleset).files["MIGRATION.md"]
    assert text.startswith("# Migration: aws → gcp\n")
    assert (
        "| aws-identity-irsa-role | ServiceAccount shop/orders | `metadata.annotations['eks.amazonaws.com/role-arn']`"
        " | replaced: iam.gke.io/gcp-service-account: REPLACE-ME@PROJECT.iam.gserviceaccount.com |"
    ) in text
    placeholders = text.split("## Placeholders to fill in", 1)[1].split("## Manual work", 1)[0]
    assert "- `REPLACE-ME@PROJECT.iam.gserviceaccount.com` in patches/serviceaccount-orders.yaml" in placeholders
    assert "in kustomization.yaml: the gcp registry for shop/orders" in placeholders
    manual = text.split("## Manual work", 1)[1]
    assert "- aws-provider-api-ack: Table shop/orders `apiVersion`, left as is: Config Connector" in manual


def test_an_internal_endpoint_stays_internal_on_every_target(ruleset):
    internal = {
        "gcp": "kubernetes.io/ingress.class: gce-internal",
        "azure": "appgw.ingress.kubernetes.io/use-private-ip",
    }
    for target, marker in internal.items():
        files = emit_overlay([str(FIXTURES / "aws/alb-ingress.yaml")], target, None, ruleset, Path("unused"))
        assert marker in files.files["patches/ingress-orders.yaml"], target
    files = emit_overlay([str(FIXTURES / "gcp/internal-lb-neg-service.yaml")], "aws", None, ruleset, Path("unused"))
    assert "service.beta.kubernetes.io/aws-load-balancer-scheme: internal" in next(
        text for path, text in files.files.items() if path.startswith("patches/service-")
    )


@needs_kubectl
def test_the_command_writes_checks_and_reports_on_stderr(tmp_path):
    source = tmp_path / "in" / "shop.yaml"
    source.parent.mkdir()
    source.write_text(SHOP, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(["plan", str(source), "--to", "gcp", "--emit-overlay", str(out)])
    assert code == 0, stderr
    assert stdout.startswith("Migration plan: aws → gcp\n")
    assert f"wrote {(out / 'MIGRATION.md').as_posix()}" in stderr.splitlines()
    assert f"checked: kubectl kustomize {out.as_posix()} | mclint scan - --target gcp" in stderr
    built = objects(kustomize(out))
    assert set(built) == set(objects(SHOP))
    code, _, stderr = run(["plan", str(source), "--to", "gcp", "--emit-overlay", str(out)])
    assert code == 2 and "is not empty" in stderr


@needs_kubectl
def test_a_kustomize_root_is_built_by_a_relative_path_not_copied(tmp_path, ruleset):
    root = tmp_path / "app"
    root.mkdir()
    (root / "shop.yaml").write_text(SHOP, encoding="utf-8")
    (root / "kustomization.yaml").write_text("resources:\n  - shop.yaml\n", encoding="utf-8")
    out = tmp_path / "overlay"
    files = emit_overlay([str(root)], "azure", None, ruleset, out).files
    assert "resources:\n  - ../app\n" in files["kustomization.yaml"]
    assert not any(path.startswith("base/") for path in files)


def test_emit_overlay_is_deterministic_and_leaves_the_input_alone(tmp_path, ruleset):
    source = tmp_path / "in" / "shop.yaml"
    source.parent.mkdir()
    source.write_text(SHOP, encoding="utf-8")
    for name in ("one", "two"):
        write_files(tmp_path / name, emit_overlay([str(source)], "azure", None, ruleset, tmp_path / name).files)
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert source.read_text(encoding="utf-8") == SHOP
    assert sorted(digest(tmp_path / "one")) == [
        "MIGRATION.md",
        "base/kustomization.yaml",
        "base/shop.yaml",
        "kustomization.yaml",
        "patches/deployment-orders.yaml",
        "patches/ingress-orders.yaml",
        "patches/persistentvolumeclaim-data.yaml",
        "patches/service-orders.yaml",
        "patches/serviceaccount-orders.yaml",
    ]
