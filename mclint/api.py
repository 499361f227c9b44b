"""The pipeline, with no CLI and no printing: discover → load → objects → rules → findings → score.

`scan()` streams file by file: a file's YAML tree is dropped once its findings are made, and the
findings and objects go to spools (mclint.spool) as each file's result arrives, so memory follows
the largest file, not the tree.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from itertools import chain
from operator import itemgetter
from pathlib import Path

from mclint.discover import Source, discover
from mclint.finding import (
    Diagnostic,
    Finding,
    Findings,
    ObjectRef,
    Skipped,
    Suppressed,
    finding_order,
    object_order,
    object_spool,
)
from mclint.load import load_bytes
from mclint.load.text import FileText
from mclint.model import document_warning, manifests_from_document
from mclint.model.kinds import PodPath
from mclint.rules.checker import one_per_line
from mclint.rules.engine import RuleSet
from mclint.spool import Spool
from mclint.suppress import Mark, annotation_mark, comment_marks

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
SNIPPET_BATCH = 256
"""Files' source lines per spooled batch: a file's lines weigh several findings each."""


class ScanOptions:
    """How to scan. Plain classes here, not dataclasses: dataclasses imports inspect, a tenth of a
    one-file run's start-up (issue 9)."""

    def __init__(
        self,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        jobs: int = 1,
        snippets: bool = False,
        extra_workloads: dict[str, PodPath] | None = None,
        exclude: Callable[[str], bool] | None = None,
        render: object = None,
    ) -> None:
        self.max_file_size = max_file_size
        self.jobs = jobs
        """Worker processes for large trees; the output is the same for any value."""
        self.snippets = snippets
        """Keep each finding's source line (the HTML report shows it); off by default to save memory."""
        self.extra_workloads = extra_workloads or {}
        self.exclude = exclude
        """Given a file's display path, whether to leave it out (config `exclude`)."""
        self.render = render
        """mclint.render.RenderOptions; None renders with the defaults (Kustomize builds, Helm charts)."""


class FileResult:
    """What one file contributed; plain data, so it can cross a process boundary."""

    __slots__ = ("errors", "findings", "marks", "objects", "snippets", "storage_classes", "warnings")

    def __init__(
        self,
        findings: list[Finding] | None = None,
        errors: list[Diagnostic] | None = None,
        objects: list[ObjectRef] | None = None,
        storage_classes: dict[str, bool] | None = None,
        marks: list[Mark] | None = None,
        snippets: dict[tuple[str, int], str] | None = None,
        warnings: list[Diagnostic] | None = None,
    ) -> None:
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.objects = [] if objects is None else objects
        self.storage_classes = {} if storage_classes is None else storage_classes
        """StorageClass name → whether any rule found a provider coupling on it."""
        self.marks = [] if marks is None else marks
        """Suppressions written in the file (annotations, `# mclint: ignore[...]` comments)."""
        self.snippets = {} if snippets is None else snippets
        self.warnings = [] if warnings is None else warnings


class ScanResult:
    """A finished scan, before suppressions and scores."""

    def __init__(
        self,
        findings: Iterable[Finding],
        errors: list[Diagnostic],
        skipped: list[Skipped],
        objects: Iterable[ObjectRef],
        files: int,
        rules: int,
        suppressed: Iterable[Suppressed] | None = None,
        marks: list[Mark] | None = None,
        notices: list[Finding] | None = None,
        snippets: Spool | dict[tuple[str, int], str] | None = None,
        warnings: list[Diagnostic] | None = None,
        rendered: object = None,
    ) -> None:
        self.findings = findings if isinstance(findings, Findings) else Findings(findings)
        """In report order; a plain list given here becomes a Findings."""
        self.errors = errors
        self.skipped = skipped
        self.objects = objects if isinstance(objects, Spool) else object_spool(objects)
        """Every object seen, in file order; a plain list given here becomes a Spool."""
        self.files = files
        self.rules = rules
        self.suppressed = [] if suppressed is None else suppressed
        self.marks = [] if marks is None else marks
        self.notices = [] if notices is None else notices
        """Info-level items about suppressions themselves (unused, expired); never scored."""
        if not isinstance(snippets, Spool):
            snippets = Spool(snippets_by_file(snippets or {}), key=itemgetter(0), batch=SNIPPET_BATCH)
        self.snippets = snippets
        """(file, {line: source line}) for each file with findings, in file order, when options.snippets
        asked for them: reporters never re-read files. A dict {(file, line): text} given here is spooled."""
        self.warnings = [] if warnings is None else warnings
        """Documents that look like mistakes (a list, a kind without apiVersion, no name); not errors."""
        self.rendered = rendered
        """mclint.render.Rendered: builds, overlays and notices from the render stage (None when off)."""

    def replace(self, **changes: object) -> ScanResult:
        """A copy with some fields changed (the policy stage swaps findings, suppressed, notices)."""
        return ScanResult(**{**vars(self), **changes})


