"""`mclint split`: what the base and the overlays hold, and how the command treats its input and output."""

from __future__ import annotations

from pathlib import Path

from mclint.split import split
from tests.cli.runner import run
from tests.conftest import FIXTURES
from tests.split.contracts import digest, kustomize, needs_kubectl, objects

COMMENTED = """\
# The orders service account.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders   # owned by the shop team
  namespace: shop
  annotations:
    team: shop
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
        eks.amazonaws.com/nodegroup: general   # the default group
      containers:
        - name: orders
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/orders:1.4
          ports: [{containerPort: 8080}]
"""


def write(tmp_path: Path, text: str, name: str = "app.yaml") -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_base_keeps_comments_order_and_layout_and_loses_every_coupling(tmp_path, ruleset):
    result = split([str(write(tmp_path, COMMENTED))], ["aws"], ruleset)
    assert (
        result.files["base/app.yaml"]
        == """\
# The orders service account.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders   # owned by the shop team
  namespace: shop
  annotations:
    team: shop
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
      containers:
        - name: orders
          image: orders:1.4
          ports: [{containerPort: 8080}]
"""
    )


def test_overlay_has_one_patch_per_object_named_after_it_and_images_for_the_registry(tmp_path, ruleset):
    result = split([str(write(tmp_path, COMMENTED))], ["aws"], ruleset)
    assert sorted(result.files) == [
        "base/app.yaml",
        "base/kustomization.yaml",
        "overlays/aws/kustomization.yaml",
        "overlays/aws/patches/deployment-orders.yaml",
        "overlays/aws/patches/serviceaccount-orders.yaml",
    ]
    assert (
        result.files["overlays/aws/patches/serviceaccount-orders.yaml"]
        == """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
"""
    )
    assert "eks.amazonaws.com/nodegroup: general" in result.files["overlays/aws/patches/deployment-orders.yaml"]
    kustomization = result.files["overlays/aws/kustomization.yaml"]
    assert "resources:\n  - ../../base\n" in kustomization
    assert "images:\n  - name: orders\n    newName: 111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/orders\n" in (
        kustomization
    )


def test_provider_only_objects_move_whole_to_the_overlay(ruleset):
    result = split([str(FIXTURES / "aws/network-classes.yaml")], ["aws"], ruleset)
    moved = [path for path in result.files if path.startswith("overlays/aws/resources/")]
    assert moved == ["overlays/aws/resources/ingressclass-alb.yaml"]
    assert "kind: IngressClass" not in result.files["base/network-classes.yaml"]
    assert "kind: Gateway" in result.files["base/network-classes.yaml"]
    assert "  - resources/ingressclass-alb.yaml\n" in result.files["overlays/aws/kustomization.yaml"]


def test_without_provider_every_coupled_provider_gets_an_overlay(tmp_path, ruleset):
    gke = COMMENTED.replace(
        "        eks.amazonaws.com/nodegroup: general   # the default group\n",
        "        eks.amazonaws.com/nodegroup: general   # the default group\n"
        "        cloud.google.com/gke-nodepool: general\n",
    )
    result = split([str(write(tmp_path, gke))], None, ruleset)
    assert result.providers == ["aws", "gcp"]
    assert sorted(result.overlays.values()) == ["overlays/aws", "overlays/gcp"]
    assert "cloud.google.com/gke-nodepool: general" in result.files["overlays/gcp/patches/deployment-orders.yaml"]
    assert "gke-nodepool" not in result.files["overlays/aws/patches/deployment-orders.yaml"]


@needs_kubectl
def test_the_command_checks_its_result_and_prints_what_it_wrote(tmp_path):
    source = write(tmp_path, COMMENTED)
    out = tmp_path / "out"
    code, stdout, _ = run(["split", str(source), "--provider", "aws", "--output", str(out)])
    assert code == 0
    lines = stdout.splitlines()
    assert [line for line in lines if line.startswith("wrote ")] == [
        f"wrote {(out / p).as_posix()}"
        for p in (
            "base/app.yaml",
            "base/kustomization.yaml",
            "overlays/aws/kustomization.yaml",
            "overlays/aws/patches/deployment-orders.yaml",
            "overlays/aws/patches/serviceaccount-orders.yaml",
        )
    ]
    assert (
        f"checked: kubectl kustomize {(out / 'overlays/aws').as_posix()} builds the input's 2 object(s) back" in lines
    )
    assert objects(kustomize(out / "overlays" / "aws")) == objects(COMMENTED)


