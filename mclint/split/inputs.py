"""What a split is given: plain manifests, one Kustomize root, or something it refuses (a Helm chart).

Plain manifests keep their layout under the output's base, relative to the directory the given
paths share. Nothing here writes: the input tree is only read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mclint.discover import MANIFEST_SUFFIXES, walk_folders
from mclint.render.kustomize import KUSTOMIZATION_NAMES
from mclint.split.objects import SplitError

CHART_FILES = ("Chart.yaml", "Chart.yml")


@dataclass
class Input:
    """Plain manifest files (each with its path under the base), or the directory of one Kustomize root."""

    files: list[tuple[Path, str]]
    kustomize_root: Path | None = None
    left_out: list[str] = None


def classify(paths: list[str]) -> Input:
    """Read what was given; refuse Helm charts, several Kustomize roots, and mixes of both kinds."""
    given = [Path(p) for p in paths]
    for path in given:
        chart = _chart_under(path)
        if chart is not None:
            raise SplitError(
                f"{chart} is a Helm chart: split rewrites manifests, not templates. Render it first"
                f" (helm template NAME {chart} > rendered.yaml) and split the rendered file, or keep one"
                " values file per cloud (values-aws.yaml, values-gcp.yaml) beside the chart's values.yaml"
            )
    roots = [p for p in given if p.is_dir() and _kustomization(p)]
    if roots:
        if len(given) > 1:
            raise SplitError("a Kustomize directory is split alone: give only its path")
        return Input([], roots[0].resolve(), [])
    nested = sorted({d for p in given if p.is_dir() for d in _kustomization_dirs(p)})
    if nested:
        listed = ", ".join(str(d) for d in nested[:5]) + (" …" if len(nested) > 5 else "")
        raise SplitError(
            f"the tree holds Kustomize directories ({listed}): split one Kustomize root at a time"
            f" (mclint split {nested[0]} ...)"
        )
    return Input(*_plain_files(given))


def _kustomization(directory: Path) -> Path | None:
    return next((directory / n for n in KUSTOMIZATION_NAMES if (directory / n).is_file()), None)


def _chart_under(path: Path) -> Path | None:
    if path.is_file():
        path = path.parent
        return path if any((path / name).is_file() for name in CHART_FILES) else None
    for directory, files in walk_folders(path):
        if any(name in files for name in CHART_FILES):
            return directory
    return None


def _kustomization_dirs(root: Path) -> list[Path]:
    return [directory for directory, files in walk_folders(root) if any(n in files for n in KUSTOMIZATION_NAMES)]


def _plain_files(given: list[Path]) -> tuple[list[tuple[Path, str]], None, list[str]]:
    files: list[Path] = []
    left_out: list[str] = []
    for path in given:
        if path.is_dir():
            for directory, names in walk_folders(path):
                for name in names:
                    candidate = directory / name
                    if name.endswith(MANIFEST_SUFFIXES):
                        (
                            left_out.append(f"{candidate}: symbolic link")
                            if candidate.is_symlink()
                            else files.append(candidate)
                        )
        elif path.is_symlink():
            left_out.append(f"{path}: symbolic link")
        else:
            files.append(path)
    if not files:
        raise SplitError("no YAML or JSON files to split")
    absolute = [f.resolve() for f in files]
    anchor = Path(os.path.commonpath([str(f.parent) for f in absolute]))
    placed = sorted({(f, f.relative_to(anchor).as_posix()) for f in absolute}, key=lambda pair: pair[1])
    return placed, None, left_out
