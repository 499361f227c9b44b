"""The HTML report in a real headless browser: it renders offline, with no network request.

Needs Debian's chromium and the playwright package; skipped where either is missing (CI images
need not carry a browser; tests/report/test_formats.py checks the structure with html.parser).
"""

from __future__ import annotations

import shutil

import pytest

from mclint import api
from mclint.report import html
from mclint.result import Report
from mclint.score import score

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_html_report_renders_offline_in_chromium(ruleset, in_repo, tmp_path):
    result = api.scan(
        ["fixtures/aws/alb-ingress.yaml", "fixtures/azure/disk-storage.yaml"], ruleset, api.ScanOptions(snippets=True)
    )
    report = Report(result, score(result.objects, result.findings), rules=ruleset.rules)
    page_file = tmp_path / "report.html"
    with page_file.open("w", encoding="utf-8") as stream:
        html.write(report, stream)
    requests: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        assert page.locator("#score").text_content() == str(report.card.overall)
        assert page.locator("div.finding").count() == len(report.findings)
        first = page.locator("div.finding").first
        assert "aws-network-alb-internal" in first.inner_text()
        assert page.locator("pre.src mark").first.inner_text() == "alb.ingress.kubernetes.io/scheme"
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert [url for url in requests if not url.startswith("file://")] == []
