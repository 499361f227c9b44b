"""The pipeline, with no CLI and no printing: discover → load → objects → rules → findings → score.

`scan()` streams file by file: a file's YAML tree is dropped once its findings are made, and the
findings and objects go to spools (mclint.spool) as each file's result arrives, so memory follows
the largest file, not the tree.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

from mclint.discover import MAX_FILE_SIZE, Discovery, Source, discover, display_path, may_render, read_source
from mclint.finding import Diagnostic, Finding, Skipped, finding_order, numbered, object_order
from mclint.finding.spools import Findings, object_spool
from mclint.load import load_bytes
from mclint.load.text import FileText
from mclint.model import document_warning, manifests_from_document
from mclint.model.facts import facts_of
from mclint.model.factstore import FactsStore
from mclint.model.kinds import PodPath
from mclint.result import FileResult, Piece, ScanResult, snippet_spool, snippets_by_file
from mclint.rules.checker import one_per_line
from mclint.rules.engine import RuleSet
from mclint.rules.entries import JSONPATH_MAX_NODES
from mclint.suppress import Mark, annotation_mark, comment_marks


class ScanOptions:
    """How to scan. A plain class, not a dataclass: dataclasses imports inspect, a tenth of a
    one-file run's start-up."""

    def __init__(
        self,
        max_file_size: int = MAX_FILE_SIZE,
        jobs: int = 1,
        snippets: bool = False,
        extra_workloads: dict[str, PodPath] | None = None,
        exclude: Callable[[str], bool] | None = None,
        render: object = None,
        stdin_name: str | None = None,
    ) -> None:
        self.max_file_size = max_file_size
        self.jobs = jobs
        """Processes that lint a large tree, this one included; the output is the same for any value."""
        self.snippets = snippets
        """Keep each finding's source line (the HTML report shows it); off by default to save memory."""
        self.extra_workloads = extra_workloads or {}
        self.exclude = exclude
        """Given a file's display path, whether to leave it out (config `exclude`)."""
        self.render = render
        """mclint.render.RenderOptions; None renders with the defaults (Kustomize builds, Helm charts)."""
        self.stdin_name = stdin_name
        """The file name stdin's findings carry (--stdin-filename); None keeps <stdin>."""


def lint_bytes(data: bytes, display: str, ruleset: RuleSet, options: ScanOptions) -> FileResult:
    result = FileResult()
    if display.endswith(".json") and b"\t" in data:
        # JSON allows tabs only as whitespace (never raw inside strings), YAML does not: a space
        # in place of each keeps every column and lets tab-indented JSON parse.
        data = data.replace(b"\t", b" ")
    loaded = load_bytes(data)
    hint = " (the file holds {{ }} template syntax: render it first, e.g. helm template)" if b"{{" in data else ""
    result.errors.extend(Diagnostic(display, p.line, p.column, p.message + hint) for p in loaded.problems)
    result.warnings.extend(Diagnostic(display, p.line, p.column, p.message) for p in loaded.warnings)
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
                facts = facts_of(manifest)
                if facts is not None:
                    result.facts.append(facts)
            mark = annotation_mark(manifest.ref, manifest.metadata)
            if mark is not None:
                result.marks.append(mark)
            found = _check(ruleset, manifest, result.errors)
            if ruleset.skips_jsonpath(manifest):
                result.warnings.append(_jsonpath_skipped(display, manifest))
            in_document.extend(found)
            if manifest.kind == "StorageClass" and manifest.name:
                result.storage_classes[manifest.name] = bool(found)
        result.findings.extend(one_per_line(in_document, ruleset.string_rules))
    result.findings = numbered(result.findings)
    result.marks.extend(comment_marks(data, display))
    if options.snippets and result.findings:
        result.snippets = _snippets(data, display, {f.line for f in result.findings})
    return result


