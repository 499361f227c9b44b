"""Each CI format's structure: SARIF against its schema, JUnit through xml.etree, GitHub workflow
commands, GitLab Code Quality, Markdown and self-contained HTML."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from mclint import api
from mclint.finding import Suppressed
from mclint.finding.spools import Findings
from mclint.report import github, markdown, writer
from mclint.result import Report
from mclint.score import score
from tests.cli.runner import run
from tests.conftest import REPO

SCHEMA = REPO.parent / "shared" / "reference" / "sarif-schema-2.1.0.json"


def written(fmt: str, report: Report) -> str:
    """What `mclint scan --format FMT` prints for the report."""
    stream = io.StringIO()
    writer(fmt)(report, stream)
    return stream.getvalue()


@pytest.fixture
def report(ruleset, in_repo):
    options = api.ScanOptions(snippets=True)
    result = api.scan(["fixtures/aws/alb-ingress.yaml", "fixtures/gcp/pd-storage.yaml"], ruleset, options)
    made = Report(result, score(result.objects, result.findings))
    made.rules = ruleset.rules
    return made


@pytest.fixture(scope="module")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is not present")
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft7Validator(schema)


def test_sarif_is_valid_and_carries_rules_regions_and_fingerprints(report, sarif_validator):
    log = json.loads(written("sarif", report))
    assert list(sarif_validator.iter_errors(log)) == []
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["version"] == report.tool_version
    first = run_["results"][0]
    assert first["ruleId"] == "aws-network-alb-internal"
    assert rules[first["ruleIndex"]]["id"] == "aws-network-alb-internal"
    assert rules[first["ruleIndex"]]["helpUri"].startswith("https://")
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "fixtures/aws/alb-ingress.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 5},
    }
    assert first["partialFingerprints"]["mclintFingerprint/v1"] == report.findings[0].fingerprint
    assert len(run_["results"]) == len(report.findings)


def test_sarif_clean_scan_still_has_empty_results(ruleset, in_repo, sarif_validator):
    result = api.scan(["fixtures/gcp/near-miss-comments-and-configmap.yaml"], ruleset)
    log = json.loads(written("sarif", Report(result, score(result.objects, result.findings), rules=ruleset.rules)))
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


def test_sarif_carries_suppressions_with_their_justification(report, sarif_validator):
    finding, *rest = report.result.findings
    report.result.findings = Findings(rest)
    report.result.suppressed.append(Suppressed(finding, "annotation", "EKS only until 2027"))
    log = json.loads(written("sarif", report))
    assert list(sarif_validator.iter_errors(log)) == []
    (suppressed,) = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["ruleId"] == finding.rule_id
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "EKS only until 2027"}
    ]


def test_sarif_partial_fingerprint_survives_a_line_shift(ruleset, tmp_path):
    text = (REPO / "fixtures/aws/irsa-service-account.yaml").read_text()
    (tmp_path / "a.yaml").write_text(text)
    before = api.scan([str(tmp_path / "a.yaml")], ruleset).findings[0]
    (tmp_path / "a.yaml").write_text("# moved\n# down\n" + text)
    after = api.scan([str(tmp_path / "a.yaml")], ruleset).findings[0]
    assert after.line == before.line + 2
    assert after.fingerprint == before.fingerprint


def test_junit_has_a_testcase_per_object_failed_once_by_its_findings(report):
    root = ET.fromstring(written("junit", report))
    cases = root.findall(".//testcase")
    failures = root.findall(".//failure")
    failing = {f.obj for f in report.findings}
    assert len(cases) == len(report.result.objects) == 5
    assert len(failures) == len(failing) < len(report.findings)
    assert root.get("tests") == "5" and root.get("failures") == str(len(failing))
    for suite in root.findall("testsuite"):
        assert int(suite.get("failures")) <= int(suite.get("tests"))
    ingress = next(c for c in cases if c.get("name") == "Ingress shop/orders")
    (failure,) = ingress.findall("failure")
    assert failure.get("type") == "aws-network-alb-internal"  # the most severe, first in the file
    assert failure.get("message").endswith("(and 2 more finding(s))")
    for where in (
        "alb-ingress.yaml:7:5 high aws-network-alb-internal",
        "aws-network-alb-annotation",
        "aws-network-alb-ingress-class-name",
    ):
        assert where in failure.text


def test_junit_keeps_objects_apart_that_share_a_source_line(ruleset, in_repo):
    """Overlays build one base line into objects in several namespaces: each keeps only its own findings."""
    result = api.scan(["fixtures/aws/alb-ingress.yaml"], ruleset)
    finding = result.findings[0]
    other = finding.obj._replace(namespace="staging")
    result.objects.append(other)
    result.findings.append(finding._replace(obj=other))
    root = ET.fromstring(written("junit", Report(result, score(result.objects, result.findings))))
    assert len(root.findall(".//failure")) == len({f.obj for f in result.findings})
    staging = next(
        c for c in root.findall(".//testcase") if c.get("name") == f"{finding.obj.kind} staging/{finding.obj.name}"
    )
    assert [f.get("type") for f in staging.findall("failure")] == [finding.rule_id]
    assert staging.find("failure").text.count(finding.rule_id) == 1


def test_junit_reports_unparsable_files_as_errors(ruleset, tmp_path):
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    result = api.scan([str(tmp_path)], ruleset)
    root = ET.fromstring(written("junit", Report(result, score(result.objects, result.findings))))
    assert root.get("errors") == "1"
    assert root.find(".//error").get("type") == "parse-error"


def test_github_commands_escape_and_map_severity(report):
    lead, *lines = list(github.commands(report))
    assert lead == "Workloads: none found"
    assert lines[0] == (
        "::error file=fixtures/aws/alb-ingress.yaml,line=7,col=5,"
        "title=aws-network-alb-internal (aws/network)::"
        + report.findings[0].message + ". Fix: " + report.findings[0].remediation
    )  # fmt: skip
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert lines[1].startswith("::warning ")
    assert lines[-1].startswith("mclint: portability score ")


def test_github_is_chosen_inside_actions_and_appends_the_summary(in_repo, tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, out, _ = run(["scan", "fixtures/aws/ebs-storage-class.yaml"], env=env)
    assert code == 1
    assert out.startswith("Workloads: none found\n::error file=fixtures/aws/ebs-storage-class.yaml,line=5,col=14,")
    assert summary.read_text().startswith("## mclint: portability score 37/100\n\nWorkloads: none found\n")


def test_gitlab_code_quality_fields(report):
    issues = json.loads(written("gitlab", report))
    assert issues[0] == {
        "type": "issue",
        "description": report.findings[0].message + " (Ingress orders)",
        "check_name": "aws-network-alb-internal",
        "fingerprint": report.findings[0].fingerprint,
        "severity": "critical",
        "categories": ["Compatibility"],
        "location": {"path": "fixtures/aws/alb-ingress.yaml", "lines": {"begin": 7}},
    }
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_markdown_has_score_table_top_findings_and_collapses_the_rest(report, monkeypatch):
    monkeypatch.setattr(markdown, "TOP", 3)
    text = written("markdown", report)
    assert text.startswith(f"## mclint: portability score {report.card.overall}/100")
    assert "| provider | identity | network | storage | total |" not in text  # only present categories
    assert "| provider | network | storage | total |" in text
    assert "| aws | 3 | 0 | 3 |" in text and "| gcp | 0 | 4 | 4 |" in text
    assert "### Top findings (3 of 7)" in text
    assert "<details><summary>4 more finding(s)</summary>" in text
    assert "[`aws-network-alb-internal`](https://" in text
    assert markdown.cell("a|b\nc") == "a\\|b\\\\nc"  # the line break shown, as \\n


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_gauge_chart_and_highlighted_source(report):
    page = written("html", report)
    parser = _Collector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert tags.count("svg") == 2  # gauge and chart
    assert tags.count("script") == 1 and "link" not in tags  # the filter, inline
    assert not any(a.get("src") or a.get("href", "").startswith("//") for _, a in parser.tags)
    findings = [a for t, a in parser.tags if t == "div" and a.get("class") == "finding"]
    assert len(findings) == len(report.findings)
    assert "    7 | " in "".join(parser.text)  # the source line of the first finding
    assert "<mark>alb.ingress.kubernetes.io/scheme</mark>" in page
    assert f'id="score">{report.card.overall}<' in page


def test_html_escapes_hostile_manifest_text(ruleset, tmp_path):
    hostile = "<script>alert(1)</script>"
    (tmp_path / "x.yaml").write_text(
        f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  annotations:\n"
        f'    eks.amazonaws.com/role-arn: "{hostile}"\n'
    )
    result = api.scan([str(tmp_path / "x.yaml")], ruleset)
    page = written("html", Report(result, score(result.objects, result.findings), rules=ruleset.rules))
    assert hostile not in page
    assert "&lt;script&gt;" in page


def test_all_formats_from_one_scan(in_repo, tmp_path):
    paths = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "junit", "gitlab", "markdown", "html", "github", "text")}
    args = ["scan", "fixtures/azure", "-f", "sarif", "-o", str(tmp_path / "r.sarif")]
    for fmt, path in paths.items():
        args += ["--report", f"{fmt}={path}"]
    code, out, _ = run(args)
    assert code == 1 and out == ""
    sarif_results = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]
    json_findings = json.loads(paths["json"].read_text())["findings"]
    assert len(sarif_results) == len(json_findings) == len(json.loads(paths["gitlab"].read_text())) > 0
    failing = {(f["file"], f["kind"], f["namespace"], f["name"]) for f in json_findings}
    assert ET.parse(paths["junit"]).getroot().get("failures") == str(len(failing))
    assert paths["html"].read_text().startswith("<!DOCTYPE html>")
    assert "Portability score" in paths["text"].read_text()


def test_bad_report_argument_is_a_usage_error():
    code, _, err = run(["scan", "fixtures", "--report", "pdf=out.pdf"])
    assert code == 2 and "FORMAT=PATH" in err
