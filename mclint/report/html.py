"""One self-contained HTML file that works offline: score gauge, per-target scores, couplings by
provider and category in each provider's colour, a per-file table, a search and filter box, each
finding with its source line and the portable alternative, then overlay verdicts, warnings,
skipped files and file errors.

Everything from the scanned tree is escaped; no script, style or font is fetched from anywhere.
The filter is a short inline script over the findings already on the page.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from typing import TextIO

from mclint.finding import Finding, Severity
from mclint.report.escape import visible
from mclint.report.html_page import head, provider_color
from mclint.result import Report
from mclint.score import rating, shown
from mclint.score.workloads import workload_line
from mclint.vocabulary import vocabulary

SCORE_COLORS = {"good": "#2e7d32", "fair": "#ef6c00", "poor": "#c62828"}
COLORS = {"high": "#c62828", "medium": "#ef6c00", "low": "#0277bd", "info": "#757575"}
SEVERITIES = tuple(s.label for s in sorted(Severity, reverse=True))

STYLE = """
.finding{border-left:4px solid #999;padding:.4rem .8rem;margin:.6rem 0;background:#fafafa}
pre.src{background:#272822;color:#f8f8f2;padding:.4rem .6rem;margin:.3rem 0;white-space:pre-wrap;
overflow-wrap:anywhere}
pre.src mark{background:#f4bf75;color:#272822} .fix{color:#2e7d32}
.charts{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}
.chart{flex:1 1 420px;min-width:0} .chart svg{width:100%;height:auto;display:block}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;position:sticky;top:0;background:#fff;
padding:.5rem 0;border-bottom:1px solid #ddd;z-index:1}
.filters input{flex:1 1 16rem;min-width:10rem;padding:.3rem .5rem;font-size:.95rem}
.filters select{padding:.3rem;font-size:.95rem}
[hidden]{display:none!important}
"""

FILTER_SCRIPT = """
(function () {
  var rank = {high: 4, medium: 3, low: 2, info: 1};
  var findings = Array.prototype.slice.call(document.querySelectorAll("div.finding"));
  var texts = findings.map(function (f) { return f.textContent.toLowerCase(); });
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.file"));
  var q = document.getElementById("filter-text"), p = document.getElementById("filter-provider");
  var c = document.getElementById("filter-category"), s = document.getElementById("filter-severity");
  var shown = document.getElementById("filter-count");
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), n = 0;
    findings.forEach(function (f, i) {
      var d = f.dataset, ok = (!p.value || d.provider === p.value) && (!c.value || d.category === c.value) &&
        (!s.value || rank[d.severity] >= rank[s.value]) &&
        words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      f.hidden = !ok; if (ok) { n++; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("div.finding:not([hidden])"); });
    shown.textContent = n + " of " + findings.length + " finding(s) shown";
  }
  [q, p, c, s].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  apply();
})();
"""


def escape(text: str, quote: bool = True) -> str:
    """Manifest text as HTML text or an attribute value, control characters shown as escapes."""
    return html.escape(visible(text), quote)


def gauge(score: int | None) -> str:
    if score is None:
        return (
            '<svg class="gauge" width="200" height="120" viewBox="0 0 200 120" role="img" '
            'aria-label="no portability score: no Kubernetes objects found">'
            '<path d="M20 100 A80 80 0 0 1 180 100" fill="none" stroke="#e0e0e0" stroke-width="18"/>'
            '<text x="100" y="95" text-anchor="middle" font-size="34" font-weight="700" id="score">n/a</text></svg>'
        )
    angle = math.pi * (1 - score / 100)
    x, y = 100 + 80 * math.cos(angle), 100 - 80 * math.sin(angle)
    color = SCORE_COLORS[rating(score)]
    large = 0
    return (
        '<svg class="gauge" width="200" height="120" viewBox="0 0 200 120" role="img" '
        f'aria-label="portability score {score} of 100">'
        '<path d="M20 100 A80 80 0 0 1 180 100" fill="none" stroke="#e0e0e0" stroke-width="18"/>'
        f'<path d="M20 100 A80 80 0 {large} 1 {x:.1f} {y:.1f}" fill="none" stroke="{color}" stroke-width="18"/>'
        f'<text x="100" y="95" text-anchor="middle" font-size="34" font-weight="700" id="score">{score}</text>'
        '<text x="100" y="115" text-anchor="middle" font-size="12" fill="#666">of 100</text></svg>'
    )


def _color(provider: str) -> str:
    return provider_color(provider, tuple(vocabulary().providers))


def bar_chart(report: Report) -> str:
    """Stacked bars per category in each provider's colour; the legend is HTML below, so it wraps."""
    table = report.provider_category_table()
    categories = [c for c in vocabulary().categories if any(c in row for row in table.values())]
    if not categories:
        return '<p class="muted">No couplings.</p>'
    peak = max(sum(row.get(c, 0) for row in table.values()) for c in categories)
    width, label, row_h = 520, 120, 26
    total_w, total_h = label + width + 40, row_h * len(categories) + 10
    parts = [
        f'<div class="chart"><svg viewBox="0 0 {total_w} {total_h}" role="img" '
        f'aria-label="couplings by provider and category">'
    ]
    for i, category in enumerate(categories):
        y = 5 + i * row_h
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(category)}</text>')
        x = float(label)
        for provider, counts in table.items():
            n = counts.get(category, 0)
            if n:
                w = width * n / peak
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{_color(provider)}">'
                    f"<title>{escape(provider)} {escape(category)}: {n}</title></rect>"
                )
                x += w
        total = sum(r.get(category, 0) for r in table.values())
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11" fill="#444">{total}</text>')
    parts.append('</svg><ul class="legend" aria-label="providers">')
    for provider, counts in table.items():
        parts.append(
            f'<li data-provider="{escape(provider, quote=True)}"><span class="swatch" '
            f'style="background:{_color(provider)}"></span>{escape(provider)} ({sum(counts.values())})</li>'
        )
    parts.append("</ul></div>")
    return "".join(parts)


