"""The command line: thin click commands over mclint.api and the reporters.

Exit codes: 0 clean, 1 findings at/above --fail-on, score under --fail-under, or unreadable input,
2 usage or configuration errors. Nothing a user does ends in a Python traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mclint import __version__
from mclint.finding import CATEGORIES, PROVIDERS, Severity  # noqa: F401  (re-exported for command modules)

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
FAIL_ON_CHOICES = ("high", "medium", "low", "info", "none")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mclint")
def cli() -> None:
    """Find where Kubernetes manifests are tied to one cloud provider, and score their portability."""


def load_ruleset(rules_dirs: tuple[Path, ...]):
    from mclint.rules.engine import RuleSet
    from mclint.rules.registry import RuleError, load_rules

    try:
        return RuleSet(load_rules(rules_dirs))
    except RuleError as error:
        raise click.UsageError(f"bad rule definition: {error}") from None


def _register_commands() -> None:
    """Commands live one per module; importing them here attaches them to the group."""
    from mclint.cli import baseline, inventory, plan, rules, scan  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code, turning every failure into a message."""
    _register_commands()
    try:
        code = cli.main(args=argv, prog_name="mclint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("mclint: aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("mclint: interrupted", err=True)
        return 130
    except BrokenPipeError:
        _silence_broken_pipe()
        return EXIT_FAIL
    except Exception as error:  # last resort: a clear line instead of a traceback
        click.echo(f"mclint: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("mclint: please report this with the command that caused it.", err=True)
        return EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK


def _silence_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