def _jsonpath_skipped(display: str, manifest) -> Diagnostic:
    what = f"{manifest.kind} {manifest.name}".rstrip()
    message = (
        f"{what} holds more than {JSONPATH_MAX_NODES:,} nodes once YAML aliases are expanded: "
        "rules with a JSONPath 'path' were not run on it"
    )
    return Diagnostic(display, manifest.line, 1, message)


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
    progress: Callable[..., None] | None = None,
) -> ScanResult:
    """Lint every file under `paths` and return sorted findings, errors and the objects seen.

    `progress(done, total)` hears of each file linted, out of every file found (those read through a
    Kustomize build, and those no build reads, linted while the builds ran, count as done when the raw
    files start); `progress(done, total, "kustomizations")` of each kustomization root built before that."""
    options = options or ScanOptions()
    if not may_render(paths):
        found = _discover(paths, options)
        results = _lint_all(found.sources, ruleset, options, progress)
        return merge(results, found.errors, found.skipped, len(found.sources), len(ruleset))
    aside = _LintAside(lambda: _discover(paths, options), ruleset, options)
    rendered = _render(paths, ruleset, options, progress, aside)
    found = aside.found()
    kept = [i for i, s in enumerate(found.sources) if s.display not in rendered.consumed]
    ready = {n: aside.linted[i] for n, i in enumerate(kept) if i in aside.linted}
    sources = [found.sources[i] for i in kept]
    results = _lint_all(sources, ruleset, options, progress, len(found.sources) - len(sources), ready)
    extra = FileResult(rendered.findings, rendered.errors, rendered.objects, rendered.storage_classes)
    extra.facts = rendered.facts
    skipped = [s for s in found.skipped if rendered.keeps(s)]
    result = merge(chain(results, (extra,)), found.errors, skipped, len(found.sources), len(ruleset))
    result.rendered = rendered
    return result


def _discover(paths: list[str], options: ScanOptions) -> Discovery:
    """The files to lint raw, in report order (spools stay in order)."""
    found = discover(paths)
    if options.stdin_name:
        stdin = Source(None, display_path(Path(options.stdin_name)))
        found = found._replace(sources=[stdin if s.path is None else s for s in found.sources])
    if options.exclude is not None:
        found = found._replace(sources=[s for s in found.sources if s.path is None or not options.exclude(s.display)])
    return found._replace(sources=sorted(found.sources, key=lambda s: s.display))


def _render(paths: list[str], ruleset: RuleSet, options: ScanOptions, progress, aside: _LintAside):
    """The render stage (mclint.render): Kustomize builds and Helm charts, linted with this rule set."""
    from mclint.render import CRD_KIND, RenderOptions, render

    def lint(data: bytes, display: str) -> FileResult:
        return lint_bytes(data, display, ruleset, options)

    crd_bodies = ruleset.reads_body(CRD_KIND) or CRD_KIND in options.extra_workloads
    return render(
        paths,
        lint,
        options.render or RenderOptions(),
        ruleset.rules,
        max_document_size=options.max_file_size,
        crd_bodies=crd_bodies,
        progress=progress,
        aside=aside,
    )


class _LintAside:
    """The raw files, found and linted on the main thread while it waits for a build (the build
    threads wait on the renderer, so a CPU is free); mclint.render.Aside.

    Discovery waits for the builds to start: their renderers are the scan's longest path. A file no
    build or chart can read is linted at once; one that some can read, once the last of those is
    linted and has not consumed it. No worker pool here: forking while build threads run is unsafe.
    A result the scan then does not use (an explicitly named file) is dropped, so the choice only
    moves work, never changes output."""

    def __init__(self, find: Callable[[], Discovery], ruleset: RuleSet, options: ScanOptions) -> None:
        self._find, self._found = find, None
        self.ruleset, self.options = ruleset, options
        self.waiting: deque[int] = deque()
        self.held: dict[int, list[int]] = {}
        """The position of the last build that can read a file → the files (index in `sources`)."""
        self.linted: dict[int, FileResult] = {}
        """Index in `sources` → its result."""

    def found(self) -> Discovery:
        if self._found is None:
            self._found = self._find()
        return self._found

    def begin(self, readers: Callable[[Path], int | None]) -> None:
        sources = self.found().sources
        for index, source in enumerate(sources):
            if source.path is None:
                continue
            last = readers(source.path)
            if last is None:
                self.waiting.append(index)
            else:
                self.held.setdefault(last, []).append(index)

    def release(self, position: int, consumed: set[str]) -> None:
        sources = self.found().sources
        self.waiting.extend(i for i in self.held.pop(position, ()) if sources[i].display not in consumed)

    def step(self) -> bool:
        if not self.waiting:
            return False
        index = self.waiting.popleft()
        self.linted[index] = lint_source(self.found().sources[index], self.ruleset, self.options)
        return True


