"""Inventory and plan in text, markdown, json and html: same content, escaped, deterministic."""

from __future__ import annotations

import io
import json

from mclint.plan import inventory_of, plan_of
from mclint.plan.writers import write_inventory, write_plan

IRSA = "fixtures/plan/irsa-service-account-used-by-deployment.yaml"


def _render(write, value, fmt: str) -> str:
    stream = io.StringIO()
    write(value, fmt, stream)
    return stream.getvalue()


def test_plan_json_structure(ruleset, in_repo):
    data = json.loads(_render(write_plan, plan_of([IRSA], ruleset, "azure"), "json"))
    assert (data["from"], data["to"], data["effort"]) == (
        ["aws"],
        "azure",
        {"overall": "M", "items": {"S": 2, "M": 1, "L": 0}},
    )
    first = data["items"][0]
    assert (first["rule_id"], first["coupling"], first["effort"]) == ("aws-identity-irsa-role", "identity-binding", "M")
    assert first["equivalent"].startswith(
        "Microsoft Entra Workload ID: annotate the ServiceAccount azure.workload.identity/client-id"
    )
    assert first["affects"] == [{"kind": "Deployment", "namespace": "shop", "name": "orders", "file": IRSA, "line": 11}]
    assert data["hazards"] == 1
    assert data["inventory"] == {"portable": 0, "portable-with-config": 1, "stateful": 0, "provider-bound": 0}


def test_plan_text_and_markdown_carry_equivalents_effort_and_hazard(ruleset, in_repo):
    plan = plan_of([IRSA], ruleset, "gcp")
    text = _render(write_plan, plan, "text")
    assert text.startswith("Migration plan: aws → gcp\n")
    assert "1. [M] aws-identity-irsa-role: Workload identity bound on the ServiceAccount (1 place)\n" in text
    assert "ServiceAccount shop/orders  " + IRSA + ":9  Deployment shop/orders (" + IRSA + ":11)" in text
    assert '  - on gcp: networking.gke.io/load-balancer-type: "Internal"' in text
    assert "Exposure hazards" in text
    markdown = _render(write_plan, plan, "markdown")
    assert markdown.startswith("# Migration plan: aws → gcp\n")
    assert "\n## Outside the manifests\n" in markdown
    assert (
        "\n### 1. \\[M\\] aws-identity-irsa-role: Workload identity bound on the ServiceAccount (1 place)" in markdown
    )
    assert r"\<PROJECT\_ID\>" in markdown  # placeholders are escaped, not read as HTML or emphasis


def test_html_is_self_contained_and_escaped(ruleset, tmp_path):
    path = tmp_path / "sa.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
        "    eks.amazonaws.com/role-arn: '<script>alert(1)</script>'\n",
        encoding="utf-8",
    )
    page = _render(write_plan, plan_of([str(path)], ruleset, "gcp"), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<link" not in page and "src=" not in page


def test_inventory_formats_agree_on_counts(ruleset, in_repo):
    inventory = inventory_of(["fixtures/plan"], ruleset)
    data = json.loads(_render(write_inventory, inventory, "json"))
    assert data["counts"] == {"portable": 1, "portable-with-config": 2, "stateful": 2, "provider-bound": 1}
    accounts = [
        (a["namespace"], a["name"], [w["name"] for w in a["workloads"]]) for a in data["links"]["service_accounts"]
    ]
    assert accounts == [
        ("db", "default", ["postgres", "uploader"]),
        ("ml", "default", ["train"]),
        ("reports", "default", ["nightly"]),
        ("shop", "default", ["web"]),
        ("shop", "orders", ["orders"]),
    ]
    [claim] = data["links"]["persistent_volume_claims"]
    assert (claim["name"], claim["storage_class"], claim["storage_class_defined"]) == ("uploads", None, False)
    assert [w["name"] for w in claim["workloads"]] == ["uploader"]
    [ingress] = data["links"]["ingresses"]
    assert (ingress["name"], [s["name"] for s in ingress["services"]]) == ("orders", ["orders"])
    text = _render(write_inventory, inventory, "text")
    assert "portable-with-config  2" in text
    markdown = _render(write_inventory, inventory, "markdown")
    assert "| portable-with-config | 2 |" in markdown


def test_output_is_deterministic(ruleset, in_repo):
    first = _render(write_plan, plan_of(["fixtures"], ruleset, "aws"), "json")
    again = _render(write_plan, plan_of(["fixtures"], ruleset, "aws"), "json")
    assert first == again
    items = json.loads(first)["items"]
    assert [(i["file"], i["line"]) for i in items] == sorted((i["file"], i["line"]) for i in items)


def test_plan_groups_the_places_that_need_the_same_change(ruleset, tmp_path):
    """Three claims of one class are one entry with three rows, not the same advice three times."""
    claims = "".join(
        f"---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data-{n}, namespace: shop}}\n"
        f"spec: {{storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n"
        for n in range(3)
    )
    (tmp_path / "claims.yaml").write_text(claims, encoding="utf-8")
    plan = plan_of([str(tmp_path / "claims.yaml")], ruleset, "gcp")
    assert [i.finding.rule_id for i in plan.items] == ["aws-storage-class-name"] * 3
    text = _render(write_plan, plan, "text")
    assert text.count("aws-storage-class-name") == 1
    assert "1. [S] aws-storage-class-name: " in text and "(3 places)" in text
    assert text.count("  - on gcp: ") == 1
    rows = [line for line in text.splitlines() if line.startswith("PersistentVolumeClaim shop/data-")]
    assert [row.split()[1] for row in rows] == ["shop/data-0", "shop/data-1", "shop/data-2"]
    page = _render(write_plan, plan, "html")
    assert page.count("<tr>") == 4  # a header and three places
