"""The render stage's work once something is there to render: Kustomize builds (started first, linted as
each ends, cached), Helm charts (rendered, or read statically without helm), and what they report.

mclint.render.render calls fill() only when a named folder holds a kustomization or a chart, or a
named file belongs to a chart: a scan of plain manifests never imports this module, the renderers'
wrappers, the build cache or concurrent.futures (20-30 ms of a small tree's start-up).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable
from pathlib import Path

import mclint.render.helm as helm
import mclint.render.kustomize as kustomize
import mclint.render.origin as origin
import mclint.render.tools as tools
from mclint.discover import helm_chart_of, helm_chart_of_template
from mclint.finding import Diagnostic, ObjectRef, numbered
from mclint.render.built import BuildOutput, DocumentLinter
from mclint.render.cache import BuildCache, CachedBuild, FileDigests, build_key
from mclint.render.documents import BuiltDocument, read_build_metadata
from mclint.render.origin import Show, shown
from mclint.render.overlays import Build
from mclint.render.rendered import (
    BUILD_WORKERS,
    CHARTS,
    Aside,
    Progress,
    Readers,
    Rendered,
    RendererMissing,
    RenderOptions,
    finding_identity,
)
from mclint.render.tools import complaint, helm_command, kustomize_command, renderer_identity, run_tool


def fill(
    out: Rendered,
    named: list[Path],
    lint,
    options: RenderOptions,
    rules: list,
    *,
    max_document_size: int,
    crd_bodies: bool,
    progress: Progress | None,
    aside: Aside | None,
) -> None:
    """render()'s work, into `out`, for the paths it was given (`named`, stdin left out)."""
    directories = [p for p in named if p.is_dir()]
    files = [p for p in named if p.is_file()]
    relative = not any(p.is_absolute() for p in named)

    cwd = Path.cwd()
    origin.forget_files()

    given = [(folder.resolve(), folder) for folder in directories]

    @functools.cache
    def show(path: Path) -> str:
        return shown(_as_given(path, given), relative, cwd)

    @functools.cache
    def charts() -> list[Path]:  # found once the builds have started, unless a missing helm must stop the scan
        return sorted({c for d in directories for c in helm.find_charts(d)} | {c.resolve() for c in _charts_of(files)})

    if options.mode == "require" and helm_command() is None and charts():
        raise RendererMissing(f"--render require: helm not found on PATH; {len(charts())} chart(s) cannot be rendered")
    linter = DocumentLinter(lint, max_document_size, crd_bodies)

    def read_charts() -> None:
        _helm_all(charts(), lint, options, rules, out, show)

    _kustomize_all(directories, linter, options, out, show, progress, meanwhile=read_charts, aside=aside, charts=charts)
    explicit = {show(p) for p in files if helm_chart_of_template(p) is None}  # templates are never linted raw
    out.consumed -= explicit
    out.findings = numbered(f for f in out.findings if f.file not in explicit)  # the raw scan of a named file wins


def _charts_of(files: list[Path]) -> list[Path]:
    return [chart for file in files if (chart := helm_chart_of(file)) is not None]


def _kustomize_all(
    directories: list[Path],
    linter,
    options: RenderOptions,
    out: Rendered,
    show: Show,
    progress,
    meanwhile,
    aside: Aside | None = None,
    charts: Callable[[], list[Path]] = list,
) -> None:
    """Build and lint every root; `meanwhile` (the charts) runs once the builds have started, and `aside`
    whenever the next build to lint is still running."""
    known: dict[Path, kustomize.Kustomization] = {}
    roots = []
    for directory in directories:
        tree = kustomize.find_kustomizations(directory)
        known.update((k.directory, k) for k in tree)
        roots += [r for r in kustomize.build_roots(tree, directory) if r not in roots]
    command = kustomize_command() if roots else None
    if roots and command is None:
        missing = "kustomize not found on PATH (neither kustomize nor kubectl)"
        if options.mode == "require":
            raise RendererMissing(f"--render require: {missing}; {len(roots)} kustomization(s) cannot be built")
        out.notices.append(f"{missing}: {len(roots)} kustomization(s) scanned as plain YAML")
        out.missing.append("kustomize")
        roots = []
    ordered = sorted({r.directory: r for r in roots}.values(), key=lambda r: r.directory.as_posix())
    plans = [(root, kustomize.chain(root, known)) for root in ordered]
    buildable = [(root, chain) for root, chain in plans if not _unbuildable(root, chain, out, show)]
    counter = _Counter(len(ordered), len(ordered) - len(buildable), progress)
    cache = BuildCache.open(options.cache) if buildable else None
    renderer = renderer_identity(command) if cache is not None else None
    digests = FileDigests()
    sources = origin.SourceText()
    with tools.stoppable(kustomize.remove_scratch), _build_pool(len(buildable)) as pool:
        pending = []
        for root, chain in buildable:  # every build starts before the first is linted
            key = build_key(root, chain, renderer, digests) if renderer is not None else None
            cached = cache.read(key) if key is not None else None
            started = None if cached else pool.submit(kustomize.build, root.directory, command)
            pending.append((root, chain, key, cached, started))
        overlapped = aside if aside is not None and any(started for *_, started in pending) else None
        if overlapped is not None:
            overlapped.begin(_readers([chain for _, chain in buildable], charts()))
        meanwhile()
        if overlapped is not None:
            overlapped.release(CHARTS, out.consumed)
        for position, (root, chain, key, cached, started) in enumerate(pending):  # lint while later builds run
            output = _from_cache(cached, cache, linter, sources) if cached else None
            run = None
            if output is None:
                while overlapped is not None and started is not None and not started.done() and overlapped.step():
                    pass
                run, wrapper = started.result() if started else kustomize.build(root.directory, command)
                output = BuildOutput.of(run, wrapper)
            positions = _lint_build(root, chain, output, linter, sources, out, show)
            if run is not None and run.finished and key is not None:
                kept = CachedBuild(output.wrapper, output.ok, output.stderr, [], positions)
                cache.write(key, kept, output.documents)
            if overlapped is not None:
                overlapped.release(position, out.consumed)
            counter.step()
    if cache is not None and cache.wrote:
        cache.evict()


