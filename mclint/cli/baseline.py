"""`mclint baseline`: record today's findings so `scan --baseline` reports only new ones."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mclint.cli import EXIT_FAIL, EXIT_OK, cli, config_option, load_ruleset, rules_dir_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=Path(".mclint-baseline.json"),
    show_default=True,
    help="Where to write the baseline.",
)
@config_option
@rules_dir_option
def baseline(paths, output, config_file, rules_dirs):
    """Record the findings in PATHS (default .) as accepted, by line-shift-proof fingerprint.

    Findings already silenced by annotations, comments or waivers are left out: they need no baseline.
    """
    from mclint import api
    from mclint.cli import policy
    from mclint.config import excluder
    from mclint.config.selection import configured_ruleset
    from mclint.suppress.baseline import write_baseline
    from mclint.suppress.policy import Policy, apply_policy

    paths = list(paths) or ["."]
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    config = policy.read_config(config_file, paths)
    ruleset = configured_ruleset(load_ruleset((*config.rules_dirs, *rules_dirs)), config, policy.warn)
    options = api.ScanOptions(exclude=excluder(config))
    result = apply_policy(api.scan(paths, ruleset, options), Policy(config)).result
    try:
        count = write_baseline(result.findings, output)
    except OSError as error:
        raise click.UsageError(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"mclint: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to {output}", err=True)
    return EXIT_FAIL if result.errors else EXIT_OK
