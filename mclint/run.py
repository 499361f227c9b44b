"""`mclint scan` as one click-free function, and what every command does around the pipeline.

Both ways in call run_scan(): the click command in mclint.cli.scan turns its options into a
ScanRequest, and the quick pre-commit path in mclint.entry builds one from its file names without
importing click. Problems a user can fix are raised as mclint.process problems, which either way
in reports in the same words.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from mclint import api
from mclint.config import Config, ConfigError, Overrides, excluder, find_config, load_config, overridden
from mclint.config.selection import configured_ruleset
from mclint.discover import MAX_FILE_SIZE, STDIN, display_path, may_render
from mclint.process import EXIT_OK, Problem, UsageProblem
from mclint.report import writer
from mclint.report.console import ScanProgress
from mclint.result import Report
from mclint.rules.engine import RuleSet
from mclint.rules.registry import RuleError, load_rules


class ScanRequest:
    """Everything `mclint scan` can be asked, as plain values; the names are the CLI's option names.

    None for fmt, fail_on and fail_under means "not given": the configuration file decides, then
    the defaults (text, or github inside GitHub Actions; low; 0). A plain class: a twenty-field
    NamedTuple costs a one-file run a third of a millisecond to define.
    """

    __slots__ = (
        "baseline",
        "color",
        "config_file",
        "exit_zero",
        "explain_score",
        "extra_reports",
        "fail_on",
        "fail_under",
        "fmt",
        "helm_set",
        "helm_values",
        "jobs",
        "max_file_size",
        "max_findings",
        "new_since",
        "no_cache",
        "no_progress",
        "output",
        "overrides",
        "paths",
        "quiet",
        "render_mode",
        "rules_dirs",
        "show_files",
        "show_suppressed",
        "statistics",
        "stdin_filename",
        "targets",
    )

    def __init__(
        self,
        paths: Iterable[str] = (),
        *,
        fmt: str | None = None,
        output: Path | None = None,
        fail_on: str | None = None,
        fail_under: int | None = None,
        explain_score: bool = False,
        rules_dirs: Iterable[Path] = (),
        max_file_size: int = MAX_FILE_SIZE,
        render_mode: str = "auto",
        helm_values: Iterable[str] = (),
        helm_set: Iterable[str] = (),
        no_progress: bool = False,
        no_cache: bool = False,
        jobs: int = 0,
        color: bool | None = None,
        config_file: Path | None = None,
        baseline: Path | None = None,
        new_since: str | None = None,
        targets: Iterable[str] = (),
        show_suppressed: bool = False,
        extra_reports: Iterable[tuple[str, Path]] = (),
        overrides: Overrides | None = None,
        quiet: bool = False,
        statistics: bool = False,
        exit_zero: bool = False,
        stdin_filename: str | None = None,
        show_files: bool = False,
        max_findings: int | None = None,
    ) -> None:
        self.paths = list(paths)
        """Files, directories, or - for stdin; none means the working directory."""
        self.fmt = fmt
        self.output = output
        self.fail_on = fail_on
        self.fail_under = fail_under
        self.explain_score = explain_score
        self.rules_dirs = tuple(rules_dirs)
        self.max_file_size = max_file_size
        self.render_mode = render_mode
        self.helm_values = tuple(helm_values)
        self.helm_set = tuple(helm_set)
        self.no_progress = no_progress
        self.no_cache = no_cache
        """Neither read nor write the build cache."""
        self.jobs = jobs
        """Worker processes; 0 means one per CPU."""
        self.color = color
        self.config_file = config_file
        self.baseline = baseline
        self.new_since = new_since
        self.targets = tuple(targets)
        """None given: the configuration's targets."""
        self.show_suppressed = show_suppressed
        self.extra_reports = list(extra_reports)
        """(format, path) of further reports written from the same scan."""
        self.overrides = overrides or Overrides()
        """--select, --ignore, --exclude, --extend-exclude over the configuration's."""
        self.quiet = quiet
        self.statistics = statistics
        self.exit_zero = exit_zero
        self.stdin_filename = stdin_filename
        """The name findings from stdin carry (default <stdin>)."""
        self.show_files = show_files
        self.max_findings = max_findings
        """At most this many findings listed in Markdown (None: as many as fit GitHub's limits)."""


