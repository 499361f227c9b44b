"""Resolving paths as os.path.realpath does, each folder once per scan.

realpath checks every component of a path for a link; the render stage resolves thousands of paths
(kustomizations, the files they name, the files a build key reads) in a few hundred folders. A path
without `.` or `..` components resolves to its folder's real path joined with its name, unless the name
itself is a link; a folder is resolved once per scan (forget_folders starts afresh). Anything else goes to
realpath as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

_FOLDERS: dict[str, str] = {}


def real_path(path: str | os.PathLike[str]) -> str:
    """os.path.realpath(path)."""
    text = os.fspath(path)
    if not os.path.isabs(text) or os.path.normpath(text) != text or os.path.islink(text):
        return os.path.realpath(text)
    folder, name = os.path.split(text)
    if not name:
        return os.path.realpath(text)
    found = _FOLDERS.get(folder)
    if found is None:
        found = _FOLDERS[folder] = os.path.realpath(folder)
    return os.path.join(found, name)


def resolved(path: Path) -> Path:
    """Path.resolve() of a path that exists (a link loop cannot reach here: the caller stat'ed it)."""
    return Path(real_path(path))


def forget_folders() -> None:
    """Start a scan without what the last one learned about the file system."""
    _FOLDERS.clear()
