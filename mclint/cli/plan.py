"""`mclint plan --to PROVIDER`: each coupling's equivalent on the target, its effort and the work outside."""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import cli, overrides_of, plan_scan_options, policy_options, render_option, rules_dir_option
from mclint.plan.writers import FORMATS
from mclint.process import EXIT_FAIL, EXIT_OK, UsageProblem
from mclint.vocabulary import vocabulary


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--to", "target", type=click.Choice(vocabulary().targets), required=True, help="The cloud to move to.")
@click.option(
    "--from",
    "source",
    type=click.Choice(vocabulary().providers),
    help="Only this source provider (default: every provider found).",
)
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@rules_dir_option
@render_option
@policy_options
def plan(paths, target, source, fmt, output, rules_dirs, render_mode, config_file, **policy):
    """Plan the move of PATHS (default .) to another cloud, coupling by coupling."""
    from mclint.config import excluder
    from mclint.plan import plan_of
    from mclint.plan.writers import write_plan
    from mclint.run import configured, existing_paths, output_stream, refuse_input_as_output, warn_render_notices

    if source == target:
        raise UsageProblem(f"--from and --to are both {target}: nothing to move")
    paths = existing_paths(paths)
    refuse_input_as_output(paths, [output])
    config, ruleset = configured(paths, config_file, rules_dirs, overrides_of(policy))
    options = plan_scan_options(render_mode, excluder(config))
    result = plan_of(paths, ruleset, target, source, options, config)
    warn_render_notices(result.inventory.result)
    with output_stream(output) as stream:
        write_plan(result, fmt, stream)
    return EXIT_FAIL if result.inventory.result.errors else EXIT_OK
