"""`mclint inventory`: every workload classified portable, portable-with-config, stateful or provider-bound."""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import cli, overrides_of, plan_scan_options, policy_options, render_option, rules_dir_option
from mclint.plan.writers import FORMATS
from mclint.process import EXIT_FAIL, EXIT_OK


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@rules_dir_option
@render_option
@policy_options
def inventory(paths, fmt, output, rules_dirs, render_mode, config_file, **policy):
    """Classify every workload under PATHS (default .) by what it takes to move it."""
    from mclint.config import excluder
    from mclint.plan import inventory_of
    from mclint.plan.writers import write_inventory
    from mclint.run import configured, existing_paths, output_stream, refuse_input_as_output, warn_render_notices

    paths = existing_paths(paths)
    refuse_input_as_output(paths, [output])
    config, ruleset = configured(paths, config_file, rules_dirs, overrides_of(policy))
    result = inventory_of(paths, ruleset, plan_scan_options(render_mode, excluder(config)), config)
    warn_render_notices(result.result)
    with output_stream(output) as stream:
        write_inventory(result, fmt, stream)
    return EXIT_FAIL if result.result.errors else EXIT_OK
