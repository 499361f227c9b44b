"""One self-contained HTML file that works offline: score gauge, couplings by provider and
category, a per-file table, each finding with its source line and the portable alternative.

Everything from the scanned tree is escaped; no script, style or font is fetched from anywhere.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from html import escape
from itertools import groupby
from typing import TextIO

from mclint.finding import Finding
from mclint.result import Report
from mclint.score import rating, shown
from mclint.score.workloads import workload_line
from mclint.vocabulary import vocabulary

SCORE_COLORS = {"good": "#2e7d32", "fair": "#ef6c00", "poor": "#c62828"}
COLORS = {"high": "#c62828", "medium": "#ef6c00", "low": "#0277bd", "info": "#757575"}
PROVIDER_COLORS = ["#ff9900", "#4285f4", "#0078d4", "#0080ff", "#c74634", "#1f70c1", "#ff6a00", "#ee0000"]

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1c1c1c;max-width:1200px}
h1{margin-bottom:.2rem} .muted{color:#666} table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f5f5f5} .sev{font-weight:600;text-transform:uppercase;font-size:.8rem}
.finding{border-left:4px solid #999;padding:.4rem .8rem;margin:.6rem 0;background:#fafafa}
pre.src{background:#272822;color:#f8f8f2;padding:.4rem .6rem;overflow-x:auto;margin:.3rem 0}
pre.src mark{background:#f4bf75;color:#272822} .fix{color:#2e7d32} code{font-size:.88rem}
.charts{display:flex;gap:2rem;flex-wrap:wrap;align-items:center}
"""


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


def bar_chart(report: Report) -> str:
    table = report.provider_category_table()
    categories = [c for c in vocabulary().categories if any(c in row for row in table.values())]
    if not categories:
        return '<p class="muted">No couplings.</p>'
    peak = max(sum(row.get(c, 0) for row in table.values()) for c in categories)
    width, row_h = 520, 26
    parts = [
        f'<svg width="{width + 160}" height="{row_h * len(categories) + 40}" role="img" aria-label="couplings by provider and category">'
    ]
    for i, category in enumerate(categories):
        y = 10 + i * row_h
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(category)}</text>')
        x = 120.0
        for j, (provider, counts) in enumerate(table.items()):
            n = counts.get(category, 0)
            if n:
                w = width * n / peak
                color = PROVIDER_COLORS[j % len(PROVIDER_COLORS)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{color}">'
                    f"<title>{escape(provider)} {escape(category)}: {n}</title></rect>"
                )
                x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11" fill="#444">{sum(r.get(category, 0) for r in table.values())}</text>'
        )
    legend_y = 10 + len(categories) * row_h + 14
    for j, provider in enumerate(table):
        color = PROVIDER_COLORS[j % len(PROVIDER_COLORS)]
        parts.append(f'<rect x="{120 + j * 90}" y="{legend_y - 10}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{134 + j * 90}" y="{legend_y}" font-size="11">{escape(provider)}</text>')
    parts.append("</svg>")
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
    return (
        f'<div class="finding" style="border-color:{color}" data-rule="{escape(f.rule_id, quote=True)}">'
        f'<span class="sev" style="color:{color}">{f.severity.label}</span> {rule_html} '
        f'<span class="muted">{escape(f.file)}:{f.line}:{f.column} · {escape(f.obj.kind)} {escape(f.obj.qualified_name)} · '
        f"{escape(f.provider)}/{escape(f.category)}</span>"
        f"<div>{escape(f.message)}</div>{source}"
        f'<div class="fix">Portable alternative: {escape(f.remediation)}</div></div>'
    )


def lines(report: Report) -> Iterator[str]:
    """The page line by line: one pass over the findings for the table of files, one to write them."""
    summary = report.summary()
    files = report.card.files
    yield from (
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>mclint portability report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>mclint portability report</h1>",
        f'<p class="muted">mclint {escape(report.tool_version)} · {summary["files"]} file(s), '
        f"{summary['objects']} object(s), {summary['findings']} coupling(s), {summary['errors']} file error(s)</p>",
        f'<p id="workloads"><strong>{escape(workload_line(report.card.workloads))}</strong></p>',
        f'<div class="charts">{gauge(report.card.overall)}{bar_chart(report)}</div>',
        "<h2>Files</h2><table><thead><tr><th>file</th><th>score</th><th>high</th><th>medium</th><th>low</th>"
        "<th>info</th></tr></thead><tbody>",
    )
    for index, (file, group) in enumerate(groupby(report.findings, key=lambda f: f.file)):
        found = Counter(f.severity.label for f in group)
        yield (
            f'<tr><td><a href="#file-{index}">{escape(file)}</a></td><td>{shown(files.get(file))}</td>'
            + "".join(f"<td>{found[s]}</td>" for s in ("high", "medium", "low", "info"))
            + "</tr>"
        )
    yield "</tbody></table><h2>Findings</h2>"
    for index, (file, group) in enumerate(groupby(report.findings, key=lambda f: f.file)):
        yield f'<h3 id="file-{index}">{escape(file)}</h3>'
        yield from (_finding(report, f) for f in group)
    if report.result.errors:
        yield "<h2>File errors</h2><ul>"
        yield from (
            f"<li><code>{escape(e.file)}:{e.line}:{e.column}</code> {escape(e.message)}</li>"
            for e in report.result.errors
        )
        yield "</ul>"
    yield "</body></html>"


def write(report: Report, stream: TextIO, **_: object) -> None:
    for line in lines(report):
        stream.write(line + "\n")
