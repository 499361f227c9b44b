"""`mclint baseline`: record today's findings so `scan --baseline` reports only new ones."""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import cli, overrides_of, policy_options, rules_dir_option
from mclint.process import EXIT_FAIL, EXIT_OK


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
@policy_options
@rules_dir_option
def baseline(paths, output, config_file, rules_dirs, **policy):
    """Record the findings in PATHS (default .) as accepted, by line-shift-proof fingerprint.

    Findings already silenced by annotations, comments or waivers are left out: they need no baseline.
    """
    from mclint import api
    from mclint.config import excluder
    from mclint.run import configured, existing_paths, output_stream, refuse_input_as_output
    from mclint.suppress.baseline import write_baseline
    from mclint.suppress.policy import Policy, apply_policy

    paths = existing_paths(paths)
    refuse_input_as_output(paths, [output])
    config, ruleset = configured(paths, config_file, rules_dirs, overrides_of(policy))
    options = api.ScanOptions(exclude=excluder(config))
    result = apply_policy(api.scan(paths, ruleset, options), Policy(config)).result
    with output_stream(output) as stream:
        count = write_baseline(result.findings, stream)
    click.echo(f"mclint: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to {output}", err=True)
    return EXIT_FAIL if result.errors else EXIT_OK
