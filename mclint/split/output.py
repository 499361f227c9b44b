"""Writing a split or an emitted overlay: never into the input, never into a non-empty directory
unless asked, every file listed, in sorted order."""

from __future__ import annotations

import os
from pathlib import Path

from mclint.split.objects import SplitError


def check_target(output: Path, inputs: list[Path], force: bool) -> None:
    """Refuse an output inside the input (or holding it), and a non-empty one without `force`."""
    target = output.resolve()
    for given in inputs:
        source = given.resolve()
        if target == source or source in target.parents or target in source.parents:
            raise SplitError(f"{output} overlaps the input {given}: write the output outside the tree being read")
    if target.exists() and not target.is_dir():
        raise SplitError(f"{output} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise SplitError(f"{output} is not empty: choose an empty directory, or --force to write into it")


def write_files(output: Path, files: dict[str, str]) -> list[Path]:
    """Write every file (paths under `output`, / separated); returns them in sorted order."""
    written = []
    for relative in sorted(files):
        path = output.joinpath(*relative.split("/"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(files[relative])
        except OSError as error:
            raise SplitError(f"cannot write {path}: {error.strerror or error}") from None
        written.append(path)
    return written


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when under it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not os.path.relpath(path).startswith("..") else path.as_posix()
    except ValueError:
        return path.as_posix()