def run_scan(request: ScanRequest) -> int:
    """Scan, report and return the exit code; a problem the user can fix is raised before scanning."""
    paths = _scanned_paths(request)
    refuse_input_as_output(paths, [request.output, *(path for _, path in request.extra_reports)])
    fmt = request.fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if request.statistics and fmt not in STATISTICS_FORMATS:
        raise UsageProblem(f"--statistics prints {', '.join(STATISTICS_FORMATS)}, not {fmt}")
    config, ruleset = configured(
        paths, request.config_file, request.rules_dirs, request.overrides, request.stdin_filename
    )
    options = _scan_options(request, paths, config, fmt)
    known, known_reason = known_fingerprints(request, paths, ruleset, options)
    with ScanProgress(enabled=not request.no_progress) as progress:
        result = api.scan(paths, ruleset, options, progress=progress)
    scanned = None
    if known is not None:
        from mclint.suppress.baseline import scanned_files

        scanned = scanned_files(paths, options.exclude)
    report = api.finish(result, config, known, known_reason, list(request.targets) or config.targets, scanned)
    report.rules = ruleset.rules
    add_render_extras(report, notices=not request.quiet)
    if report.card.overall is None and not request.quiet:
        warn("mclint: no Kubernetes objects found")
    if request.show_files:
        from mclint.report import files

        stdin_name = display_path(Path(request.stdin_filename)) if request.stdin_filename else None
        with output_stream(request.output) as stream:
            files.write(files.listing(paths, config, report.result, stdin_name), stream, request.color)
        return EXIT_OK
    _write_reports(report, fmt, request)
    fail_on = _first_given(request.fail_on, config.fail_on, "low")
    status = report.exit_status(fail_on, _first_given(request.fail_under, config.fail_under, 0))
    return EXIT_OK if request.exit_zero else status


STATISTICS_FORMATS = ("text", "concise", "json")


def _scanned_paths(request: ScanRequest) -> list[str]:
    """The paths to scan; --stdin-filename alone means stdin, as in ruff."""
    if request.stdin_filename is not None:
        if not request.paths:
            return [STDIN]
        if STDIN not in request.paths:
            raise UsageProblem("--stdin-filename names what is read from stdin: add '-' to PATHS")
    return existing_paths(request.paths, stdin=True)


def _scan_options(request: ScanRequest, paths: list[str], config: Config, fmt: str) -> api.ScanOptions:
    jobs = request.jobs or os.cpu_count() or 1
    options = api.ScanOptions(max_file_size=request.max_file_size, exclude=excluder(config), jobs=jobs)
    options.stdin_name = request.stdin_filename
    options.snippets = "html" in (fmt, *(extra_fmt for extra_fmt, _ in request.extra_reports))  # HTML shows lines
    if may_render(paths):
        from mclint.render import RenderOptions

        options.render = RenderOptions(request.render_mode, request.helm_values, request.helm_set, not request.no_cache)
    return options


def _write_reports(report: Report, fmt: str, request: ScanRequest) -> None:
    """The report (or --statistics) on stdout or --output, then each --report; colour only ever on stdout."""
    shown = {
        "color": request.color,
        "explain_score": request.explain_score,
        "show_suppressed": request.show_suppressed,
        "quiet": request.quiet,
        "max_findings": request.max_findings,
    }
    for index, (report_fmt, path) in enumerate(((fmt, request.output), *request.extra_reports)):
        write = writer(report_fmt)
        if index == 0 and request.statistics:
            from mclint.report import statistics

            write = statistics.writer(report_fmt)
        with output_stream(path) as stream:
            write(report, stream, **(shown if path is None else {**shown, "color": False}))


def existing_paths(paths: Iterable[str], stdin: bool = False) -> list[str]:
    """The paths as given (default: the working directory); one that does not exist is a usage problem."""
    chosen = list(paths) or ["."]
    missing = [p for p in chosen if not (stdin and p == STDIN) and not os.path.lexists(p)]
    if missing:
        raise UsageProblem(f"no such file or directory: {', '.join(missing)}")
    return chosen


def configured(
    paths: list[str],
    config_file: Path | None,
    rules_dirs: Iterable[Path],
    overrides: Overrides | None = None,
    stdin_filename: str | None = None,
) -> tuple[Config, RuleSet]:
    """The configuration for `paths` with the command line's overrides, and the rule set it selects
    and re-rates; a command-line pattern that matches no rule is a usage problem (a typo)."""
    config = read_config(config_file, paths, stdin_filename)
    if config.rules_dirs and config_file is None and not (overrides and overrides.trust_config):
        raise Problem(
            f"bad configuration: {config.source}: rules-dirs in a configuration found by walking up from the "
            "scanned paths is refused (the scanned tree must not add rules): give the file with --config, "
            "or pass --trust-config"
        )
    ruleset = load_ruleset((*config.rules_dirs, *rules_dirs))
    if overrides is not None and overrides != Overrides():
        _check_overrides(overrides, ruleset)
        config = overridden(config, overrides)
    return config, configured_ruleset(ruleset, config, warn)


def _check_overrides(overrides: Overrides, ruleset: RuleSet) -> None:
    from mclint.config.selection import specificity

    for option, patterns in (("--select", overrides.select), ("--ignore", overrides.ignore)):
        unknown = [p for p in patterns if not any(specificity(p, rule) is not None for rule in ruleset.rules)]
        if unknown:
            raise UsageProblem(f"{option}: {', '.join(map(repr, unknown))} matches no rule id, provider or category")
    import pathspec

    for pattern in (*(overrides.exclude or ()), *overrides.extend_exclude):
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, re.error) as error:
            raise UsageProblem(f"--exclude: {pattern!r} is not a gitignore pattern: {error}") from None