def read_source(source: Source, max_size: int) -> tuple[bytes | None, Diagnostic | None]:
    if source.path is None:
        return sys.stdin.buffer.read(), None
    try:
        size = source.path.stat().st_size
        if size > max_size:
            message = f"skipped: {size:,} bytes is over the {max_size:,}-byte limit (--max-file-size)"
            return None, Diagnostic(source.display, 0, 0, message)
        return source.path.read_bytes(), None
    except OSError as error:
        return None, Diagnostic(source.display, 0, 0, f"cannot read file: {error.strerror or error}")


def lint_bytes(data: bytes, display: str, ruleset: RuleSet, options: ScanOptions) -> FileResult:
    result = FileResult()
    if display.endswith(".json") and b"\t" in data:
        # JSON allows tabs only as whitespace (never raw inside strings), YAML does not: a space
        # in place of each keeps every column and lets tab-indented JSON parse.
        data = data.replace(b"\t", b" ")
    loaded = load_bytes(data)
    hint = " (the file holds {{ }} template syntax: render it first, e.g. helm template)" if b"{{" in data else ""
    result.errors.extend(Diagnostic(display, p.line, p.column, p.message + hint) for p in loaded.problems)
    if hint and not loaded.problems:
        line = data[: data.index(b"{{")].count(b"\n") + 1
        message = "template syntax ({{ }}) in plain YAML: the file looks unrendered, so values may be placeholders"
        result.warnings.append(Diagnostic(display, line, 1, message))
    text = FileText(data)
    for document in loaded.documents:
        warning = document_warning(document)
        if warning is not None:
            result.warnings.append(Diagnostic(display, *warning))
        in_document: list[Finding] = []  # a kustomization and the patches written in it share lines
        for manifest in manifests_from_document(document, display, options.extra_workloads, text):
            if manifest.deployed:
                result.objects.append(manifest.ref)
            mark = annotation_mark(manifest.ref, manifest.metadata)
            if mark is not None:
                result.marks.append(mark)
            found = _check(ruleset, manifest, result.errors)
            in_document.extend(found)
            if manifest.kind == "StorageClass" and manifest.name:
                result.storage_classes[manifest.name] = bool(found)
        result.findings.extend(one_per_line(in_document, ruleset.string_rules))
    result.marks.extend(comment_marks(data, display))
    if options.snippets and result.findings:
        result.snippets = _snippets(data, display, {f.line for f in result.findings})
    return result


def snippets_by_file(snippets: dict[tuple[str, int], str]) -> list[tuple[str, dict[int, str]]]:
    by_file: dict[str, dict[int, str]] = {}
    for (file, line), text in snippets.items():
        by_file.setdefault(file, {})[line] = text
    return sorted(by_file.items())


def _snippets(data: bytes, display: str, lines: set[int]) -> dict[tuple[str, int], str]:
    text = data.decode("utf-8", errors="replace").splitlines()
    return {(display, n): text[n - 1][:500] for n in sorted(lines) if 0 < n <= len(text)}


def _check(ruleset: RuleSet, manifest, errors: list[Diagnostic]) -> list[Finding]:
    """Run every rule for this object; a rule that raises is reported, and the others still run."""
    try:
        return list(ruleset.check(manifest))
    except Exception:
        pass
    found: list[Finding] = []
    for rule in ruleset.for_object(manifest.kind, manifest.pod is not None):
        try:
            found.extend(rule.check(rule, manifest))
        except Exception as error:  # a plugin bug must not stop the scan
            message = f"rule {rule.id} failed on {manifest.kind} {manifest.name!r}: {type(error).__name__}: {error}"
            errors.append(Diagnostic(manifest.file, manifest.line, 1, message))
    return found


def lint_source(source: Source, ruleset: RuleSet, options: ScanOptions) -> FileResult:
    data, problem = read_source(source, options.max_file_size)
    if data is None:
        return FileResult(errors=[problem] if problem else [])
    return lint_bytes(data, source.display, ruleset, options)


