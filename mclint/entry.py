"""The console entry point (`mclint`, `python -m mclint`).

The pre-commit case, `mclint scan [--no-progress] [--format concise] FILE...`, and a directory scan with default
options, `mclint scan [--no-progress] DIR...`, call mclint.run.run_scan directly, without importing
click, which is a quarter of a one-file run and a fifth of a small tree's. Whether a command line is that case
is decided from the arguments alone, before anything runs; every other command line goes to the
click CLI in mclint.cli. Both end in mclint.process, so they say the same thing about any problem.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from mclint.process import UsageProblem, exit_for, quiet_collector

NO_PROGRESS = "--no-progress"
CONCISE = "--format=concise"
"""The compact report the pre-commit hook asks for (`--format concise`, `-f concise`, `-fconcise`)."""
QUICK_OPTIONS = frozenset((NO_PROGRESS, CONCISE))


def run() -> NoReturn:
    """The console script and `python -m mclint`: main(), then an exit that skips tearing the
    interpreter down. A large scan leaves millions of objects that the exit would free one by one
    (and the collector would walk again) after the report is written: 0.03–0.07 s of a 10,000-document
    scan spent on nothing anyone sees. Output is flushed first; where anything is left to finish
    (another thread, unflushable output), the exit is the ordinary one."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    threading = sys.modules.get("threading")  # a thread is started through it; not imported, none runs
    if threading is None or threading.active_count() == 1:
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    files = quick_scan_files(args)
    if files is None:
        from mclint.cli import main as cli_main

        return cli_main(args)
    options = _spelled_once(args)
    return quick_scan(files, no_progress=NO_PROGRESS in options, fmt="concise" if CONCISE in options else None)


def _spelled_once(args: list[str]) -> list[str]:
    """The arguments with every spelling of the concise format written as CONCISE."""
    words: list[str] = []
    for arg in args:
        if arg == "concise" and words and words[-1] in ("--format", "-f"):
            words[-1] = CONCISE
        else:
            words.append(CONCISE if arg == "-fconcise" else arg)
    return words


def quick_scan_files(args: list[str]) -> list[str] | None:
    """The paths of a `scan` that needs no option but --no-progress and `--format concise` and names only
    existing files and directories, else None."""
    if not args or args[0] != "scan":
        return None
    files = [arg for arg in _spelled_once(args[1:]) if arg not in QUICK_OPTIONS]
    if not files or any(f.startswith("-") or not (os.path.isfile(f) or os.path.isdir(f)) for f in files):
        return None
    return files


def quick_scan(files: list[str], no_progress: bool = False, fmt: str | None = None) -> int:
    """`mclint scan PATH...` without click: the same run_scan the CLI's scan command calls."""
    try:
        with quiet_collector():  # before the imports too: they allocate as much as a small scan
            from mclint.run import ScanRequest, run_scan

            return run_scan(ScanRequest(files, no_progress=no_progress, fmt=fmt))
    except UsageProblem as problem:
        from mclint.cli import show_usage_problem  # click words usage problems; only this rare path pays for it

        return show_usage_problem("scan", problem)
    except (KeyboardInterrupt, Exception) as error:
        return exit_for(error)
