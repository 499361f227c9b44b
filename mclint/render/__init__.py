"""Stage 1½: render what is actually deployed (Kustomize builds, Helm charts) before it is linted.

Sits between discover and load. For each directory the user named, kustomization roots are built and
charts are rendered (or, without helm, read statically); the built objects are linted like any file
and their findings mapped back to the source file and line. Files a successful build consumed are
then not linted raw, so no object is reported twice; a file the user named explicitly is always
linted as given. A failed build is an error naming the kustomization, and its raw files are linted.
"""

from __future__ import annotations

from pathlib import Path

from mclint.discover import MAX_FILE_SIZE, helm_chart_of, holds_renderable
from mclint.render.rendered import (
    CHARTS,
    CRD_KIND,
    Aside,
    Progress,
    Readers,
    Rendered,
    RendererMissing,
    RenderOptions,
    finding_identity,
)

__all__ = [
    "CHARTS",
    "CRD_KIND",
    "Aside",
    "Progress",
    "Readers",
    "RenderOptions",
    "Rendered",
    "RendererMissing",
    "finding_identity",
    "render",
]


def render(
    paths: list[str],
    lint,
    options: RenderOptions,
    rules: list,
    *,
    max_document_size: int = MAX_FILE_SIZE,
    crd_bodies: bool = True,
    progress: Progress | None = None,
    aside: Aside | None = None,
) -> Rendered:
    """Build and lint every kustomization root and chart under the named directories, and the chart
    of every named file that belongs to one (its Chart.yaml, values or templates).

    `lint(data, display)` is the scan's own linter (api.lint_bytes bound to the rule set), so rendered
    objects meet exactly the rules raw files meet. A built object larger than `max_document_size` is
    skipped and reported, as a file that large is; `crd_bodies` False (no rule reads a
    CustomResourceDefinition past its metadata) lints a CRD's head without parsing its schema. With
    mode "require", a missing renderer is a RendererMissing before anything is built. While the main
    thread would wait for a build, it does `aside`'s work. Where there is nothing to build or render,
    the stage's machinery (mclint.render.stage) is not even imported.
    """
    out = Rendered()
    if options.mode == "off":
        return out
    named = [Path(p) for p in paths if p != "-"]
    if not any(holds_renderable(p) if p.is_dir() else helm_chart_of(p) is not None for p in named):
        return out
    from mclint.render.stage import fill

    fill(
        out,
        named,
        lint,
        options,
        rules,
        max_document_size=max_document_size,
        crd_bodies=crd_bodies,
        progress=progress,
        aside=aside,
    )
    return out