PARALLEL_MIN_FILES = 64
"""Below this many files the workers cost more than they save."""

PARALLEL_MIN_BYTES = 150_000
"""Nor below this much YAML. Forked workers (mclint.forked) cost a few milliseconds to start and feed:
a scan of 100 files of the benchmark tree (199 KB) with two of them took 0.226 s against 0.264 s in
one process (median of 16 alternating runs), 200 files (401 KB) 0.327 s against 0.360 s, 300 files
(603 KB) 0.515 s against 0.631 s (bench/RESULTS.md). Smaller trees were not measured: they stay in
one process."""


def _lint_all(
    sources: list[Source],
    ruleset: RuleSet,
    options: ScanOptions,
    progress,
    already: int = 0,
    ready: dict[int, FileResult] | None = None,
) -> Iterable[FileResult]:
    """Each source's result, in order; `already` files were read another way (through a build), and
    `ready` holds the results of those linted before (by index in `sources`)."""
    ready = ready or {}
    rest = [source for index, source in enumerate(sources) if index not in ready]
    total = len(sources) + already
    done = already + len(ready)
    if progress is not None and done:
        progress(done, total)
    parallel = _use_processes(rest, options)  # stats the files: asked once
    if parallel and not ready:
        for piece in _lint_in_processes(rest, ruleset, options, packed=True):
            done += len(piece.files)
            if progress is not None:
                progress(done, total)
            yield piece
        return
    if parallel:
        results = iter(_lint_in_processes(rest, ruleset, options))
    else:
        results = (lint_source(source, ruleset, options) for source in rest)
    for index in range(len(sources)):
        earlier = ready.pop(index, None)
        if earlier is not None:
            yield earlier
            continue
        yield next(results)
        done += 1
        if progress is not None:
            progress(done, total)
    for _ in results:  # ends the worker pool
        pass


def _use_processes(sources: list[Source], options: ScanOptions) -> bool:
    if options.jobs <= 1 or len(sources) < PARALLEL_MIN_FILES or any(s.path is None for s in sources):
        return False
    return hasattr(os, "fork") and _holds_at_least(sources, PARALLEL_MIN_BYTES)


def _holds_at_least(sources: list[Source], size: int) -> bool:
    """Whether the files add up to `size` bytes (stops counting once they do)."""
    total = 0
    for source in sources:
        try:
            total += os.stat(source.path).st_size
        except OSError:  # reported when the file is read
            continue
        if total >= size:
            return True
    return False


def _lint_in_processes(
    sources: list[Source], ruleset: RuleSet, options: ScanOptions, packed: bool = False
) -> Iterable[FileResult | Piece]:
    """This process and forked workers (mclint.forked), `options.jobs` in all, lint pieces of the
    tree; results come back in order, a FileResult per file, or `packed` a Piece per piece of the tree."""
    from mclint.forked import in_order

    pieces = _pieces(len(sources), options.jobs)

    def lint(number: int) -> list[FileResult] | Piece:
        start, end = pieces[number]
        results = [lint_source(source, ruleset, options) for source in sources[start:end]]
        return _packed(results) if packed else results

    for results in in_order(len(pieces), options.jobs, lint):
        if packed:
            yield results
        else:
            yield from results


def _packed(results: list[FileResult]) -> Piece:
    """The results of consecutive files with their findings and objects encoded, in report and file
    order, as merge() stores them."""
    findings = sorted((f for result in results for f in result.findings), key=finding_order)
    objects = sorted((o for result in results for o in result.objects), key=object_order)
    for result in results:
        result.findings, result.objects = [], []
    return Piece(results, Findings.encoded_run(findings), object_spool().encoded(objects))


MAX_PIECE = 32
"""Files in one piece of work at most: about 20 ms of linting, a message worth its cost."""
MIN_PIECE = 2


