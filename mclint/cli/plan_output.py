"""What `inventory` and `plan` share on the command line: checking paths and writing the output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click


def check_paths(paths: tuple[str, ...]) -> list[str]:
    """Paths as given (default .); a missing one is a usage error, not a traceback."""
    chosen = list(paths) or ["."]
    missing = [p for p in chosen if not os.path.lexists(p)]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    return chosen


def emit(write: Callable[[TextIO], None], output: Path | None) -> None:
    if output is None:
        write(sys.stdout)
        return
    try:
        with open(output, "w", encoding="utf-8") as stream:
            write(stream)
    except OSError as error:
        raise click.UsageError(f"cannot write {output}: {error.strerror}") from None


def scan_options(render_mode: str):
    """The scan behind an inventory or plan: rendering as asked, everything else as `scan` does."""
    from mclint.api import ScanOptions
    from mclint.render import RenderOptions

    return ScanOptions(jobs=os.cpu_count() or 1, render=RenderOptions(render_mode))