def _build_pool(builds: int):
    """Threads for the builds; none (nor concurrent.futures and logging, a tenth of a small tree's
    start-up) when there is nothing to build."""
    if not builds:
        return contextlib.nullcontext()
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=BUILD_WORKERS)


class _Counter:
    """Roots done so far, reported to the progress display."""

    def __init__(self, total: int, done: int, progress) -> None:
        self.total, self.done, self.progress = total, done, progress
        self.step(0)

    def step(self, count: int = 1) -> None:
        self.done += count
        if self.progress is not None and self.total:
            self.progress(self.done, self.total, "kustomizations")


def _readers(chains: list[list[kustomize.Kustomization]], charts: Iterable[Path]) -> Readers:
    folders = [(folder, position) for position, chain in enumerate(chains) for folder in kustomize.reach(chain)]
    files = [
        (path, position)
        for position, chain in enumerate(chains)
        for k in chain
        for path in (k.file, *k.patch_files, *(p for _, p in k.named))
    ]
    return Readers([*folders, *((chart, CHARTS) for chart in charts)], files)


def _unbuildable(root, chain, out: Rendered, show: Show) -> bool:
    """Remote resources (offline), unreadable kustomizations and named paths that are not files (a FIFO
    would hold the build until its timeout) are reported; the raw files are scanned."""
    label = show(root.directory)
    remote = [(k, url, line) for k in chain for url, line in k.remote]
    broken = [k for k in chain if k.problem]
    special = [(k, entry, line, kind) for k in chain for entry, line, kind in k.special]
    for k, url, line in remote:
        message = f"kustomize: remote resource {url} cannot be fetched offline; {label} not built, raw files scanned"
        out.errors.append(Diagnostic(show(k.file), line, 1, message))
    for k in broken:
        out.errors.append(Diagnostic(show(k.file), 0, 0, f"kustomize: {k.problem}; {label} not built"))
    for k, entry, line, kind in special:
        message = f"kustomize: {entry!r} is {kind}, not a file or directory; {label} not built, raw files scanned"
        out.errors.append(Diagnostic(show(k.file), line, 1, message))
    if remote or broken or special:
        out.failed += 1
    return bool(remote or broken or special)


def _from_cache(cached: CachedBuild, cache: BuildCache, linter: DocumentLinter, sources) -> BuildOutput | None:
    """A cached build with the contents not linted yet read back; None when any does not check out."""
    documents = []
    for digest, metadata in cached.documents:
        content = b"" if linter.knows(digest) else cached.inline.get(digest) or cache.document(digest)
        if content is None:
            return None
        documents.append(BuiltDocument(content, digest, metadata))
    for path, kind, name, index, line in cached.positions:
        sources.positions.setdefault((Path(path), kind, name), (index, line))
    message = complaint(cached.stderr) if not cached.ok else ""
    return BuildOutput(cached.wrapper, cached.ok, message, cached.stderr, documents)