def _pieces(count: int, processes: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces, each about a quarter of a process's share of what is left
    (guided scheduling): few messages while much is left, and small pieces at the end, so the
    workers finish together."""
    pieces, start = [], 0
    while start < count:
        size = max(MIN_PIECE, min(MAX_PIECE, (count - start) // (4 * processes)))
        pieces.append((start, min(count, start + size)))
        start += size
    return pieces


def merge(
    results: Iterable[FileResult | Piece], errors: list[Diagnostic], skipped: list[Skipped], files: int, rules: int
) -> ScanResult:
    """Gather per-file results (or pieces of them) as they arrive; findings and objects go to spools, not lists."""
    findings = Findings()
    objects = object_spool()
    errors = list(errors)
    storage_classes: dict[str, bool] = {}
    marks: list[Mark] = []
    snippets = snippet_spool()
    warnings: list[Diagnostic] = []
    facts = FactsStore()
    for result in _files(results, findings, objects):
        marks.extend(result.marks)
        facts.extend(result.facts)
        if result.snippets:
            snippets.extend(snippets_by_file(result.snippets))
        warnings.extend(result.warnings)
        findings.extend(sorted(result.findings, key=finding_order), in_order=True)
        objects.extend(sorted(result.objects, key=object_order), in_order=True)
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
        facts=facts,
    )


def _files(results: Iterable[FileResult | Piece], findings: Findings, objects) -> Iterator[FileResult]:
    """Each file's result; a Piece's encoded findings and objects go to their spools as they are."""
    for result in results:
        if result.__class__ is Piece:
            findings.extend_encoded(result.findings)
            objects.extend_encoded(result.objects)
            yield from result.files
        else:
            yield result


def _overruled(finding: Finding, storage_classes: dict[str, bool]) -> bool:
    """A class-name finding is void when the tree defines that class with a portable provisioner."""
    name = finding.storage_class
    return name is not None and storage_classes.get(name) is False


def lint_files(files: Iterable[tuple[bytes, str]], ruleset: RuleSet, options: ScanOptions) -> ScanResult:
    """Lint files given as (bytes, display name), such as a git tree's, with a scan's StorageClass overruling."""
    results = [lint_bytes(data, display, ruleset, options) for data, display in files]
    return merge(results, [], [], len(results), len(ruleset))


def finish(
    result: ScanResult,
    config,
    known: dict[str, str] | None,
    known_reason: str,
    targets: list[str],
    scanned: Callable[[str], bool] | None = None,
):
    """Apply suppressions, baseline and targets to a finished scan, group it into deployable units
    and score it; return the Report to render.

    `config` is a mclint.config.Config; `known` the accepted fingerprints (--baseline, --new-since)
    with their files; `scanned` whether a file was within the scan (for baseline entries "gone").
    """
    from mclint.result import Report
    from mclint.score import score
    from mclint.score.targets import expectation, target_names
    from mclint.score.units import NO_UNITS, Units
    from mclint.score.workloads import WorkloadRanks

    several = len(set(targets)) > 1
    expected = expectation(targets, result.rendered.own_overlays() if several and result.rendered else None)
    untargeted, baseline = result.findings, None
    if result.marks or config.waivers or known is not None or expected is not None:  # else nothing to apply
        from mclint.suppress.policy import Policy, apply_policy

        policy = Policy(config, known, known_reason, expected, scanned=scanned)
        applied = apply_policy(result, policy)
        result, untargeted, baseline = applied.result, applied.untargeted, applied.baseline
    units = Units(result.facts) if result.facts else NO_UNITS
    # One pass over the untargeted findings: the couplings the targets expect weigh nothing in the
    # overall score, as their downgraded copies in result.findings do.
    ranks = WorkloadRanks(units)
    card = score(result.objects, untargeted, expected, target_names(untargeted, targets), units, ranks)
    report = Report(result, card._replace(workloads=ranks.counts()))
    report.units = units
    report.extras["scores"] = card.targets
    if targets:
        report.extras["targets"] = sorted(targets)
    if baseline is not None:
        report.extras["baseline"] = {"against": known_reason, **baseline}
    return report
