"""The scan options ruff, yamllint and kube-linter users reach for: --select/--ignore, --exclude,
--quiet, --statistics, --exit-zero, --stdin-filename, --show-files, and the same policy in
inventory, plan and baseline."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.cli.runner import run
from tests.conftest import FIXTURES

SA = FIXTURES / "aws" / "irsa-service-account.yaml"  # aws-identity-irsa-role (high), -settings (low)
PD = FIXTURES / "gcp" / "pd-storage.yaml"  # four gcp storage rules


@pytest.fixture
def tree(tmp_path, monkeypatch):
    shutil.copy(SA, tmp_path / "sa.yaml")
    shutil.copy(PD, tmp_path / "pd.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rule_ids(*args: str, stdin: str | None = None) -> tuple[int, list[str]]:
    code, out, err = run(["scan", "-f", "json", *args], input=stdin)
    assert "Traceback" not in err
    return code, [f["rule_id"] for f in json.loads(out)["findings"]]


GCP_STORAGE = [
    "gcp-storage-class-name",
    "gcp-storage-csi-volume",
    "gcp-storage-in-tree-volume",
    "gcp-storage-provisioner",
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "aws"], ["aws-identity-irsa-role", "aws-identity-irsa-settings"]),  # a provider
        (["--select", "storage"], GCP_STORAGE),  # a category
        (["--select", "aws-identity-irsa-r*"], ["aws-identity-irsa-role"]),  # a glob
        (
            ["--select", "aws-identity-irsa-role,gcp-storage-provisioner"],
            ["aws-identity-irsa-role", "gcp-storage-provisioner"],
        ),
        (
            ["--select", "aws-identity-irsa-role", "--select", "gcp-storage-provisioner"],
            ["aws-identity-irsa-role", "gcp-storage-provisioner"],
        ),
        (["--ignore", "gcp,aws-identity-irsa-settings"], ["aws-identity-irsa-role"]),
        (["--select", "gcp", "--ignore", "gcp-storage-*"], []),  # the longer pattern wins
        (["--select", "gcp-storage-provisioner", "--ignore", "gcp"], ["gcp-storage-provisioner"]),  # an exact id wins
        (["--select", "aws", "--ignore", "aws"], []),  # a tie: ignore wins, as in the config file
    ],
)
def test_select_and_ignore_take_ids_providers_categories_and_globs(tree, args, expected):
    _, found = rule_ids(*args, "sa.yaml", "pd.yaml")
    assert sorted(found) == sorted(expected)


def test_command_line_select_replaces_the_config_selection_and_ignore_adds_to_it(tree):
    (tree / ".mclint.yaml").write_text("select: [gcp]\nignore: [gcp-storage-class-name]\n")
    assert sorted(rule_ids("sa.yaml", "pd.yaml")[1]) == sorted(set(GCP_STORAGE) - {"gcp-storage-class-name"})
    # --select replaces both keys, as ruff's highest-priority select does
    assert sorted(rule_ids("--select", "gcp-storage-class-name,aws-identity-irsa-role", "sa.yaml", "pd.yaml")[1]) == [
        "aws-identity-irsa-role",
        "gcp-storage-class-name",
    ]
    # --ignore alone adds to the file's ignore
    assert sorted(rule_ids("--ignore", "gcp-storage-provisioner", "sa.yaml", "pd.yaml")[1]) == [
        "gcp-storage-csi-volume",
        "gcp-storage-in-tree-volume",
    ]


def test_a_command_line_pattern_matching_no_rule_is_a_usage_error(tree):
    code, out, err = run(["scan", "--ignore", "aws-identty-irsa-role", "sa.yaml"])
    assert (code, out) == (2, "")
    assert "--ignore: 'aws-identty-irsa-role' matches no rule id, provider or category" in err


def test_exclude_replaces_the_config_exclude_and_extend_exclude_adds_to_it(tree):
    (tree / "vendor").mkdir()
    shutil.copy(SA, tree / "vendor" / "sa.yaml")
    (tree / ".mclint.yaml").write_text('exclude: ["vendor/"]\n')

    def files(*args):
        _, out, _ = run(["scan", "-f", "json", *args, "."])
        return sorted({f["file"] for f in json.loads(out)["findings"]})

    assert files() == ["pd.yaml", "sa.yaml"]
    assert files("--extend-exclude", "pd.yaml") == ["sa.yaml"]
    assert files("--exclude", "pd.yaml") == ["sa.yaml", "vendor/sa.yaml"]  # the config's vendor/ is replaced
    assert files("--exclude", "*.yaml,!vendor/sa.yaml") == ["vendor/sa.yaml"]  # gitignore negation
    assert files("--exclude", "*.yaml", "--exclude", "!sa.yaml") == ["sa.yaml", "vendor/sa.yaml"]  # repeatable
    code, _, err = run(["scan", "--exclude", "[z-a]", "."])
    assert code == 2 and "--exclude: '[z-a]' is not a gitignore pattern" in err


def test_quiet_keeps_the_findings_and_the_score_line_only(tree):
    (tree / "sa.yaml").write_text(SA.read_text() + "\n# mclint: ignore[gcp-storage-class-name]\n")  # unused
    _, loud, _ = run(["scan", "sa.yaml", "pd.yaml"])
    assert "Couplings by provider and category" in loud and "notice(s) about suppressions" in loud
    assert "Score per target:" in loud
    code, quiet, err = run(["scan", "-q", "sa.yaml", "pd.yaml"])
    assert code == 1 and err == ""
    for gone in ("Couplings by provider and category", "notice", "Score per target"):
        assert gone not in quiet
    assert "aws-identity-irsa-role" in quiet and "gcp-storage-provisioner" in quiet
    assert quiet.splitlines()[-1].startswith("Portability score: ")
    _, targeted, _ = run(["scan", "--quiet", "--target", "gcp", "sa.yaml", "pd.yaml"])
    assert "Targets gcp. Score per target: gcp " in targeted  # asked for, so still shown


@pytest.fixture
def chart_without_helm(tmp_path, monkeypatch):
    """A tree holding a chart, where helm is missing: scan prints a renderer notice."""
    if shutil.which("helm"):
        pytest.skip("helm is installed: no renderer notice")
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_quiet_leaves_out_the_renderer_notice(chart_without_helm):
    assert "helm not found on PATH" in run(["scan", "."])[2]
    assert run(["scan", "--quiet", "."])[2] == ""


def test_statistics_counts_findings_per_rule(tree):
    code, out, _ = run(["scan", "--statistics", "sa.yaml", "pd.yaml", "pd.yaml"])
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Findings per rule"
    rows = [line.split(None, 3) for line in lines[2:-1]]
    assert [(count, rule) for count, rule, *_ in rows] == [
        ("1", "aws-identity-irsa-role"),
        ("1", "aws-identity-irsa-settings"),
        *(("1", rule) for rule in GCP_STORAGE),
    ]
    assert rows[0][2:] == ["high", "ServiceAccount bound to an AWS IAM role (IRSA)"]
    assert lines[-1].startswith("Portability score: ")
    _, data, _ = run(["scan", "--statistics", "-f", "json", "sa.yaml", "pd.yaml"])
    counts = json.loads(data)
    assert counts[0] == {
        "rule_id": "aws-identity-irsa-role",
        "count": 1,
        "severity": "high",
        "provider": "aws",
        "category": "identity",
        "title": "ServiceAccount bound to an AWS IAM role (IRSA)",
    }
    code, _, err = run(["scan", "--statistics", "-f", "sarif", "sa.yaml"])
    assert code == 2 and "--statistics prints text, concise, json, not sarif" in err


def test_statistics_sorts_by_count(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    two = SA.read_text() + "---\n" + SA.read_text().replace("name: orders", "name: billing")
    (tmp_path / "two.yaml").write_text(two)
    shutil.copy(PD, tmp_path / "pd.yaml")
    _, data, _ = run(["scan", "--statistics", "-f", "json", "."])
    counts = [(entry["count"], entry["rule_id"]) for entry in json.loads(data)]
    assert counts[:2] == [(2, "aws-identity-irsa-role"), (2, "aws-identity-irsa-settings")]
    assert {count for count, _ in counts[2:]} == {1}


def test_exit_zero_passes_findings_and_unreadable_files_but_not_usage_errors(tree):
    (tree / "broken.yaml").write_text("kind: [unclosed\n")
    assert run(["scan", "sa.yaml", "broken.yaml"])[0] == 1
    assert run(["scan", "--exit-zero", "--fail-under", "100", "sa.yaml", "broken.yaml"])[0] == 0
    assert run(["scan", "--exit-zero", "missing.yaml"])[0] == 2


def test_stdin_filename_names_the_findings_in_every_format(tree):
    text = SA.read_text()
    code, found = rule_ids("--stdin-filename", "k8s/sa.yaml", stdin=text)
    assert (code, found) == (1, ["aws-identity-irsa-role", "aws-identity-irsa-settings"])
    _, out, _ = run(["scan", "-", "--stdin-filename", "k8s/sa.yaml", "-f", "concise"], input=text)
    assert out.startswith("k8s/sa.yaml:8:5: high aws-identity-irsa-role ")
    _, sarif, _ = run(["scan", "-", "--stdin-filename", "k8s/sa.yaml", "-f", "sarif"], input=text)
    location = json.loads(sarif)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "k8s/sa.yaml", "uriBaseId": "%SRCROOT%"}


def test_unnamed_stdin_is_not_a_percent_encoded_uri_in_sarif(tree):
    _, sarif, _ = run(["scan", "-", "-f", "sarif"], input=SA.read_text())
    assert "%3C" not in sarif
    location = json.loads(sarif)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"description": {"text": "standard input"}}


def test_stdin_filename_finds_the_config_beside_the_named_file(tree):
    (tree / "k8s").mkdir()
    (tree / "k8s" / ".mclint.yaml").write_text("ignore: [aws-identity-irsa-settings]\n")
    assert rule_ids("--stdin-filename", "k8s/sa.yaml", stdin=SA.read_text())[1] == ["aws-identity-irsa-role"]


def test_stdin_filename_with_paths_but_no_dash_is_a_usage_error(tree):
    code, _, err = run(["scan", "--stdin-filename", "x.yaml", "sa.yaml"])
    assert code == 2 and "add '-' to PATHS" in err


def test_show_files_lists_what_was_linted_excluded_and_skipped_and_why(tree):
    (tree / "vendor").mkdir()
    shutil.copy(SA, tree / "vendor" / "sa.yaml")
    (tree / "chart" / "templates").mkdir(parents=True)
    (tree / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (tree / "chart" / "templates" / "sa.yaml").write_text("kind: {{ .Values.kind }}\n")
    (tree / "big.yaml").write_text("# " + "x" * 2000 + "\n")
    (tree / ".mclint.yaml").write_text('exclude: ["vendor/"]\n')
    code, out, _ = run(["scan", "--show-files", "--max-file-size", "1000", "--extend-exclude", "pd.yaml", "."])
    assert code == 0  # like ruff: a listing, not a verdict
    lines = out.splitlines()
    assert lines[-1] == "7 file(s): 2 linted, 3 excluded, 1 skipped, 1 error"
    listed = {line.split()[1]: line for line in lines[:-1]}
    assert listed[".mclint.yaml"] == "excluded  .mclint.yaml  (the configuration file)"
    assert listed["vendor/sa.yaml"] == "excluded  vendor/sa.yaml  (.mclint.yaml exclude)"
    assert listed["pd.yaml"] == "excluded  pd.yaml  (--exclude)"
    assert listed["sa.yaml"] == "linted    sa.yaml"
    assert listed["chart/Chart.yaml"] == "linted    chart/Chart.yaml"
    assert listed["chart/templates/sa.yaml"].startswith(
        "skipped   chart/templates/sa.yaml  (Helm template of chart chart"
    )
    assert listed["big.yaml"].startswith("error     big.yaml  (skipped: 2,003 bytes is over the 1,000-byte limit")
    assert [line.split()[1] for line in lines[:-1]] == sorted(listed)
    args = ["scan", "--show-files", "--max-file-size", "1000", "--extend-exclude", "pd.yaml", ".", "-o", "files.txt"]
    assert run(args)[:2] == (0, "")
    assert (tree / "files.txt").read_text() == out


def test_inventory_and_plan_apply_the_config_and_command_line_policy(tmp_path, monkeypatch):
    """An ignored rule, an excluded file and a waived finding are absent from plan and inventory, as from scan."""
    shutil.copy(FIXTURES / "plan" / "irsa-service-account-used-by-deployment.yaml", tmp_path / "app.yaml")
    shutil.copy(PD, tmp_path / "pd.yaml")
    monkeypatch.chdir(tmp_path)

    def plan_rules(*args):
        code, out, err = run(["plan", ".", "--to", "azure", "-f", "json", *args])
        assert code == 0, err
        return sorted({item["rule_id"] for item in json.loads(out)["items"]})

    everything = plan_rules()
    assert "aws-identity-irsa-role" in everything and "gcp-storage-provisioner" in everything
    (tmp_path / ".mclint.yaml").write_text(
        'exclude: ["pd.yaml"]\nwaivers:\n  - rule: aws-identity-irsa-role\n    reason: moves with the IAM work\n'
    )
    configured = plan_rules()
    assert "aws-identity-irsa-role" not in configured and not any(r.startswith("gcp-") for r in configured)
    assert plan_rules("--ignore", "aws") == []
    assert plan_rules("--config", str(tmp_path / ".mclint.yaml"), "--select", "gcp-storage-provisioner") == []
    assert plan_rules("--exclude", "nothing.yaml", "--select", "gcp-storage-provisioner") == ["gcp-storage-provisioner"]

    _, out, _ = run(["inventory", ".", "-f", "json"])
    data = json.loads(out)
    assert {w["file"] for w in data["workloads"]} == {"app.yaml"}
    assert all(f["rule_id"] != "aws-identity-irsa-role" for f in data["findings_on_other_objects"])
    _, out, _ = run(["inventory", ".", "-f", "json", "--config", "/dev/null"])
    assert any(f["rule_id"] == "aws-identity-irsa-role" for f in json.loads(out)["findings_on_other_objects"])


@pytest.mark.parametrize("command", [["inventory"], ["plan", "--to", "gcp"]])
def test_inventory_and_plan_print_the_renderer_notice_as_scan_does(chart_without_helm, command):
    """The chart is empty: scan also says it found no objects to score."""
    scan_notice, nothing = run(["scan", "."])[2].splitlines()
    assert scan_notice.startswith("mclint: helm not found on PATH")
    assert nothing == "mclint: no Kubernetes objects found"
    assert run([*command, "."])[2] == scan_notice + "\n"