def _highlight(snippet: str, column: int) -> str:
    start = max(column - 1, 0)
    end = len(snippet)
    for stop in (": ", " #"):
        found = snippet.find(stop, start + 1)
        if found != -1:
            end = min(end, found)
    marked = snippet[start:end].rstrip()
    end = start + len(marked)
    return escape(snippet[:start]) + "<mark>" + escape(marked) + "</mark>" + escape(snippet[end:])


def _finding(report: Report, f: Finding) -> str:
    color = COLORS[f.severity.label]
    rule = report.rule(f.rule_id)
    rule_html = f"<code>{escape(f.rule_id)}</code>"
    if rule is not None and rule.docs:
        rule_html = f'<a href="{escape(rule.docs, quote=True)}"><code>{escape(f.rule_id)}</code></a>'
    snippet = report.snippet(f)
    source = f'<pre class="src">{f.line:>5} | {_highlight(snippet, f.column)}</pre>' if snippet else ""
    data = " ".join(
        f'data-{name}="{escape(value, quote=True)}"'
        for name, value in (
            ("rule", f.rule_id),
            ("provider", f.provider),
            ("category", f.category),
            ("severity", f.severity.label),
        )
    )
    swatch = f'<span class="swatch" style="background:{_color(f.provider)}"></span>'
    return (
        f'<div class="finding" style="border-color:{color}" {data}>'
        f'<span class="sev" style="color:{color}">{f.severity.label}</span> {rule_html} '
        f'<span class="muted">{escape(f.file)}:{f.line}:{f.column} · {escape(f.obj.kind)} {escape(f.obj.qualified_name)} · '
        f"{swatch} {escape(f.provider)}/{escape(f.category)}</span>"
        f"<div>{escape(f.message)}</div>{source}"
        f'<div class="fix">Portable alternative: {escape(f.remediation)}</div></div>'
    )


def _scores(report: Report) -> Iterator[str]:
    scores = report.extras.get("scores")
    if not scores:
        return
    targets = report.extras.get("targets")
    yield '<p id="target-scores">' + (f"Targets {escape(', '.join(targets))}. " if targets else "")
    yield "Score per target: "
    yield from (
        f'<span class="badge" data-target="{escape(name, quote=True)}">'
        f'<span class="swatch" style="background:{_color(name)}"></span> {escape(name)} {shown(value)}</span>'
        for name, value in scores.items()
    )
    yield "</p>"


def _filters(report: Report) -> str:
    summary = report.summary()

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        items = "".join(f'<option value="{escape(v, quote=True)}">{escape(t)}</option>' for v, t in options)
        return f'<select id="filter-{name}" aria-label="{label}"><option value="">{label}: all</option>{items}</select>'

    severities = [(s, "high only" if s == "high" else f"{s} or higher") for s in SEVERITIES]
    return (
        '<div class="filters" role="search">'
        '<input id="filter-text" type="search" placeholder="Search findings: file, rule, object, message…" '
        'aria-label="search findings">'
        + select("provider", "provider", [(p, f"{p} ({n})") for p, n in summary["providers"].items()])
        + select("category", "category", [(c, f"{c} ({n})") for c, n in summary["categories"].items()])
        + select("severity", "severity", severities)
        + f'<span id="filter-count" class="muted">{summary["findings"]} finding(s)</span></div>'
    )


