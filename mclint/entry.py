"""The console entry point (`mclint`, `python -m mclint`): exit codes and the process around a run.

The pre-commit case, `mclint scan [--no-progress] FILE...`, runs the same pipeline, configuration
and report as `mclint scan` without importing click, which is a quarter of a one-file run (issue 9:
no slower than yamllint). Every other command line, and anything unusual before the report starts
(a missing file, a bad config or rule, a plugin error), goes to the click CLI in mclint.cli, which
says what is wrong.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

from mclint.process import exit_for, quiet_collector


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    files = quick_scan_files(args)
    if files is not None:
        with quiet_collector():
            code = _quick_scan(files, progress="--no-progress" not in args)
        if code is not None:
            return code
    from mclint.cli import main as cli_main

    return cli_main(args)


def quick_scan_files(args: list[str]) -> list[str] | None:
    """The files of a `scan` the quick path runs exactly as the CLI would, else None."""
    if not args or args[0] != "scan":
        return None
    files = [arg for arg in args[1:] if arg != "--no-progress"]
    if not files or any(f.startswith("-") or not os.path.isfile(f) for f in files):
        return None
    return files


def _quick_scan(files: list[str], progress: bool) -> int | None:
    """Scan and report as `mclint scan FILE...` does; None, with nothing written, hands over to the CLI."""
    try:
        run = _quick_run(files, progress)
        import importlib

        writer = importlib.import_module(f"mclint.report.{run.fmt}").write
    except KeyboardInterrupt as error:
        return exit_for(error)
    except Exception:  # a bad config or rule, a plugin or a bug: the CLI runs again and says what
        return None
    try:
        for warning in run.warnings:
            sys.stderr.write(warning + "\n")
        writer(run.report, sys.stdout, color=None, explain_score=False, show_suppressed=False)
        sys.stdout.flush()
    except (KeyboardInterrupt, Exception) as error:
        return exit_for(error)
    return run.report.exit_status(run.fail_on, run.fail_under)


class QuickRun(NamedTuple):
    report: object
    """mclint.report.Report"""
    fmt: str
    fail_on: str
    fail_under: int
    warnings: list[str]


def _quick_run(files: list[str], progress: bool) -> QuickRun:
    """What `mclint scan FILE...` computes with no option typed: the config file's settings apply."""
    from pathlib import Path

    from mclint import api
    from mclint.config import Config, excluder, find_config, load_config
    from mclint.config.selection import configured_ruleset
    from mclint.report.console import ScanProgress
    from mclint.rules.engine import RuleSet
    from mclint.rules.registry import load_rules

    found = find_config(Path(files[0]))
    config = Config() if found is None else load_config(found)
    warnings: list[str] = []
    ruleset = configured_ruleset(RuleSet(load_rules(config.rules_dirs)), config, warnings.append)
    options = api.ScanOptions(exclude=excluder(config), jobs=os.cpu_count() or 1)
    with ScanProgress(enabled=progress) as update:
        result = api.scan(files, ruleset, options, progress=update)
    report = api.finish(result, config, None, "", config.targets)
    report.rules = ruleset.rules
    return QuickRun(
        report,
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        "low" if config.fail_on is None else config.fail_on,
        0 if config.fail_under is None else config.fail_under,
        warnings,
    )
