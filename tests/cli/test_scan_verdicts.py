"""The answers a CI gate reads from `mclint scan`: several targets, file scores, nothing to score,
the pre-commit case (chart files, a baseline), and the workload line leading every report."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.cli.runner import run
from tests.conftest import FIXTURES

needs_kustomize = pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")
SHOP = "fixtures/render/shop"


def scan_json(*args: str) -> tuple[int, dict, str]:
    code, out, err = run(["scan", "--no-progress", "-f", "json", *args])
    return code, json.loads(out), err


@pytest.fixture
def gke_account(tmp_path, monkeypatch):
    (tmp_path / "k8s").mkdir()
    shutil.copy(FIXTURES / "gcp" / "workload-identity-service-account.yaml", tmp_path / "k8s" / "sa.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_gke_coupling_fails_a_gate_that_must_also_run_on_azure(gke_account):
    code, out, _ = run(["scan", "k8s", "--target", "gcp", "--target", "azure", "--fail-on", "low"])
    assert code == 1
    assert "Targets azure, gcp. Score per target: azure 50, gcp 100" in out
    assert out.splitlines()[-1].startswith("Portability score: 50/100  (1 finding(s): 1 high;")
    code, data, _ = scan_json("k8s", "--target", "gcp", "--fail-on", "low")
    assert (code, data["score"], [f["severity"] for f in data["findings"]]) == (0, 100, ["info"])


@needs_kustomize
def test_with_several_targets_only_couplings_in_their_own_overlay_are_expected(tmp_path, monkeypatch):
    """The shop keeps AWS settings in overlays/aws and GCP settings in overlays/gcp: good on both.
    A coupling in the shared base is not expected on either, and blocks the gate."""
    shutil.copytree(FIXTURES / "render" / "shop", tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    code, data, _ = scan_json("shop", "--target", "aws", "--target", "gcp", "--fail-on", "low")
    assert (code, data["score"], {f["severity"] for f in data["findings"]}) == (0, 100, {"info"})
    code, data, _ = scan_json("shop", "--target", "aws", "--target", "azure", "--fail-on", "low")
    kept = {(f["provider"], f["severity"]) for f in data["findings"]}
    assert code == 1 and kept == {("aws", "info"), ("gcp", "high"), ("gcp", "medium")}
    deployment = tmp_path / "shop/base/deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace(
            "    spec:\n", "    spec:\n      nodeSelector:\n        eks.amazonaws.com/nodegroup: shop\n", 1
        )
    )
    code, data, _ = scan_json("shop", "--target", "aws", "--target", "gcp", "--fail-on", "low")
    base = [(f["file"], f["severity"]) for f in data["findings"] if f["severity"] != "info"]
    assert code == 1 and base == [("shop/base/deployment.yaml", "high")]


@needs_kustomize
def test_a_files_score_is_the_score_of_what_is_reported_in_it(in_repo):
    _, data, _ = scan_json(SHOP)
    assert data["file_scores"] == {
        f"{SHOP}/base/data-claim.yaml": 100,
        f"{SHOP}/base/deployment.yaml": 100,
        f"{SHOP}/base/serviceaccount.yaml": 100,
        f"{SHOP}/overlays/aws/data-claim-gp3.yaml": 75,
        f"{SHOP}/overlays/aws/serviceaccount-irsa.yaml": 50,
        f"{SHOP}/overlays/gcp/data-claim-standard-rwo.yaml": 75,
        f"{SHOP}/overlays/gcp/serviceaccount-workload-identity.yaml": 50,
    }
    _, out, _ = run(["scan", "--no-progress", SHOP])
    assert f"{SHOP}/overlays/aws/serviceaccount-irsa.yaml  (score 50)" in out.splitlines()
    _, html, _ = run(["scan", "--no-progress", "-f", "html", SHOP])
    assert f'{SHOP}/overlays/aws/serviceaccount-irsa.yaml</a></td><td class="num">50</td>' in html


@pytest.mark.parametrize(
    ("files", "args"),
    [
        ({}, []),
        ({"ci.yaml": "stages: [lint]\n", "kustomization.yaml": "resources: []\n"}, []),
        ({"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "chart/templates/x.yaml": "{{ .x }}\n"}, []),
    ],
    ids=["empty directory", "no manifests", "only skipped files"],
)
def test_nothing_to_score_has_no_score(tmp_path, monkeypatch, files, args):
    for name, text in files.items():
        (tmp_path / "tree" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "tree" / name).write_text(text)
    (tmp_path / "tree").mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path)
    code, data, err = scan_json("tree", *args)
    assert (code, data["score"], data["scores"]["aws"]) == (0, None, None)
    assert "mclint: no Kubernetes objects found\n" in err
    code, out, _ = run(["scan", "--no-progress", "tree"])
    assert code == 0 and out.splitlines()[-1].startswith("Portability score: n/a (no Kubernetes objects found)")
    assert run(["scan", "--no-progress", "tree", "--fail-under", "60"])[0] == 1
    assert "portability score n/a" in run(["scan", "tree", "-f", "markdown"])[1]
    assert 'id="score">n/a<' in run(["scan", "tree", "-f", "html"])[1]
    sarif = json.loads(run(["scan", "tree", "-f", "sarif"])[1])
    assert sarif["runs"][0]["properties"]["portabilityScore"] == "n/a"


def test_empty_stdin_and_too_large_files_have_nothing_to_score(tmp_path, monkeypatch):
    code, out, err = run(["scan", "-", "-f", "json"], input="")
    assert (code, json.loads(out)["score"]) == (0, None)
    assert err == "mclint: no Kubernetes objects found\n"
    (tmp_path / "big.yaml").write_text((FIXTURES / "aws" / "ebs-storage-class.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    code, data, _ = scan_json(".", "--max-file-size", "10")
    assert data["score"] is None and data["errors"][0]["message"].startswith("skipped: ")
    assert code == 1  # a file that could not be read fails, as it always did


def test_every_report_leads_with_the_workload_line(in_repo):
    path = "fixtures/units/irsa-deployment-with-config-and-rbac.yaml"
    line = "Workloads: 0 of 1 portable as written, 1 need per-cloud configuration, 0 stateful, 0 provider-bound"
    assert run(["scan", path])[1].splitlines()[0] == line
    assert run(["scan", path, "-f", "markdown"])[1].splitlines()[2] == line
    assert run(["scan", path, "-f", "github"])[1].splitlines()[0] == line
    assert run(["scan", path, "-f", "concise"])[1].splitlines()[-2] == line  # with the score line, as ruff's summary
    assert f"<strong>{line}</strong>" in run(["scan", path, "-f", "html"])[1]
    _, data, _ = scan_json(path)
    assert data["summary"]["workloads"] == {
        "total": 1,
        "portable": 0,
        "portable-with-config": 1,
        "stateful": 0,
        "provider-bound": 0,
    }
    assert (data["score"], data["summary"]["units"], data["summary"]["objects"]) == (50, 1, 24)


def test_chart_files_handed_over_one_by_one_find_what_the_chart_directory_finds(tmp_path, monkeypatch):
    """pre-commit passes changed files, never directories: a chart's values and templates bring in
    the chart's static pass, as `mclint scan chart/` does."""
    shutil.copytree(FIXTURES / "render" / "chart-eks", tmp_path / "chart")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")  # no helm, here or on a developer's laptop

    def found(*paths: str) -> list[tuple]:
        _, data, _ = scan_json(*paths)
        return [(f["rule_id"], f["file"], f["line"]) for f in data["findings"]]

    whole = found("chart")
    assert ("aws-network-lb-internal", "chart/templates/service.yaml", 6) in whole
    assert found("chart/values.yaml", "chart/templates/service.yaml") == whole
    _, out, _ = run(["scan", "chart/values.yaml", "chart/templates/service.yaml"])  # the hook's own command line
    assert "chart/templates/service.yaml  (score 50)" in out


def test_a_baseline_counts_entries_gone_only_in_the_files_scanned(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "aws" / "irsa-service-account.yaml", tmp_path / "sa.yaml")
    shutil.copy(FIXTURES / "gcp" / "pd-storage.yaml", tmp_path / "pd.yaml")
    monkeypatch.chdir(tmp_path)
    assert run(["baseline", ".", "--output", "base.json"])[0] == 0
    _, data, _ = scan_json("--baseline", "base.json", "sa.yaml")  # a commit that touched sa.yaml only
    assert data["baseline"] == {"against": "in baseline base.json", "matched": 2, "gone": 0}
    (tmp_path / "pd.yaml").unlink()
    _, data, _ = scan_json("--baseline", "base.json", ".")  # a deleted file's entries are gone
    assert data["baseline"] == {"against": "in baseline base.json", "matched": 2, "gone": 4}
