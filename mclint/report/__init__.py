"""Stage 6: reporters. Each turns a finished Report (mclint.result) into text for one reader; none re-reads files.

Every format is a module here with a `write(report, stream, **options)`; FORMATS lists them.
"""

from __future__ import annotations

from collections.abc import Callable

FORMATS = ("text", "concise", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")


def writer(fmt: str) -> Callable[..., None]:
    """The format's writer, imported only when used (start-up stays small)."""
    import importlib

    return importlib.import_module(f"mclint.report.{fmt}").write


def overlay_lookup(report) -> Callable[..., list[str]] | None:
    """The overlays (build roots) each finding was brought in by, as a function of the finding; None
    when nothing was built (most scans), so a report asks nothing per finding and does not import
    the render stage's report helpers."""
    rendered = getattr(report.result, "rendered", None)
    if rendered is None or not rendered.brought_in_by:
        return None
    from mclint.render.report import brought_in_by

    return lambda finding: brought_in_by(report.result, finding)
