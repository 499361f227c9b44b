"""The command line: thin click commands over mclint.run, mclint.api and the reporters.

Exit codes: 0 clean, 1 findings at/above --fail-on, score under --fail-under, or unreadable input,
2 usage or configuration errors. Nothing a user does ends in a Python traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from mclint import __version__
from mclint.process import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageProblem, exit_for, quiet_collector

# command name -> the module that defines it; a command's module is imported only when it runs
COMMAND_MODULES = {
    "baseline": "baseline",
    "explain": "rules",
    "inventory": "inventory",
    "plan": "plan",
    "rules": "rules",
    "scan": "scan",
    "split": "split",
}


class Command(click.Command):
    """A command whose usage problems, raised by click-free code (mclint.run), click shows under its usage."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageProblem as problem:
            raise click.UsageError(str(problem), ctx) from None


class LazyGroup(click.Group):
    """Imports a command's module only when that command is asked for: start-up stays small."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(f"mclint.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mclint")
def cli() -> None:
    """Find where Kubernetes manifests are tied to one cloud provider, and score their portability."""


rules_dir_option = click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Extra directory of YAML rule files (repeatable).",
)
render_option = click.option(
    "--render",
    "render_mode",
    type=click.Choice(["auto", "off", "require"]),
    default="auto",
    show_default=True,
    help="Build Kustomize roots and render Helm charts before linting ('off': scan the raw files as plain YAML; "
    "'require': exit 2 when a renderer the tree needs is not on PATH).",
)
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: the nearest .mclint.yaml or pyproject.toml [tool.mclint] above PATHS).",
)


def _comma_separated(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(item.strip() for text in value for item in text.split(",") if item.strip())


def _given_or_none(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    return _comma_separated(ctx, param, value) or None


def policy_options(command):
    """--config, --select, --ignore, --exclude and --extend-exclude: what every command that scans
    takes, so scan, baseline, inventory and plan apply the same policy."""
    options = (
        config_option,
        click.option(
            "--trust-config",
            is_flag=True,
            help="Load the rules-dirs of a configuration found above PATHS (refused otherwise: a scanned "
            "tree must not add rules; a file given with --config is trusted).",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="PATTERNS",
            callback=_comma_separated,
            help="Only these rule ids, providers, categories or globs (repeatable, comma-separated; "
            "replaces the configuration's select and ignore).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="PATTERNS",
            callback=_comma_separated,
            help="Leave out these rule ids, providers, categories or globs (repeatable, comma-separated).",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="PATTERNS",
            callback=_given_or_none,
            help="Skip files matching these gitignore patterns, relative to the working directory "
            "(repeatable, comma-separated; replaces the configuration's exclude).",
        ),
        click.option(
            "--extend-exclude",
            multiple=True,
            metavar="PATTERNS",
            callback=_comma_separated,
            help="Like --exclude, but in addition to the configuration's exclude.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def overrides_of(options: dict):
    """The command line's policy options (popped from a command's keyword arguments) as config Overrides."""
    from mclint.config import Overrides

    return Overrides(
        select=options.pop("select"),
        ignore=options.pop("ignore"),
        exclude=options.pop("exclude"),
        extend_exclude=options.pop("extend_exclude"),
        trust_config=options.pop("trust_config"),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code, turning every failure into a message."""
    try:
        with quiet_collector():
            code = cli.main(args=argv, prog_name="mclint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("mclint: aborted", err=True)
        return EXIT_INTERRUPTED
    except (KeyboardInterrupt, Exception) as error:  # last resort: a clear line instead of a traceback
        return exit_for(error)
    return code if isinstance(code, int) else EXIT_OK


def show_usage_problem(command: str, problem: UsageProblem) -> int:
    """A usage problem met outside click (mclint.entry's quick path), shown as `mclint COMMAND` shows it."""
    parent = click.Context(cli, info_name="mclint", **cli.context_settings)
    click.UsageError(str(problem), click.Context(cli.get_command(parent, command), parent, command)).show()
    return EXIT_USAGE


def plan_scan_options(render_mode: str, exclude=None):
    """The scan behind an inventory or a plan: rendering as asked, everything else as `scan` does."""
    import os

    from mclint.api import ScanOptions
    from mclint.render import RenderOptions

    return ScanOptions(jobs=os.cpu_count() or 1, render=RenderOptions(render_mode), exclude=exclude)
