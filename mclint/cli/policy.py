"""The scan options about what a team accepts: config file, baseline, --new-since, targets.

Kept apart from cli/scan.py so that command stays a thin pipeline; scan calls `resolve()` once
before the scan and `apply()` once after it.
"""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import EXIT_USAGE
from mclint.config import Config, ConfigError, find_config, load_config


class ConfigProblem(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"mclint: {self.message}", err=True)


def read_config(config_file: Path | None, paths: list[str]) -> Config:
    """The --config file, else the nearest one above the first scanned path, else defaults."""
    if config_file is None:
        first = next((p for p in paths if p != "-"), ".")
        config_file = find_config(Path(first))
        if config_file is None:
            return Config()
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise ConfigProblem(f"bad configuration: {error}") from None


def known_fingerprints(baseline: Path | None, new_since: str | None, paths, ruleset, options, exclude):
    """Accepted fingerprints and the reason shown for them, from --baseline or --new-since."""
    if baseline is not None and new_since is not None:
        raise click.UsageError("use either --baseline or --new-since, not both")
    if baseline is not None:
        from mclint.suppress.baseline import BaselineError, read_baseline

        try:
            return read_baseline(baseline), f"in baseline {baseline}"
        except BaselineError as error:
            raise ConfigProblem(str(error)) from None
    if new_since is not None:
        from mclint import api
        from mclint.suppress.gitref import GitError, fingerprints_at

        def lint(files):
            return api.lint_files(files, ruleset, options).findings

        try:
            return fingerprints_at(
                new_since, paths, lint, options.max_file_size, exclude
            ), f"already present at {new_since}"
        except GitError as error:
            raise ConfigProblem(f"--new-since {new_since}: {error}") from None
    return None, ""


def warn(message: str) -> None:
    click.echo(message, err=True)


def explicit(name: str) -> bool:
    """Whether the user typed this option (CLI flags override the config; defaults do not)."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT)