def test_deterministic_and_never_touches_the_input(tmp_path):
    source = write(tmp_path, COMMENTED)
    before = digest(source.parent)
    for name in ("one", "two"):
        code, _, stderr = run(["split", str(source), "--provider", "aws", "-o", str(tmp_path / name), "--no-check"])
        assert code == 0, stderr
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert digest(source.parent) == before


def test_refuses_a_non_empty_output_unless_forced(tmp_path):
    source = write(tmp_path, COMMENTED)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    code, _, stderr = run(["split", str(source), "--provider", "aws", "-o", str(out), "--no-check"])
    assert code == 2
    assert "is not empty: choose an empty directory, or --force to write into it" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    code, _, _ = run(["split", str(source), "--provider", "aws", "-o", str(out), "--no-check", "--force"])
    assert code == 0 and (out / "base" / "app.yaml").is_file() and (out / "notes.txt").read_text() == "mine\n"


def test_refuses_an_output_inside_the_input(tmp_path):
    source = write(tmp_path, COMMENTED)
    code, _, stderr = run(["split", str(source.parent), "--provider", "aws", "-o", str(source.parent / "split")])
    assert code == 2
    assert "overlaps the input" in stderr
    assert not (source.parent / "split").exists()


def test_a_helm_chart_is_refused_with_what_to_do_instead(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("serviceAccount:\n  annotations: {}\n")
    code, _, stderr = run(["split", str(chart), "-o", str(tmp_path / "out")])
    assert code == 2
    assert "is a Helm chart" in stderr and "helm template" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


def test_portable_input_writes_nothing(tmp_path):
    source = write(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n")
    code, stdout, _ = run(["split", str(source), "-o", str(tmp_path / "out")])
    assert code == 0
    assert "nothing to split" in stdout
    assert not (tmp_path / "out").exists()


@needs_kubectl
def test_a_kustomize_overlay_keeps_its_own_kustomization_and_gains_the_patches(tmp_path, ruleset):
    app = tmp_path / "app"
    (app / "base").mkdir(parents=True)
    (app / "prod").mkdir()
    (app / "base" / "shop.yaml").write_text(COMMENTED, encoding="utf-8")
    (app / "base" / "kustomization.yaml").write_text("resources:\n  - shop.yaml\n", encoding="utf-8")
    (app / "prod" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\nnamespace: shop-prod\ncommonLabels:\n  env: prod\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    code, _, stderr = run(["split", str(app / "prod"), "--output", str(out), "--no-check"])
    assert code == 0, stderr
    overlay = (out / "overlays" / "aws" / "kustomization.yaml").read_text(encoding="utf-8")
    assert "namespace: shop-prod" in overlay and "env: prod" in overlay
    assert not (out / "overlays" / "prod").exists()
    assert objects(kustomize(out / "overlays" / "aws")) == objects(kustomize(app / "prod"))
    assert "eks.amazonaws.com" not in (out / "base" / "shop.yaml").read_text(encoding="utf-8")


def test_helm_values_outside_a_chart_split_into_a_second_values_file(tmp_path, ruleset):
    values = write(
        tmp_path,
        "# production values\nserviceAccount:\n  create: true\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders\n"
        "persistence:\n  storageClass: gp3\n  size: 10Gi\n",
        "values-prod.yaml",
    )
    result = split([str(values)], ["aws"], ruleset)
    assert result.files["base/values-prod.yaml"] == (
        "# production values\nserviceAccount:\n  create: true\npersistence:\n  size: 10Gi\n"
    )
    assert result.files["overlays/aws/helm-values/values-prod.yaml"] == (
        "serviceAccount:\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders\n"
        "persistence:\n  storageClass: gp3\n"
    )
