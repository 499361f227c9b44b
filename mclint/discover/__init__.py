"""Stage 1: which files to lint, in a stable order, and which to skip and why.

Directories are walked without following symlinks (no loops), VCS folders are skipped, and
files under a Helm chart's templates/ are set aside: they are Go templates, not YAML.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from mclint.finding import Diagnostic, Skipped

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_DIRS = frozenset((".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__", ".venv", ".tox"))
STDIN = "-"
CHART_FILES = ("Chart.yaml", "Chart.yml")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MAX_FILE_SIZE = 5 * 1024 * 1024
"""Larger files are skipped and reported (--max-file-size): no manifest is that large, a data dump may be."""


class Source(NamedTuple):
    """A file to lint: its path on disk (None for stdin) and the name reports use."""

    path: Path | None
    display: str


class Discovery(NamedTuple):
    sources: list[Source]
    skipped: list[Skipped]
    errors: list[Diagnostic]


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Relative to the working directory when under it, with / separators.

    String operations, not pathlib: this runs once per file, and a tree has thousands.
    """
    base = os.fspath(cwd or Path.cwd())
    absolute = os.path.abspath(path)
    prefix = base if base.endswith(os.sep) else base + os.sep
    if absolute == base:
        return "."
    if absolute.startswith(prefix):
        return absolute[len(prefix) :].replace(os.sep, "/")
    shown = absolute if os.path.isabs(path) else os.path.normpath(path)
    return shown.replace(os.sep, "/")


def discover(paths: list[str], cwd: Path | None = None) -> Discovery:
    """Expand the given paths into sources; a missing path is an error, not an exception.

    A file symbolic link is read only when its target lies inside a scanned folder (or, for a
    file named on the command line, the working directory): a scanned tree cannot pull in
    /etc/passwd or a neighbour's file. Links that dangle or loop, FIFOs and devices are reported."""
    found = Discovery([], [], [])
    seen: set[str] = set()
    cwd = cwd or Path.cwd()
    folders = [os.path.realpath(raw) for raw in paths if raw != STDIN and os.path.isdir(raw)]
    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                found.sources.append(Source(None, "<stdin>"))
            continue
        path = Path(raw)
        if os.path.isdir(raw):
            for file in _walk(path, found, folders, cwd):
                _add(found, seen, file, cwd)
        elif not os.path.lexists(raw):
            found.errors.append(Diagnostic(raw, 0, 0, "no such file or directory"))
        elif _readable(path, found, [*folders, os.path.realpath(cwd)], cwd):
            _add(found, seen, path, cwd)
    return found


def _readable(path: Path, found: Discovery, roots: list[str], cwd: Path | None = None) -> bool:
    """Whether `path` (not a folder) is a regular file to read; if not, why goes to found's errors
    or skipped."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        why = "symbolic link loop" if error.errno == errno.ELOOP else "broken symbolic link"
        if not os.path.islink(path):
            why = f"cannot read file: {error.strerror}"
        found.errors.append(Diagnostic(display_path(path, cwd), 0, 0, why))
        return False
    if not stat.S_ISREG(mode):
        reason = f"not a regular file ({_file_type(mode)}): not read"
        found.errors.append(Diagnostic(display_path(path, cwd), 0, 0, reason))
        return False
    if not within(path, roots):
        reason = "symbolic link to a file outside the scanned paths: not followed"
        found.skipped.append(Skipped(display_path(path, cwd), reason))
        return False
    return True


def within(path: Path, roots: list[str]) -> bool:
    """Whether `path`, followed through symbolic links, lies in one of `roots` (real paths); a
    path that is no link is taken to be where it was found."""
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    return any(target == root or target.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _add(found: Discovery, seen: set[str], path: Path, cwd: Path) -> None:
    display = display_path(path, cwd)
    if display in seen:
        return
    seen.add(display)
    chart = helm_chart_of_template(path)
    if chart is not None:
        shown = display_path(_as_given(chart, path, cwd), cwd)
        found.skipped.append(Skipped(display, f"Helm template of chart {shown}: not rendered"))
        return
    found.sources.append(Source(path, display))


def _walk(root: Path, found: Discovery, roots: list[str], cwd: Path | None = None) -> list[Path]:
    files: list[Path] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            found.errors.append(Diagnostic(display_path(directory), 0, 0, f"cannot read directory: {error.strerror}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS:
                    subdirs.append(Path(entry.path))
            elif entry.is_symlink() and os.path.isdir(entry.path):
                reason = "symbolic link to a directory: not followed (no loops, no scanning outside the tree)"
                found.skipped.append(Skipped(display_path(Path(entry.path)), reason))
            elif entry.name.endswith(MANIFEST_SUFFIXES):
                path = Path(entry.path)
                # A regular file that is no link needs no stat: the directory listing says so.
                if entry.is_file(follow_symlinks=False) or _readable(path, found, roots, cwd):
                    files.append(path)
        stack.extend(reversed(subdirs))
    return sorted(files, key=lambda p: p.as_posix())


def _as_given(folder: Path, path: Path, cwd: Path | None) -> Path:
    """`folder` (absolute, above `path`) written as `path` was: relative when it was, so a tree
    scanned through `../repo` names its charts as its files are named, not by this machine's paths."""
    if os.path.isabs(path):
        return folder
    try:
        return Path(os.path.relpath(folder, cwd or Path.cwd()))
    except ValueError:  # another drive
        return folder