def scan(
    paths: list[str],
    ruleset: RuleSet,
    options: ScanOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Lint every file under `paths` and return sorted findings, errors and the objects seen."""
    options = options or ScanOptions()
    found = discover(paths)
    if options.exclude is not None:
        found = found._replace(sources=[s for s in found.sources if s.path is None or not options.exclude(s.display)])
    found = found._replace(sources=sorted(found.sources, key=lambda s: s.display))  # report order: spools stay in order
    if not _may_render(paths):
        results = _lint_all(found.sources, ruleset, options, progress)
        return merge(results, found.errors, found.skipped, len(found.sources), len(ruleset))
    rendered = _render(paths, ruleset, options)
    sources = [s for s in found.sources if s.display not in rendered.consumed]
    results = _lint_all(sources, ruleset, options, progress)
    extra = FileResult(rendered.findings, rendered.errors, rendered.objects, rendered.storage_classes)
    skipped = [s for s in found.skipped if rendered.keeps(s)]
    result = merge(chain(results, (extra,)), found.errors, skipped, len(found.sources), len(ruleset))
    result.rendered = rendered
    return result


def _may_render(paths: list[str]) -> bool:
    """Only directories hold Kustomize roots or charts to render; explicit files are scanned as given."""
    return any(p != "-" and Path(p).is_dir() for p in paths)


def _render(paths: list[str], ruleset: RuleSet, options: ScanOptions):
    """The render stage (mclint.render): Kustomize builds and Helm charts, linted with this rule set."""
    from mclint.render import RenderOptions, render

    def lint(data: bytes, display: str) -> FileResult:
        return lint_bytes(data, display, ruleset, options)

    return render(paths, lint, options.render or RenderOptions(), ruleset.rules)


PARALLEL_MIN_FILES = 64
"""Below this many files a process pool costs more than it saves."""

_WORKER_STATE: tuple[RuleSet, ScanOptions] | None = None


def _lint_all(sources: list[Source], ruleset: RuleSet, options: ScanOptions, progress) -> Iterable[FileResult]:
    total = len(sources)
    if _use_processes(sources, options):
        results = _lint_in_processes(sources, ruleset, options)
    else:
        results = (lint_source(source, ruleset, options) for source in sources)
    for done, result in enumerate(results, start=1):
        yield result
        if progress is not None:
            progress(done, total)


def _use_processes(sources: list[Source], options: ScanOptions) -> bool:
    if options.jobs <= 1 or len(sources) < PARALLEL_MIN_FILES or any(s.path is None for s in sources):
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _lint_in_processes(sources: list[Source], ruleset: RuleSet, options: ScanOptions) -> Iterable[FileResult]:
    """Forked workers inherit the compiled rules (closures do not pickle); results come back in order."""
    import multiprocessing

    global _WORKER_STATE
    _WORKER_STATE = (ruleset, options)
    chunk = max(1, min(32, len(sources) // (options.jobs * 8)))
    try:
        with multiprocessing.get_context("fork").Pool(options.jobs) as pool:
            yield from pool.imap(_lint_in_worker, sources, chunksize=chunk)
    finally:
        _WORKER_STATE = None


def _lint_in_worker(source: Source) -> FileResult:
    ruleset, options = _WORKER_STATE
    return lint_source(source, ruleset, options)


def merge(
    results: Iterable[FileResult], errors: list[Diagnostic], skipped: list[Skipped], files: int, rules: int
) -> ScanResult:
    """Gather per-file results as they arrive; findings and objects go to spools, not lists."""
    findings = Findings()
    objects = object_spool()
    errors = list(errors)
    storage_classes: dict[str, bool] = {}
    marks: list[Mark] = []
    snippets: Spool[tuple[str, dict[int, str]]] = Spool(key=itemgetter(0), batch=SNIPPET_BATCH)
    warnings: list[Diagnostic] = []
    for result in results:
        marks.extend(result.marks)
        if result.snippets:
            snippets.extend(snippets_by_file(result.snippets))
        warnings.extend(result.warnings)
        findings.extend(sorted(result.findings, key=finding_order))
        objects.extend(sorted(result.objects, key=object_order))
        errors.extend(result.errors)
        for name, coupled in result.storage_classes.items():
            storage_classes[name] = storage_classes.get(name, False) or coupled
    if findings.conditional and not all(storage_classes.values()):
        findings = Findings(f for f in findings if not _overruled(f, storage_classes))
    return ScanResult(
        findings=findings,
        errors=sorted(errors, key=lambda e: e.sort_key),
        skipped=sorted(skipped, key=lambda s: s.file),
        objects=objects,
        files=files,
        rules=rules,
        marks=marks,
        snippets=snippets,
        warnings=sorted(warnings, key=lambda w: w.sort_key),
    )


def _overruled(finding: Finding, storage_classes: dict[str, bool]) -> bool:
    """A class-name finding is void when the tree defines that class with a portable provisioner."""
    name = finding.storage_class
    return name is not None and storage_classes.get(name) is False


def builtin_ruleset(extra_dirs: Iterable[Path] = ()) -> RuleSet:
    from mclint.rules.registry import load_rules

    return RuleSet(load_rules(extra_dirs))


def finish(result: ScanResult, config, known: set[str] | None, known_reason: str, targets: list[str]):
    """Apply suppressions, baseline and targets to a finished scan; return the Report to render.

    `config` is a mclint.config.Config; `known` the accepted fingerprints (--baseline, --new-since).
    """
    from mclint.report import Report
    from mclint.score import score
    from mclint.score.targets import target_names

    untargeted, baseline = result.findings, None
    if result.marks or config.waivers or known is not None or targets:  # else nothing to apply
        from mclint.suppress.policy import Policy, apply_policy

        applied = apply_policy(result, Policy(config, known, known_reason, targets))
        result, untargeted, baseline = applied.result, applied.untargeted, applied.baseline
    # One pass over the untargeted findings: couplings to the targets weigh nothing in the overall
    # score, as their downgraded copies in result.findings do.
    card = score(result.objects, untargeted, excluded=targets, per_target=target_names(untargeted, targets))
    report = Report(result, card)
    report.extras["scores"] = card.targets
    if targets:
        report.extras["targets"] = sorted(targets)
    if baseline is not None:
        report.extras["baseline"] = {"against": known_reason, **baseline}
    return report
