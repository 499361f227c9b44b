"""The HTML report in a real headless Chromium at 1400 and 800 px: nothing clipped or scrolled
sideways, each provider in its colour, the legend whole, every section present, the filter box
working, and no request leaving the file.

Needs Debian's chromium (`apt-get install -y chromium`); skipped where it is missing.
tests/report/test_formats.py checks the structure without a browser. Set MCLINT_SCREENSHOTS to a
directory to keep the screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.report.browser import EXECUTABLE, Browser

pytestmark = pytest.mark.skipif(EXECUTABLE is None, reason="chromium is not installed")

WIDTHS = (1400, 800)
BRAND = {"aws": "rgb(255, 153, 0)", "gcp": "rgb(66, 133, 244)", "azure": "rgb(0, 188, 242)"}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> tuple[Path, dict]:
    """The fixtures plus a file with an error and one with a warning, as HTML and as JSON."""
    out = tmp_path_factory.mktemp("html")
    extra = out / "a-directory-with-a-rather-long-name-so-that-paths-must-wrap" / "more"
    extra.mkdir(parents=True)
    (extra / "broken.yaml").write_text("apiVersion: v1\nkind: [unclosed\n")
    (extra / "nameless.yaml").write_text("kind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n")
    page, data = out / "report.html", out / "report.json"
    args = ["scan", "--no-progress", "fixtures", str(extra), "-f", "html", "-o", str(page), "--report", f"json={data}"]
    subprocess.run([sys.executable, "-m", "mclint", *args], cwd=REPO, capture_output=True, timeout=300, check=False)
    return page, json.loads(data.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    with Browser() as running:
        yield running


def _keep(shot: Path) -> None:
    keep = os.environ.get("MCLINT_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_window_and_shows_every_section(scanned, browser, tmp_path, width):
    page_file, data = scanned
    assert data["errors"] and data["warnings"] and data["skipped"]  # the page has each section to show
    page = browser.open(page_file.as_uri(), width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    overflowing = page.evaluate(
        "Array.from(document.querySelectorAll('table, pre, .legend li, .filters, svg, h1, h2, h3, p'))"
        ".filter(e => e.getBoundingClientRect().right > innerWidth + 0.5).map(e => e.outerHTML.slice(0, 80))"
    )
    assert overflowing == []

    legend = page.evaluate(
        "Array.from(document.querySelectorAll('.legend li')).map(li => [li.dataset.provider,"
        " getComputedStyle(li.querySelector('.swatch')).backgroundColor, li.getBoundingClientRect().right])"
    )
    assert [name for name, _, _ in legend] == sorted(data["summary"]["providers"])
    colors = {name: color for name, color, _ in legend}
    assert {name: colors[name] for name in BRAND} == BRAND
    assert len(set(colors.values())) == len(colors)  # a colour of its own for each provider
    assert all(right <= width for _, _, right in legend)  # wrapped, not clipped
    bars = page.evaluate(
        "Array.from(document.querySelectorAll('svg rect')).map(r => [r.textContent, r.getAttribute('fill')])"
    )
    assert {title.split()[0]: fill for title, fill in bars}["aws"] == "#ff9900"

    scores = page.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('#target-scores .badge'))"
        ".map(b => [b.dataset.target, b.textContent.trim()]))"
    )
    assert scores == {name: f"{name} {value}" for name, value in data["scores"].items()}
    for anchor, items in (("warnings", data["warnings"]), ("errors", data["errors"]), ("skipped", data["skipped"])):
        heading = page.evaluate(f"document.getElementById('{anchor}').textContent")
        assert heading.endswith(f": {len(items)}")
        listed = page.evaluate(f"document.getElementById('{anchor}').nextElementSibling.textContent")
        assert all(item["file"] in listed for item in items)
    for family in data.get("overlays", []):
        assert family["verdict"] in page.evaluate("document.body.textContent")
    assert page.evaluate("document.querySelectorAll('div.finding').length") == len(data["findings"])

    shot = tmp_path / f"report-{width}.png"
    page.screenshot(shot)
    assert struct.unpack(">II", shot.read_bytes()[16:24])[0] == width
    _keep(shot)
    assert [url for url in page.requests() if not url.startswith("file://")] == []


FILTER = """
(function (text, provider, category, severity) {
  var set = function (id, value) { var el = document.getElementById(id); el.value = value;
    el.dispatchEvent(new Event(id === "filter-text" ? "input" : "change")); };
  set("filter-text", text); set("filter-provider", provider); set("filter-category", category);
  set("filter-severity", severity);
  var shown = Array.from(document.querySelectorAll("div.finding:not([hidden])"));
  return {count: shown.length, providers: Array.from(new Set(shown.map(f => f.dataset.provider))).sort(),
          sections: document.querySelectorAll("section.file:not([hidden])").length,
          label: document.getElementById("filter-count").textContent};
})(%s)
"""


def test_the_filter_box_narrows_findings_by_provider_category_severity_and_text(scanned, browser):
    page_file, data = scanned
    findings = data["findings"]
    page = browser.open(page_file.as_uri(), 800)

    def shown(text="", provider="", category="", severity=""):
        return page.evaluate(FILTER % ", ".join(json.dumps(v) for v in (text, provider, category, severity)))

    everything = shown()
    assert everything["count"] == len(findings)
    assert everything["label"] == f"{len(findings)} of {len(findings)} finding(s) shown"
    aws = shown(provider="aws")
    assert aws["count"] == data["summary"]["providers"]["aws"] and aws["providers"] == ["aws"]
    assert aws["sections"] == len({f["file"] for f in findings if f["provider"] == "aws"})  # empty files hide
    at_least_medium = [f for f in findings if f["severity"] in ("high", "medium")]
    assert shown(severity="medium")["count"] == len(at_least_medium)
    expected = [
        f for f in findings if f["provider"] == "gcp" and f["category"] == "storage" and f["severity"] == "high"
    ]
    assert shown(provider="gcp", category="storage", severity="high")["count"] == len(expected) > 0
    in_file = [f for f in findings if f["file"] == "fixtures/azure/disk-storage.yaml"]
    assert shown(text="fixtures/azure/DISK-storage.yaml")["count"] == len(in_file) > 0  # any case
    assert shown(text="no-such-thing-anywhere")["count"] == 0
    assert shown()["count"] == len(findings)


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("plan")
    page, data = out / "plan.html", out / "plan.json"
    for fmt, path in (("html", page), ("json", data)):
        args = ["plan", "fixtures", "--to", "gcp", "-f", fmt, "-o", str(path)]
        subprocess.run([sys.executable, "-m", "mclint", *args], cwd=REPO, capture_output=True, timeout=300, check=False)
    return page, json.loads(data.read_text(encoding="utf-8"))


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_page_has_the_report_style_wraps_and_groups_by_rule(planned, browser, tmp_path, width):
    page_file, data = planned
    page = browser.open(page_file.as_uri(), width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    overflowing = page.evaluate(
        "Array.from(document.querySelectorAll('table, td, h1, h2, h3, li'))"
        ".filter(e => e.getBoundingClientRect().right > innerWidth + 0.5).length"
    )
    assert overflowing == 0
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # the report's style
    groups = {
        (i["rule_id"], i["equivalent"], i["effort"], tuple(i["effort_reasons"]), tuple(i["outside_manifests"]))
        for i in data["items"]
    }
    headings = page.evaluate("Array.from(document.querySelectorAll('h3')).map(h => h.textContent)")
    numbered = [h for h in headings if h.split(".")[0].isdigit()]
    assert len(numbered) == len(groups) < len(data["items"])
    places = sum(int(h.rsplit("(", 1)[1].split()[0]) for h in numbered)
    assert places == len(data["items"])
    shot = tmp_path / f"plan-{width}.png"
    page.screenshot(shot)
    _keep(shot)
