"""Stage 1½: render what is actually deployed (Kustomize builds, Helm charts) before it is linted.

Sits between discover and load. For each directory the user named, kustomization roots are built and
charts are rendered (or, without helm, read statically); the built objects are linted like any file
and their findings mapped back to the source file and line. Files a successful build consumed are
then not linted raw, so no object is reported twice; a file the user named explicitly is always
linted as given. A failed build is an error naming the kustomization, and its raw files are linted.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mclint.discover import helm_chart_of, helm_chart_of_template
from mclint.finding import Diagnostic, Finding, ObjectRef, Skipped, numbered
from mclint.model.facts import ObjectFacts
from mclint.process import Problem
from mclint.render import helm, kustomize, origin
from mclint.render.origin import Show, shown
from mclint.render.overlays import Build, overlay_report, own_overlays
from mclint.render.tools import helm_command, kustomize_command, run_tool

BUILD_WORKERS = max(2, min(8, os.cpu_count() or 2))


@dataclass
class RenderOptions:
    mode: str = "auto"
    helm_values: tuple[str, ...] = ()
    helm_set: tuple[str, ...] = ()


@dataclass
class Rendered:
    """What rendering adds to a scan, and which raw files it replaces."""

    findings: list[Finding] = field(default_factory=list)
    objects: list[ObjectRef] = field(default_factory=list)
    facts: list[ObjectFacts] = field(default_factory=list)
    """The link facts of the rendered objects, under their source refs."""
    errors: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    """Display paths of raw files whose objects the rendered output already holds."""
    rendered_charts: set[str] = field(default_factory=set)
    brought_in_by: dict[tuple, list[str]] = field(default_factory=dict)
    """Finding identity → the kustomization roots (overlays) whose build produced it."""
    builds: list[Build] = field(default_factory=list)
    storage_classes: dict[str, bool] = field(default_factory=dict)
    built: int = 0
    failed: int = 0
    missing: list[str] = field(default_factory=list)
    """Renderers the tree needed that are not on PATH (kustomize, helm): their parts were read raw."""

    def keeps(self, skipped: Skipped) -> bool:
        """A template of a chart helm rendered is no longer a skipped file."""
        return not any(skipped.file.startswith(chart + "/") for chart in self.rendered_charts)

    def overlays(self, units=None) -> list[dict]:
        """Base versus overlays, scored over `units` (mclint.score.units.Units) when given."""
        return overlay_report(self.builds, units)

    def own_overlays(self) -> dict[str, str]:
        return own_overlays(self.builds)

    def summary(self) -> dict:
        return {
            "available": not self.missing,
            "missing": self.missing,
            "kustomizations_built": self.built,
            "kustomizations_failed": self.failed,
            "notices": self.notices,
        }


def finding_identity(finding: Finding) -> tuple:
    obj = finding.obj
    return (finding.rule_id, finding.file, finding.line, finding.column, finding.field, obj.kind, obj.name)


class RendererMissing(Problem):
    """`--render require` and a renderer the tree needs is not on PATH."""


def render(paths: list[str], lint, options: RenderOptions, rules: list) -> Rendered:
    """Build and lint every kustomization root and chart under the named directories, and the chart
    of every named file that belongs to one (its Chart.yaml, values or templates).

    `lint(data, display)` is the scan's own linter (api.lint_bytes bound to the rule set), so rendered
    objects meet exactly the rules raw files meet. With mode "require", a missing renderer is a
    RendererMissing before anything is built.
    """
    out = Rendered()
    if options.mode == "off":
        return out
    named = [Path(p) for p in paths if p != "-"]
    directories = [p for p in named if p.is_dir()]
    files = [p for p in named if p.is_file()]
    relative = not any(p.is_absolute() for p in named)

    def show(path: Path) -> str:
        return shown(path, relative)

    charts = sorted({c for d in directories for c in helm.find_charts(d)} | {c.resolve() for c in _charts_of(files)})
    if charts and options.mode == "require" and helm_command() is None:
        raise RendererMissing(f"--render require: helm not found on PATH; {len(charts)} chart(s) cannot be rendered")
    _kustomize_all(directories, lint, out, show, options.mode == "require")
    _helm_all(charts, lint, options, rules, out, show)
    explicit = {show(p) for p in files if helm_chart_of_template(p) is None}  # templates are never linted raw
    out.consumed -= explicit
    out.findings = numbered(f for f in out.findings if f.file not in explicit)  # the raw scan of a named file wins
    return out


def _charts_of(files: list[Path]) -> list[Path]:
    return [chart for file in files if (chart := helm_chart_of(file)) is not None]


def _kustomize_all(directories: list[Path], lint, out: Rendered, show: Show, require: bool = False) -> None:
    command = kustomize_command()
    known: dict[Path, kustomize.Kustomization] = {}
    roots = []
    for directory in directories:
        tree = kustomize.find_kustomizations(directory)
        known.update((k.directory, k) for k in tree)
        roots += [r for r in kustomize.build_roots(tree, directory) if r not in roots]
    if roots and command is None:
        missing = "kustomize not found on PATH (neither kustomize nor kubectl)"
        if require:
            raise RendererMissing(f"--render require: {missing}; {len(roots)} kustomization(s) cannot be built")
        out.notices.append(f"{missing}: {len(roots)} kustomization(s) scanned as plain YAML")
        out.missing.append("kustomize")
        return
    ordered = sorted({r.directory: r for r in roots}.values(), key=lambda r: r.directory.as_posix())
    plans = [(root, kustomize.chain(root, known)) for root in ordered]
    buildable = [(root, chain) for root, chain in plans if not _unbuildable(root, chain, out, show)]
    sources = origin.SourceText()
    with ThreadPoolExecutor(max_workers=BUILD_WORKERS) as pool:  # builds wait on a subprocess, not the GIL
        runs = pool.map(lambda plan: kustomize.build(plan[0].directory, command), buildable)
        for (root, chain), (run, wrapper) in zip(buildable, runs, strict=True):  # lint while later builds run
            _lint_build(root, chain, run, wrapper, lint, sources, out, show)


def _unbuildable(root, chain, out: Rendered, show: Show) -> bool:
    """Remote resources (offline) and unreadable kustomizations are reported; the raw files are scanned."""
    label = show(root.directory)
    remote = [(k, url, line) for k in chain for url, line in k.remote]
    broken = [k for k in chain if k.problem]
    for k, url, line in remote:
        message = f"kustomize: remote resource {url} cannot be fetched offline; {label} not built, raw files scanned"
        out.errors.append(Diagnostic(show(k.file), line, 1, message))
    for k in broken:
        out.errors.append(Diagnostic(show(k.file), 0, 0, f"kustomize: {k.problem}; {label} not built"))
    if remote or broken:
        out.failed += 1
    return bool(remote or broken)


def _lint_build(root, chain, run, wrapper, lint, sources, out: Rendered, show: Show) -> None:
    """Lint one build's output and map its findings and objects back to their source files."""
    label = show(root.directory)
    if not run.ok:
        out.failed += 1
        message = f"kustomize build failed: {run.message}; raw files scanned instead"
        out.errors.append(Diagnostic(show(root.file), 0, 0, message))
        return
    out.built += 1
    result = lint(run.stdout, f"{label} (kustomize build)")
    out.errors.extend(result.errors)
    for name, coupled in result.storage_classes.items():
        out.storage_classes[name] = out.storage_classes.get(name, False) or coupled
    built = origin.built_objects(run.stdout, wrapper)
    lines = run.stdout.decode("utf-8", "replace").splitlines()
    patches = {k.file: k.patch_files for k in chain}
    build = Build(label, _direct_base(root, chain, show))
    for finding in result.findings:
        where_from = built.get(finding.obj.document, origin.BuiltObject(None))
        build.findings.append(origin.remap(finding, lines, where_from, patches, root.file, sources, show))
    moved = {}
    for ref in result.objects:
        item = built.get(ref.document, origin.BuiltObject(None))
        path = item.origin or root.file
        document, line = sources.object_line(path, ref.kind, ref.name)
        moved[ref] = ObjectRef(show(path), document, ref.kind, ref.namespace, ref.name, line)
        build.objects.append(moved[ref])
    build.facts = [facts._replace(ref=moved[facts.ref]) for facts in result.facts if facts.ref in moved]
    out.builds.append(build)
    _record(build, out)
    used = {item.origin for item in built.values() if item.origin} | {k.file for k in chain}
    used |= {p for k in chain for p in k.patch_files}
    out.consumed |= {show(p) for p in used}


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
