"""`--new-since REF`: the findings the tree had at a git ref, read through git, never checked out.

Files are listed with `git ls-tree` and read with `git show REF:./path`, with no shell and a timeout,
so the user's working tree and index are never touched. Paths are relative to the working
directory, as reports show them, so fingerprints compare directly.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable

from mclint.discover import MANIFEST_SUFFIXES
from mclint.finding import Finding

GIT_TIMEOUT = 60


class GitError(Exception):
    pass


def _git(args: list[str], cwd: str | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args[:2])} took longer than {GIT_TIMEOUT}s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def files_at(ref: str, paths: list[str]) -> list[str]:
    """Manifest files under `paths` at `ref`, relative to the working directory."""
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    except GitError as error:
        raise GitError(f"not a commit in this git repository ({error})") from None
    pathspecs = [p for p in paths if p != "-"] or ["."]
    out = _git(["ls-tree", "-r", "-z", "--name-only", ref, "--", *pathspecs])
    names = [n.decode("utf-8", "replace") for n in out.split(b"\0") if n]
    return sorted(n for n in names if n.endswith(MANIFEST_SUFFIXES))


def fingerprints_at(
    ref: str,
    paths: list[str],
    lint: Callable[[Iterable[tuple[bytes, str]]], Iterable[Finding]],
    max_file_size: int,
    exclude: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Fingerprints of every finding the tree at `ref` had under `paths`, each with its file.

    `lint` is the scan's own linter over (bytes, display name) files, so the old tree meets the same
    rules, and the same StorageClass overruling, as the working tree.
    """
    names = [name for name in files_at(ref, paths) if exclude is None or not exclude(name)]
    files = ((data, name) for name in names if len(data := _git(["show", f"{ref}:./{name}"])) <= max_file_size)
    return {f.fingerprint: f.file for f in lint(files)}
