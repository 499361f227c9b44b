"""`mclint scan`: lint manifests and report couplings and the portability score."""

from __future__ import annotations

from pathlib import Path

import click

from mclint.cli import cli, overrides_of, policy_options, render_option, rules_dir_option
from mclint.discover import MAX_FILE_SIZE
from mclint.finding import FAIL_ON
from mclint.report import FORMATS
from mclint.vocabulary import vocabulary


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Report format [default: text; github inside GitHub Actions].",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the report to FILE."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="low",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity ('none' never fails on findings).",
)
@click.option(
    "--fail-under",
    type=click.IntRange(0, 100),
    default=0,
    show_default=True,
    help="Exit 1 when the portability score is below this.",
)
@click.option("--explain-score", is_flag=True, help="Show each object's contribution to the score.")
@rules_dir_option
@click.option(
    "--max-file-size",
    type=click.IntRange(1),
    default=MAX_FILE_SIZE,
    show_default=True,
    help="Skip (and report) files larger than this many bytes.",
)
@render_option
@click.option("--values", "helm_values", multiple=True, help="Helm values FILE passed to helm template (repeatable).")
@click.option("--set", "helm_set", multiple=True, help="Helm K=V passed to helm template --set (repeatable).")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option(
    "--no-cache", is_flag=True, help="Build every kustomization afresh: neither read nor write the build cache."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0),
    default=0,
    help="Processes that lint a large tree: this one and N-1 forked workers (0: one per CPU). "
    "The output is identical for any value.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Force colour on or off (default: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it).",
)
@policy_options
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Report only findings not in this baseline (see `mclint baseline`).",
)
@click.option("--new-since", metavar="REF", help="Report only findings introduced since this git ref.")
@click.option(
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(vocabulary().providers),
    help="Provider(s) the manifests should run on: couplings to them become info (repeatable).",
)
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings and why (text output).")
@click.option(
    "--report",
    "extra_reports",
    multiple=True,
    metavar="FORMAT=PATH",
    callback=lambda ctx, param, value: [_parse_report(v) for v in value],
    help="Also write a report in FORMAT to PATH from the same scan (repeatable).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print the findings and the score only: no tables, notices or hints.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings, the score or unreadable files would fail.")
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="The file name findings read from stdin carry (with '-' or no PATHS); also where the configuration is looked for.",
)
@click.option(
    "--show-files", is_flag=True, help="List every file: linted, rendered, excluded or skipped, and why; no report."
)
@click.option(
    "--max-findings",
    type=click.IntRange(0),
    metavar="N",
    help="List at most N findings in Markdown reports and job summaries, and count the rest.",
)
def scan(**options) -> int:
    """Scan PATHS (files, directories, or - for stdin; default .) for provider couplings."""
    from mclint.run import ScanRequest, run_scan

    for name in ("fail_on", "fail_under"):  # a default typed by nobody leaves the choice to the config file
        if not _typed(name):
            options[name] = None
    overrides = overrides_of(options)
    return run_scan(ScanRequest(options.pop("paths"), overrides=overrides, **options))


def _typed(name: str) -> bool:
    """Whether the user gave this option, rather than click filling in its default."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT)


def _parse_report(value: str) -> tuple[str, Path]:
    fmt, sep, path = value.partition("=")
    if not sep or not path or fmt not in FORMATS:
        raise click.BadParameter(f"expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}, got {value!r}")
    return fmt, Path(path)