def helm_chart_of_template(path: Path) -> Path | None:
    """The chart directory when `path` lies under <chart>/templates/, else None."""
    absolute = os.path.abspath(path)
    if f"{os.sep}templates{os.sep}" not in absolute:
        return None
    parts = Path(absolute).parts
    for index in range(len(parts) - 2, 0, -1):
        if parts[index] == "templates":
            chart = Path(*parts[:index])
            if any((chart / chart_file).is_file() for chart_file in CHART_FILES):
                return chart
    return None


def helm_chart_of(path: Path) -> Path | None:
    """The chart a file belongs to: its Chart.yaml or a values file beside it, or a template under it."""
    name = os.path.basename(path)
    if name in CHART_FILES or name.startswith("values"):
        directory = Path(os.path.dirname(os.path.abspath(path)))
        if any((directory / chart_file).is_file() for chart_file in CHART_FILES):
            return directory
    return helm_chart_of_template(path)


def walk_folders(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """(folder, its file names, sorted) for `root` and every folder below it, top down in name order:
    symbolic links to folders not followed, VCS and tool folders (SKIP_DIRS) skipped. How the render
    stage looks for kustomizations and charts, and what the build cache and split read."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
        yield Path(directory), sorted(files)


def holds_renderable(directory: Path) -> bool:
    """Whether a folder holds a kustomization or a chart anywhere below it, found by the walk the
    render stage takes (mclint.render.kustomize.find_kustomizations, mclint.render.helm.find_charts).
    Stops at the first one."""
    names = frozenset((*KUSTOMIZATION_NAMES, *CHART_FILES))
    return any(not names.isdisjoint(files) for _, files in walk_folders(directory))


def may_render(paths: list[str]) -> bool:
    """Whether the render stage has anything to do: a directory (Kustomize roots, charts), or a file
    of a Helm chart (its chart is read as a whole). Other files are scanned as given."""
    return any(p != STDIN and (os.path.isdir(p) or helm_chart_of(Path(p)) is not None) for p in paths)


def read_source(source: Source, max_size: int = MAX_FILE_SIZE) -> tuple[bytes | None, Diagnostic | None]:
    """The file's bytes, or why there are none (too large, unreadable) as a Diagnostic."""
    if source.path is None:
        data = sys.stdin.buffer.read(max_size + 1)
        if len(data) > max_size:
            return None, Diagnostic(
                source.display, 0, 0, f"skipped: over the {max_size:,}-byte limit (--max-file-size)"
            )
        return data, None
    try:
        size = source.path.stat().st_size
        if size > max_size:
            message = f"skipped: {size:,} bytes is over the {max_size:,}-byte limit (--max-file-size)"
            return None, Diagnostic(source.display, 0, 0, message)
        return source.path.read_bytes(), None
    except OSError as error:
        return None, Diagnostic(source.display, 0, 0, f"cannot read file: {error.strerror or error}")
