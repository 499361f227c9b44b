"""Run mclint's entry point in-process, as the console script does, with click's isolated streams."""

from __future__ import annotations

import click
from click.testing import CliRunner

from mclint.entry import main


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _console_script(args: tuple[str, ...]) -> None:
    raise SystemExit(main(list(args)))


def run(args: list[str], input: str | None = None, env: dict | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `mclint ARGS`."""
    result = CliRunner().invoke(_console_script, args, input=input, env=env)
    return result.exit_code, result.stdout, result.stderr
