"""What the render stage hands on, and what it is given: its options, its result, the work the main
thread does beside the builds (Aside) and which build may read a file (Readers). Light on purpose:
a scan of plain manifests reads these and never imports the stage's machinery (mclint.render.stage)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, Protocol

from mclint.finding import Diagnostic, Finding, ObjectRef, Skipped
from mclint.model.facts import ObjectFacts
from mclint.process import Problem
from mclint.render.paths import real_path

BUILD_WORKERS = max(2, min(8, os.cpu_count() or 2))
CRD_KIND = "CustomResourceDefinition"


class RenderOptions(NamedTuple):
    mode: str = "auto"
    helm_values: tuple[str, ...] = ()
    helm_set: tuple[str, ...] = ()
    cache: bool = True
    """Read and write the build cache (mclint.render.cache); --no-cache turns it off."""


class Rendered:
    """What rendering adds to a scan, and which raw files it replaces."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.objects: list[ObjectRef] = []
        self.facts: list[ObjectFacts] = []
        """The link facts of the rendered objects, under their source refs."""
        self.errors: list[Diagnostic] = []
        self.notices: list[str] = []
        self.consumed: set[str] = set()
        """Display paths of raw files whose objects the rendered output already holds."""
        self.rendered_charts: set[str] = set()
        self.brought_in_by: dict[tuple, list[str]] = {}
        """Finding identity → the kustomization roots (overlays) whose build produced it."""
        self.builds: list = []
        """mclint.render.overlays.Build, one per build linted."""
        self.storage_classes: dict[str, bool] = {}
        self.built = 0
        self.failed = 0
        self.missing: list[str] = []
        """Renderers the tree needed that are not on PATH (kustomize, helm): their parts were read raw."""

    def keeps(self, skipped: Skipped) -> bool:
        """A template of a chart helm rendered is no longer a skipped file."""
        return not any(skipped.file.startswith(chart + "/") for chart in self.rendered_charts)

    def overlays(self, units=None) -> list[dict]:
        """Base versus overlays, scored over `units` (mclint.score.units.Units) when given."""
        if not self.builds:
            return []
        from mclint.render.overlays import overlay_report

        return overlay_report(self.builds, units)

    def own_overlays(self) -> dict[str, str]:
        if not self.builds:
            return {}
        from mclint.render.overlays import own_overlays

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


Progress = Callable[..., None]
"""progress(done, total, unit): how far the builds are ("kustomizations")."""


class Aside(Protocol):
    """Work the main thread does while it waits for a build (the scan's raw files no build consumes)."""

    def begin(self, readers: Callable[[Path], int | None]) -> None:
        """The builds have started; `readers(path)` is the position of the last build that may consume
        the file (CHARTS for the charts alone), None when none can."""

    def release(self, position: int, consumed: set[str]) -> None:
        """The build at `position` is linted; of the files it was the last reader of, those not in
        `consumed` (display paths) are raw files after all."""

    def step(self) -> bool:
        """Do one small piece of the work; False once none is left."""


CHARTS = -1
"""The position of the charts, read before the first build is linted."""


class Readers:
    """Which of the scan's builds and charts may read a file: those whose reach holds a folder it is
    under (kustomize confines a build to them), that name it, or whose chart it is part of. A file is
    answered with the last of them in build order: once that is linted, whether it was consumed is known."""

    def __init__(self, folders: Iterable[tuple[Path, int]], files: Iterable[tuple[Path, int]]) -> None:
        self._known: dict[str, int | None] = {}
        self.folders = _last_by_path(folders)
        self.files = _last_by_path(files)

    def __call__(self, path: Path) -> int | None:
        real = _real(path)
        return _last(self.files.get(real), self.folders.get(real), self._inside(os.path.dirname(real)))

    def _inside(self, folder: str) -> int | None:
        """The last build reading a folder or one above it; answered once per folder."""
        if folder in self._known:
            return self._known[folder]
        up = os.path.dirname(folder)
        found = self._known[folder] = _last(self.folders.get(folder), self._inside(up) if up != folder else None)
        return found


def _last_by_path(paths: Iterable[tuple[Path, int]]) -> dict[str, int]:
    last: dict[str, int] = {}
    for path, position in paths:
        real = _real(path)
        last[real] = max(position, last.get(real, position))
    return last


def _last(*positions: int | None) -> int | None:
    known = [p for p in positions if p is not None]
    return max(known) if known else None


def _real(path: Path) -> str:
    """os.path.realpath, each folder resolved once per scan (mclint.render.paths)."""
    return real_path(os.path.abspath(path))