def read_config(config_file: Path | None, paths: list[str], stdin_filename: str | None = None) -> Config:
    """The --config file, else the nearest one above the first scanned path (or --stdin-filename),
    else defaults."""
    if config_file is None:
        named = stdin_filename if stdin_filename and STDIN in paths else None
        config_file = find_config(Path(next((p for p in paths if p != STDIN), named or ".")))
        if config_file is None:
            return Config()
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise Problem(f"bad configuration: {error}") from None


def load_ruleset(rules_dirs: Iterable[Path] = ()) -> RuleSet:
    """Every rule: the shipped packs, `rules_dirs` and plugins; a bad definition is a usage problem."""
    try:
        return RuleSet(load_rules(rules_dirs))
    except RuleError as error:
        raise UsageProblem(f"bad rule definition: {error}") from None


def known_fingerprints(
    request: ScanRequest, paths: list[str], ruleset: RuleSet, options: api.ScanOptions
) -> tuple[dict[str, str] | None, str]:
    """Accepted fingerprints (each with its file) and the reason shown for them, from --baseline or --new-since."""
    if request.baseline is not None and request.new_since is not None:
        raise UsageProblem("use either --baseline or --new-since, not both")
    if request.baseline is not None:
        from mclint.suppress.baseline import BaselineError, read_baseline

        try:
            return read_baseline(request.baseline), f"in baseline {request.baseline}"
        except BaselineError as error:
            raise Problem(str(error)) from None
    if request.new_since is not None:
        from mclint.suppress.gitref import GitError, fingerprints_at

        def lint(files):
            return api.lint_files(files, ruleset, options).findings

        try:
            known = fingerprints_at(request.new_since, paths, lint, options.max_file_size, options.exclude)
        except GitError as error:
            raise Problem(f"--new-since {request.new_since}: {error}") from None
        return known, f"already present at {request.new_since}"
    return None, ""


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """stdout, or `path` written whole or not at all: the report goes to a temporary file beside it,
    renamed over it once complete (an interrupted or failed write, or two scans writing the same
    path, never leave a truncated report). A missing folder is created. Failing to write the file
    is a usage problem that names it."""
    if path is None:
        yield sys.stdout
        return
    if os.path.exists(path) and not os.path.isfile(path):  # /dev/stdout, a pipe: written in place
        with _opened(path, lambda: open(path, "w", encoding="utf-8")) as stream:
            yield stream
        return
    import tempfile  # only a report written to a file pays for it (random, shutil, bz2, lzma)

    target = os.path.realpath(path)  # through a symbolic link, which stays one
    folder = os.path.dirname(target)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as error:
        why = os.strerror(errno.ENOTDIR) if error.errno == errno.EEXIST else error.strerror  # a file in the way
        raise UsageProblem(f"cannot write {path}: {why}") from None
    try:
        with _opened(path, lambda: open(handle, "w", encoding="utf-8")) as stream:
            yield stream
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UsageProblem(f"cannot write {path}: {error.strerror}") from None
        raise


@contextlib.contextmanager
def _opened(path: Path, opener) -> Iterator[TextIO]:
    try:
        stream = opener()
    except OSError as error:
        raise UsageProblem(f"cannot write {path}: {error.strerror}") from None
    with stream:
        yield stream


def _file_mode(target: str) -> int:
    """The replaced file's permissions, or what a new file gets under the umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def refuse_input_as_output(paths: Iterable[str], outputs: Iterable[Path | None]) -> None:
    """A report path naming a scanned file (it would overwrite the manifest) is a usage problem,
    raised before scanning."""
    inputs = [p for p in paths if p != STDIN and os.path.isfile(p)]
    for output in outputs:
        if output is not None and os.path.isfile(output):
            clash = next((p for p in inputs if os.path.samefile(p, output)), None)
            if clash is not None:
                raise UsageProblem(f"{output} is a scanned input ({clash}): write the report elsewhere")


def warn(message: str) -> None:
    """One line on stderr; input-derived text in it cannot start another (a workflow command)."""
    from mclint.report.escape import visible

    sys.stderr.write(visible(message) + "\n")


def add_render_extras(report: Report, notices: bool = True) -> None:
    """Builds and overlays go into the report's extras; with `notices`, one line per missing
    renderer on stderr (scan and plan say the same)."""
    rendered = report.result.rendered
    if rendered is None:
        return
    from mclint.render.report import render_extras

    if notices:
        warn_render_notices(report.result)
    report.extras.update(render_extras(report.result, report.units))


def warn_render_notices(result) -> None:
    """One line on stderr per renderer that is missing (helm, kustomize): the scan read less."""
    for notice in result.rendered.notices if result.rendered is not None else ():
        warn(f"mclint: {notice}")


def _first_given(*values):
    return next(value for value in values if value is not None)
