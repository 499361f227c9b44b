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
