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
@rules_dir_option
def explain(rule_id, rules_dirs):
    """Explain one rule: why it binds, its equivalents, the portable alternative."""
    import difflib

    from mclint.report import rules as rules_report
    from mclint.run import load_ruleset

    ruleset = load_ruleset(rules_dirs)
    by_id = {r.id: r for r in ruleset.rules}
    if rule_id not in by_id:
        close = [i for i in sorted(by_id) if rule_id in i]
        close += [i for i in difflib.get_close_matches(rule_id, by_id, n=5, cutoff=0.6) if i not in close]
        hint = f" Did you mean: {', '.join(close[:5])}?" if close else " Run 'mclint rules' to list them."
        raise UsageProblem(f"unknown rule id {rule_id!r}.{hint}")
    rules_report.write_explanation(by_id[rule_id], sys.stdout)
    return EXIT_OK
