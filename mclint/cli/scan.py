"""`mclint scan`: lint manifests and report couplings and the portability score."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mclint.cli import (
    FAIL_ON_CHOICES,
    cli,
    config_option,
    load_ruleset,
    render_option,
    rules_dir_option,
)
from mclint.finding import PROVIDERS
from mclint.report.console import ScanProgress

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")


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
    type=click.Choice(FAIL_ON_CHOICES),
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
    default=5 * 1024 * 1024,
    show_default=True,
    help="Skip (and report) files larger than this many bytes.",
)
@render_option
@click.option("--values", "helm_values", multiple=True, help="Helm values FILE passed to helm template (repeatable).")
@click.option("--set", "helm_set", multiple=True, help="Helm K=V passed to helm template --set (repeatable).")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0),
    default=0,
    help="Worker processes for large trees (0: one per CPU). The output is identical for any value.",
)
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: only on a terminal).")
@config_option
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
    type=click.Choice(PROVIDERS),
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
def scan(
    paths,
    fmt,
    output,
    fail_on,
    fail_under,
    explain_score,
    rules_dirs,
    max_file_size,
    no_progress,
    jobs,
    color,
    config_file,
    baseline,
    new_since,
    targets,
    show_suppressed,
    extra_reports,
    **render,
):
    """Scan PATHS (files, directories, or - for stdin; default .) for provider couplings."""
    from mclint import api
    from mclint.cli import policy
    from mclint.config import excluder
    from mclint.config.selection import configured_ruleset

    paths = list(paths) or ["."]
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    config = policy.read_config(config_file, paths)
    ruleset = configured_ruleset(load_ruleset((*config.rules_dirs, *rules_dirs)), config, policy.warn)
    exclude = excluder(config)
    options = api.ScanOptions(max_file_size=max_file_size, exclude=exclude, jobs=jobs or os.cpu_count() or 1)
    options.snippets = "html" in (fmt, *(extra_fmt for extra_fmt, _ in extra_reports))
    if any(p != "-" and os.path.isdir(p) for p in paths):  # only directories hold things to render
        options.render = _render_options(**render)
    known, known_reason = policy.known_fingerprints(baseline, new_since, paths, ruleset, options, exclude)
    with ScanProgress(enabled=not no_progress) as progress:
        result = api.scan(paths, ruleset, options, progress=progress)
    report = api.finish(result, config, known, known_reason, list(targets) or config.targets)
    if config.fail_on is not None and not policy.explicit("fail_on"):
        fail_on = config.fail_on
    if config.fail_under is not None and not policy.explicit("fail_under"):
        fail_under = config.fail_under
    report.rules = ruleset.rules
    _render_notices(report)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    options = {"color": color, "explain_score": explain_score, "show_suppressed": show_suppressed}
    _emit(report, fmt, output, **options)
    for extra_fmt, path in extra_reports:
        _emit(report, extra_fmt, path, **options)
    return report.exit_status(fail_on, fail_under)


def _render_options(render_mode: str, helm_values: tuple, helm_set: tuple):
    from mclint.render import RenderOptions

    return RenderOptions(render_mode, tuple(helm_values), tuple(helm_set))


def _render_notices(report) -> None:
    """One line per missing renderer on stderr; builds and overlays go into the report's extras."""
    if report.result.rendered is None:
        return
    from mclint.render.report import render_extras

    rendered = report.result.rendered
    for notice in rendered.notices if rendered else ():
        click.echo(f"mclint: {notice}", err=True)
    report.extras.update(render_extras(report.result))


def _emit(report, fmt: str, output: Path | None, **options) -> None:
    writer = _writer(fmt)
    if output is None:
        writer(report, sys.stdout, **options)
        return
    try:
        with open(output, "w", encoding="utf-8") as stream:
            writer(report, stream, **{**options, "color": False})
    except OSError as error:
        raise click.UsageError(f"cannot write {output}: {error.strerror}") from None


def _writer(fmt: str):
    """The format's writer, imported only when used (start-up stays small)."""
    import importlib

    return importlib.import_module(f"mclint.report.{fmt}").write


def _parse_report(value: str) -> tuple[str, Path]:
    fmt, sep, path = value.partition("=")
    if not sep or not path or fmt not in FORMATS:
        raise click.BadParameter(f"expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}, got {value!r}")
    return fmt, Path(path)
