"""What every mclint HTML page shares: the style sheet, the provider colours and the page's head.

The scan report (mclint.report.html) and the inventory and plan (mclint.plan.document) look alike:
the same type, tables that wrap instead of scrolling sideways, the same colour for a provider
wherever it appears. Nothing is fetched: no font, script or style sheet from anywhere.
"""

from __future__ import annotations

from html import escape

PROVIDER_COLORS = {
    "aws": "#ff9900",  # AWS orange
    "gcp": "#4285f4",  # Google blue
    "azure": "#00bcf2",  # Azure's sky blue, far enough from Google's to tell apart
    "digitalocean": "#00a99d",
    "oci": "#c74634",  # Oracle red
    "ibm": "#8a3ffc",
    "alibaba": "#795548",
    "openshift": "#ee0000",  # Red Hat red
}
SPARE_COLORS = ("#607d8b", "#9e9d24", "#ad1457", "#00838f", "#5d4037", "#283593")
"""For providers added to the vocabulary later, in the order they sort."""

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1.5rem;color:#1c1c1c;
max-width:1200px;line-height:1.4;overflow-wrap:anywhere}
h1{margin:.2rem 0;overflow-wrap:normal} h2{margin-top:1.8rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.muted{color:#5f5f5f}
table{border-collapse:collapse;width:100%;margin:.8rem 0;table-layout:auto}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.92rem;
overflow-wrap:anywhere;word-break:normal}
th{background:#f5f5f5;overflow-wrap:normal} td.num,th.num{text-align:right;white-space:nowrap}
code{font-size:.88rem;overflow-wrap:anywhere}
ul{padding-left:1.4rem} li{margin:.15rem 0}
.sev{font-weight:600;text-transform:uppercase;font-size:.8rem}
.badge{display:inline-block;padding:.1rem .5rem;margin:.15rem .3rem .15rem 0;border-radius:1rem;background:#eee;
font-size:.85rem;white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.4rem 0;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:.35rem;font-size:.85rem;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px}
.verdict-good{color:#2e7d32} .verdict-bad{color:#ad5a00}
"""


def provider_color(provider: str, known: tuple[str, ...] = ()) -> str:
    """The provider's fixed colour; an unlisted provider takes a spare one by its place in `known`."""
    if provider in PROVIDER_COLORS:
        return PROVIDER_COLORS[provider]
    extra = sorted(p for p in known if p not in PROVIDER_COLORS)
    index = extra.index(provider) if provider in extra else sum(map(ord, provider))
    return SPARE_COLORS[index % len(SPARE_COLORS)]


def head(title: str, extra_style: str = "") -> str:
    """The page up to and including <body>."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{extra_style}</style></head><body>"
    )
