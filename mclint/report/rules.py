"""`mclint rules` and `mclint explain`: every rule documented from its own definition."""

from __future__ import annotations

import os
from typing import TextIO

from mclint import jsontext
from mclint.rules.rule import Rule
from mclint.vocabulary import vocabulary


def rule_dict(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "title": rule.title,
        "provider": rule.provider,
        "category": rule.category,
        "severity": rule.severity.label,
        "severity_reason": rule.severity_reason,
        "kinds": list(rule.kinds),
        "message": rule.message,
        "why": rule.why,
        "remediation": rule.remediation,
        "equivalents": dict(sorted(rule.equivalents.items())),
        "portable_alternative": rule.portable_alternative,
        "docs": rule.docs,
        "source": rule.source,
    }


def markdown(rules: list[Rule]) -> str:
    """docs/rules.md: an index table, then every rule's whole explanation, from the rule files."""
    categories = vocabulary().categories
    lines = [
        "# mclint rules",
        "",
        "<!-- Generated from rules/*.yaml by `mclint rules --format markdown > docs/rules.md`; do not edit. -->",
        "",
        f"{len(rules)} rules. Each is documented from its own definition; `mclint explain RULE_ID` prints the same.",
        "",
        "| provider | " + " | ".join(c for c in categories) + " |",
        "|---" * (len(categories) + 1) + "|",
    ]
    for provider in vocabulary().providers:
        counts = [sum(1 for r in rules if r.provider == provider and r.category == c) for c in categories]
        if any(counts):
            lines.append(f"| {provider} | " + " | ".join(str(n) if n else "" for n in counts) + " |")
    lines += ["", "| id | severity | title |", "|---|---|---|"]
    lines += [f"| [`{r.id}`](#{r.id}) | {r.severity.label} | {r.title.replace('|', '/')} |" for r in rules]
    for rule in rules:
        lines += ["", f"## {rule.id}", "", f"**{rule.title}**", ""]
        lines.append(
            f"provider `{rule.provider}` · category `{rule.category}` · severity **{rule.severity.label}** · applies to {', '.join(f'`{k}`' for k in rule.kinds)}"
        )
        if rule.severity_reason:
            lines += ["", f"*Severity:* {rule.severity_reason}"]
        if rule.why:
            lines += ["", "### Why it ties you to the provider", "", rule.why]
        lines += ["", "### What to do", "", rule.remediation]
        others = [p for p in vocabulary().targets if p != rule.provider and p in rule.equivalents]
        if others:
            lines += ["", "### Equivalents", ""]
            lines += [f"- **{p}**: {rule.equivalents[p]}" for p in others]
        if rule.portable_alternative:
            lines += ["", "### Provider-neutral alternative", "", rule.portable_alternative]
        if rule.docs:
            lines += ["", f"Documentation: <{rule.docs}>"]
        lines += ["", f"Defined in `{rule.source.rsplit(':', 1)[0]}`."]
    return "\n".join(lines) + "\n"


def write_list(rules: list[Rule], stream: TextIO, fmt: str = "text") -> None:
    if fmt == "markdown":
        stream.write(markdown(rules))
        return
    if fmt == "json":
        jsontext.write([rule_dict(r) for r in rules], stream)
        stream.write("\n")
        return
    if not (stream.isatty() if hasattr(stream, "isatty") else False):
        for rule in rules:  # piped: tab-separated, nothing padded, for cut, awk and grep
            stream.write("\t".join((rule.id, rule.provider, rule.category, rule.severity.label, rule.title)) + "\n")
        return
    _write_terminal_list(rules, stream)


COLUMNS_BESIDE_ID = 48
"""Columns the table needs beside the ids (provider, category, severity and some of the title)."""


def _write_terminal_list(rules: list[Rule], stream: TextIO) -> None:
    """A table when the terminal is wide enough for whole ids and a readable title; else one
    block per rule: the id on its own line, the rest wrapped under it. Ids are never cut."""
    from rich.markup import escape
    from rich.table import Table

    from mclint.report.console import RichConsole

    terminal = RichConsole(stream, color=not os.environ.get("NO_COLOR"), is_tty=True)
    console = terminal.console
    id_width = max((len(rule.id) for rule in rules), default=2)
    if console.width >= id_width + COLUMNS_BESIDE_ID:
        table = Table(box=None, pad_edge=False)
        table.add_column("id", no_wrap=True, min_width=id_width)
        for column in ("provider", "category", "severity"):
            table.add_column(column, no_wrap=True)
        table.add_column("title", overflow="fold")
        for rule in rules:
            table.add_row(rule.id, rule.provider, rule.category, rule.severity.label, escape(rule.title))
        console.print(table)
    else:
        for rule in rules:
            terminal.print(f"[bold]{rule.id}[/]", wrap=False)
            terminal.print(f"    {rule.provider}/{rule.category}, {rule.severity.label}: {escape(rule.title)}", hang=4)
    console.print(f"{len(rules)} rule(s). 'mclint explain RULE_ID' explains one.")


def explanation(rule: Rule) -> str:
    """The whole explanation as Markdown-ish plain text (also used for docs/rules.md)."""
    lines = [f"{rule.id}: {rule.title}", ""]
    lines.append(f"provider: {rule.provider}    category: {rule.category}    severity: {rule.severity.label}")
    lines.append(f"applies to: {', '.join(rule.kinds)}")
    if rule.severity_reason:
        lines += ["", f"Severity: {rule.severity_reason}"]
    if rule.why:
        lines += ["", "Why it ties you to the provider:", rule.why]
    lines += ["", "What to do:", rule.remediation]
    targets = vocabulary().targets
    others = [p for p in targets if p != rule.provider and p in rule.equivalents]
    others += sorted(p for p in rule.equivalents if p not in targets and p != rule.provider)
    if others:
        lines += ["", "Equivalents elsewhere:"]
        lines += [f"  {p}: {rule.equivalents[p]}" for p in others]
    if rule.portable_alternative:
        lines += ["", "Provider-neutral alternative:", rule.portable_alternative]
    if rule.docs:
        lines += ["", f"Documentation: {rule.docs}"]
    lines += ["", f"Defined in: {rule.source}"]
    return "\n".join(lines) + "\n"


def write_explanation(rule: Rule, stream: TextIO, fmt: str = "text") -> None:
    if fmt == "json":
        jsontext.write(rule_dict(rule), stream)
        stream.write("\n")
    else:
        stream.write(explanation(rule))