def _lint_build(root, chain, output: BuildOutput, linter: DocumentLinter, sources, out: Rendered, show: Show) -> list:
    """Lint one build's objects (each distinct one once per scan) and map findings and objects to their
    files; returns where those objects sit in their source files (cache.Position)."""
    label = show(root.directory)
    if not output.ok:
        out.failed += 1
        message = f"kustomize build failed: {output.message}; raw files scanned instead"
        out.errors.append(Diagnostic(show(root.file), 0, 0, message))
        return []
    out.built += 1
    located = set()
    patches = {k.file: k.patch_files for k in chain}
    inside = tuple(str(folder) for folder in kustomize.reach(chain))
    places: dict[bytes, origin.BuiltObject] = {}
    build = Build(label, _direct_base(root, chain, show))
    moved: dict[ObjectRef, ObjectRef] = {}
    for document in output.documents:
        where_from = places.get(document.metadata)
        if where_from is None:
            metadata = read_build_metadata(document.metadata)
            where_from = origin.built_object(metadata.origin, metadata.transformations, output.wrapper, inside)
            places[document.metadata] = where_from
        linted, first = linter.lint(document, f"{label} (kustomize build)")
        path = where_from.origin or root.file
        if first:
            out.errors.extend(problem._replace(file=show(path)) for problem in linted.errors)
        for name, coupled in linted.storage_classes.items():
            out.storage_classes[name] = out.storage_classes.get(name, False) or coupled
        for finding, line in linted.findings:
            build.findings.append(origin.remap(finding, line, where_from, patches, root.file, sources, show))
            located.add((path, finding.obj.kind, finding.obj.name))
        for ref in linted.objects:
            document_index, line = sources.object_line(path, ref.kind, ref.name)
            moved[ref] = ObjectRef(show(path), document_index, ref.kind, ref.namespace, ref.name, line)
            build.objects.append(moved[ref])
            located.add((path, ref.kind, ref.name))
        build.facts.extend(facts._replace(ref=moved[facts.ref]) for facts in linted.facts if facts.ref in moved)
    out.builds.append(build)
    _record(build, out)
    used = {place.origin for place in places.values() if place.origin} | {k.file for k in chain}
    used |= {p for k in chain for p in k.patch_files}
    out.consumed |= {show(p) for p in used}
    return sorted((str(p), kind, name, *sources.object_line(p, kind, name)) for p, kind, name in located)


def _as_given(path: Path, given: list[tuple[Path, Path]]) -> Path:
    """`path` spelled through the folder the user named: builds read resolved folders, discovery
    names files through whatever symbolic links the given path holds, and both must agree."""
    for resolved, folder in given:
        if resolved != folder and path.is_relative_to(resolved):
            return folder / path.relative_to(resolved)
    return path


def _direct_base(root, chain, show: Show) -> tuple[str, ...]:
    """The bases (not components) the root builds on, the one it names first leading."""
    bases = {k.directory: k for k in chain[1:] if not k.is_component}
    direct = [show(d) for d in root.references if d in bases]
    return tuple(dict.fromkeys(direct + sorted(show(d) for d in bases)))


def _record(build: Build, out: Rendered) -> None:
    """Add a build's findings and objects once; remember every overlay that brought each finding in."""
    seen_objects = set(out.objects)
    out.objects.extend(o for o in dict.fromkeys(build.objects) if o not in seen_objects)
    out.facts.extend(f for f in build.facts if f.ref not in seen_objects)
    for finding in build.findings:
        key = finding_identity(finding)
        if key not in out.brought_in_by:
            out.brought_in_by[key] = []
            out.findings.append(finding)
        if build.directory not in out.brought_in_by[key]:
            out.brought_in_by[key].append(build.directory)


def _helm_all(charts: list[Path], lint, options: RenderOptions, rules: list, out: Rendered, show: Show) -> None:
    if not charts:
        return
    base = helm_command()
    sources = origin.SourceText()
    if base is None:
        out.notices.append(
            f"helm not found on PATH: {len(charts)} chart(s) read statically (values.yaml and template text)"
        )
        out.missing.append("helm")
    criteria = helm.text_criteria(rules) if base is None else []
    for chart in charts:
        if base is not None and _helm_render(chart, base, lint, options, sources, out, show):
            continue
        criteria = criteria or helm.text_criteria(rules)
        found = helm.static_findings(chart, criteria, sources, show)
        out.findings.extend(found)
        out.objects.extend(dict.fromkeys(f.obj for f in found))


def _helm_render(
    chart: Path, base: list[str], lint, options: RenderOptions, sources, out: Rendered, show: Show
) -> bool:
    run = run_tool(helm.template_command(base, chart, options.helm_values, options.helm_set))
    label = show(chart)
    if not run.ok:
        out.errors.append(
            Diagnostic(label + "/Chart.yaml", 0, 0, f"helm template failed: {run.message}; chart read statically")
        )
        return False
    result = lint(run.stdout, f"{label} (helm template)")
    lines = run.stdout.decode("utf-8", "replace").splitlines()
    out.findings.extend(helm.remap_rendered(f, lines, chart, sources, show) for f in result.findings)
    moved = {o: helm.remap_object(o, lines, chart, show) for o in result.objects}
    out.objects.extend(moved.values())
    out.facts.extend(f._replace(ref=moved[f.ref]) for f in result.facts if f.ref in moved)
    out.errors.extend(result.errors)
    out.storage_classes.update(result.storage_classes)
    out.rendered_charts.add(label)
    out.consumed |= {show(path) for path in chart.glob("values*.y*ml")}
    return True
