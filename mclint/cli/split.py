"""`mclint split PATHS --output DIR`: a portable base and one overlay per cloud, proven by building them."""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import cli, rules_dir_option
from mclint.process import EXIT_FAIL, EXIT_OK, Problem
from mclint.vocabulary import vocabulary


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--provider",
    "providers",
    multiple=True,
    type=click.Choice(vocabulary().providers),
    help="Split out this provider's couplings (repeatable; default: every provider with a coupling).",
)
@click.option(
    "--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory to write."
)
@click.option("--force", is_flag=True, help="Write into a non-empty DIR (files of the same name are replaced).")
@click.option(
    "--check/--no-check", default=True, show_default=True, help="Build the result with kustomize and scan the base."
)
@rules_dir_option
def split(paths, providers, output, force, check, rules_dirs):
    """Rewrite PATHS into DIR/base (portable) and DIR/overlays/<provider> (its couplings, as patches).

    PATHS are plain manifests, or one Kustomize directory (its bases are split and the patches
    join its own kustomization). Helm charts are refused: render them first.
    """
    from mclint.run import existing_paths, load_ruleset
    from mclint.split import SplitError
    from mclint.split import split as split_tree
    from mclint.split.objects import NothingToSplit
    from mclint.split.output import check_target, shown, write_files

    paths = existing_paths(paths)
    ruleset = load_ruleset(rules_dirs)
    try:
        check_target(output, [Path(p) for p in paths], force)
        result = split_tree(paths, list(providers) or None, ruleset)
        written = write_files(output, result.files)
    except NothingToSplit as error:
        click.echo(f"mclint: {error}; nothing written")
        return EXIT_OK
    except SplitError as error:
        raise Problem(str(error)) from None
    for path in written:
        click.echo(f"wrote {shown(path)}")
    for provider, label, rules in result.moved:
        click.echo(f"moved to {result.overlays[provider]}: {label} ({rules})")
    for item in result.left_out:
        click.echo(f"left out: {item}")
    overlays = ", ".join(result.overlays.values())
    click.echo(
        f"mclint: split {result.objects} object(s) into {result.base} and {overlays}:"
        f" {result.patched} patch(es), {len(result.moved)} object(s) moved whole"
    )
    if not check:
        return EXIT_OK
    from mclint.split.check import check_split

    lines, ok = check_split(output, result, ruleset)
    for line in lines:
        click.echo(line)
    return EXIT_OK if ok else EXIT_FAIL
