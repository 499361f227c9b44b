"""`mclint rules` and `mclint explain`: list the rules, explain one."""

from __future__ import annotations

import sys

import click

from mclint.cli import cli, rules_dir_option
from mclint.process import EXIT_OK, UsageProblem
from mclint.vocabulary import vocabulary


@cli.command("rules")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.option(
    "--provider", type=click.Choice(vocabulary().providers), multiple=True, help="Only this provider (repeatable)."
)
@click.option(
    "--category", type=click.Choice(vocabulary().categories), multiple=True, help="Only this category (repeatable)."
)
@rules_dir_option
def rules_command(fmt, provider, category, rules_dirs):
    """List the rules."""
    from mclint.report import rules as rules_report
    from mclint.run import load_ruleset

    ruleset = load_ruleset(rules_dirs)
    selected = [
        r
        for r in ruleset.rules
        if (not provider or r.provider in provider) and (not category or r.category in category)
    ]
    rules_report.write_list(selected, sys.stdout, fmt)
    return EXIT_OK


@cli.command()
@click.argument("rule_id")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rules_dir_option
def explain(rule_id, fmt, rules_dirs):
    """Explain one rule (any letter case): why it binds, its equivalents, the portable alternative."""
    from mclint.report import rules as rules_report
    from mclint.run import load_ruleset

    by_id = {r.id.lower(): r for r in load_ruleset(rules_dirs).rules}
    wanted = rule_id.strip().lower()
    if wanted not in by_id:
        close = [by_id[i].id for i in closest_ids(wanted, sorted(by_id))]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'mclint rules' to list them."
        raise UsageProblem(f"unknown rule id {rule_id!r}.{hint}")
    rules_report.write_explanation(by_id[wanted], sys.stdout, fmt)
    return EXIT_OK


def closest_ids(wanted: str, ids: list[str], limit: int = 5) -> list[str]:
    """Ids that contain what was typed, then the most similar ones (difflib), at most `limit`."""
    import difflib

    close = [i for i in ids if wanted in i]
    close += [i for i in difflib.get_close_matches(wanted, ids, n=limit, cutoff=0.6) if i not in close]
    return close[:limit]