def _files_table(report: Report) -> Iterator[str]:
    files = report.card.files
    yield (
        '<table id="files"><thead><tr><th>file</th><th class="num">score</th>'
        + "".join(f'<th class="num">{s}</th>' for s in SEVERITIES)
        + "</tr></thead><tbody>"
    )
    for index, (file, group) in enumerate(groupby(report.findings, key=lambda f: f.file)):
        found = Counter(f.severity.label for f in group)
        yield (
            f'<tr><td><a href="#file-{index}">{escape(file)}</a></td><td class="num">{shown(files.get(file))}</td>'
            + "".join(f'<td class="num">{found[s]}</td>' for s in SEVERITIES)
            + "</tr>"
        )
    yield "</tbody></table>"


def _overlays(report: Report) -> Iterator[str]:
    families = report.extras.get("overlays") or []
    if not families:
        return
    yield '<h2 id="overlays">Kustomize bases and overlays</h2>'
    for family in families:
        verdict_class = "verdict-good" if family["isolated"] else "verdict-bad"
        yield (
            f"<h3>Base <code>{escape(family['base'])}</code>: score {family['base_score']}, "
            f"{family['base_couplings']} coupling(s)</h3>"
            f'<p class="{verdict_class}">{escape(family["verdict"])}</p>'
            '<table><thead><tr><th>overlay</th><th class="num">score</th><th class="num">findings</th>'
            '<th class="num">couplings it introduces</th><th>providers</th></tr></thead><tbody>'
        )
        for overlay in family["overlays"]:
            providers = ", ".join(overlay["providers"]) or "none"
            yield (
                f"<tr><td><code>{escape(overlay['overlay'])}</code></td><td class=num>{overlay['score']}</td>"
                f"<td class=num>{overlay['findings']}</td><td class=num>{overlay['introduced_couplings']}</td>"
                f"<td>{escape(providers)}</td></tr>"
            )
        yield "</tbody></table>"


def _problems(report: Report) -> Iterator[str]:
    """Warnings, skipped files and file errors: what the scan could not take at face value."""
    result = report.result
    sections = (
        ("warnings", "Warnings (documents that look like mistakes)", result.warnings),
        ("errors", "File errors (read only in part, or not at all)", result.errors),
    )
    for anchor, title, items in sections:
        if items:
            yield f'<h2 id="{anchor}">{title}: {len(items)}</h2><ul>'
            yield from (
                f"<li><code>{escape(d.file)}{f':{d.line}:{d.column}' if d.line else ''}</code> {escape(d.message)}</li>"
                for d in items
            )
            yield "</ul>"
    if result.skipped:
        yield f'<h2 id="skipped">Skipped files: {len(result.skipped)}</h2><ul>'
        yield from (f"<li><code>{escape(s.file)}</code>: {escape(s.reason)}</li>" for s in result.skipped)
        yield "</ul>"


def lines(report: Report) -> Iterator[str]:
    """The page line by line: one pass over the findings for the table of files, one to write them."""
    summary = report.summary()
    yield head("mclint portability report", STYLE)
    yield "<h1>mclint portability report</h1>"
    yield (
        f'<p class="muted">mclint {escape(report.tool_version)} · {summary["files"]} file(s), '
        f"{summary['objects']} object(s), {summary['findings']} coupling(s), {summary['errors']} file error(s), "
        f"{summary['warnings']} warning(s), {summary['skipped']} skipped file(s)</p>"
    )
    yield f'<p id="workloads"><strong>{escape(workload_line(report.card.workloads))}</strong></p>'
    yield f'<div class="charts">{gauge(report.card.overall)}{bar_chart(report)}</div>'
    yield from _scores(report)
    yield from _overlays(report)
    yield "<h2>Files</h2>"
    yield from _files_table(report)
    yield "<h2>Findings</h2>"
    if summary["findings"]:
        yield _filters(report)
    for index, (file, group) in enumerate(groupby(report.findings, key=lambda f: f.file)):
        yield f'<section class="file"><h3 id="file-{index}">{escape(file)}</h3>'
        yield from (_finding(report, f) for f in group)
        yield "</section>"
    yield from _problems(report)
    if summary["findings"]:
        yield f"<script>{FILTER_SCRIPT}</script>"
    yield "</body></html>"


def write(report: Report, stream: TextIO, **_: object) -> None:
    for line in lines(report):
        stream.write(line + "\n")
