"""Proving a split by building it: the overlay's build against the input's, and a scan of the base.

Builds run `kustomize build` (or `kubectl kustomize`) without a shell, as the render stage does.
Objects compare by kind, namespace and name, then by content with nulls and empty mappings dropped
(kustomize drops some of those itself).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from mclint.render.tools import kustomize_command, run_tool


class Build:
    """A kustomize build's objects by identity, or the tool's complaint."""

    def __init__(self, objects: dict[tuple, object] | None, problem: str = "") -> None:
        self.objects = objects or {}
        self.problem = problem


def build_text(directory: Path) -> str | Exception | None:
    """A kustomization's build as text, the tool's complaint as an exception, or None without a tool."""
    command = kustomize_command()
    if command is None:
        return None
    run = run_tool([*command, str(directory)])
    return run.stdout.decode("utf-8") if run.ok else RuntimeError(run.message)


def build(directory: Path) -> Build | None:
    """Build a kustomization; None when neither kustomize nor kubectl is on PATH."""
    command = kustomize_command()
    if command is None:
        return None
    run = run_tool([*command, str(directory)])
    if not run.ok:
        return Build(None, run.message)
    from ruamel.yaml import YAML

    objects: dict[tuple, object] = {}
    for document in YAML(typ="safe").load_all(run.stdout.decode("utf-8")):
        if isinstance(document, dict):
            objects[identity(document)] = normalized(document)
    return Build(objects)


def build_files(files: dict[str, str]) -> Build | None:
    """Build files written to a scratch directory (path → text, with a kustomization.yaml among them)."""
    with tempfile.TemporaryDirectory(prefix="mclint-split-") as scratch:
        root = Path(scratch)
        for relative, text in files.items():
            path = root.joinpath(*relative.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return build(root)


def identity(document: dict) -> tuple:
    meta = document.get("metadata") or {}
    group = str(document.get("apiVersion", "")).rpartition("/")[0]
    return (group, str(document.get("kind", "")), str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def normalized(node: object) -> object:
    """Content as compared: mappings without null values or empty mappings, recursively."""
    if isinstance(node, dict):
        kept = {}
        for key, value in node.items():
            value = normalized(value)
            if value is None or value == {}:
                continue
            kept[key] = value
        return kept
    if isinstance(node, list):
        return [normalized(item) for item in node]
    return node


def differences(expected: Build, actual: Build, limit: int = 5) -> list[str]:
    """What differs between two builds, object by object (at most `limit` lines)."""
    found = []
    for key in sorted(set(expected.objects) | set(actual.objects)):
        label = f"{key[1]} {key[2] + '/' if key[2] else ''}{key[3]}"
        if key not in actual.objects:
            found.append(f"{label}: missing from the overlay's build")
        elif key not in expected.objects:
            found.append(f"{label}: in the overlay's build but not in the input")
        elif expected.objects[key] != actual.objects[key]:
            found.append(f"{label}: content differs at {_first_difference(expected.objects[key], actual.objects[key])}")
    return found[:limit] + ([f"... and {len(found) - limit} more"] if len(found) > limit else [])


def _first_difference(left: object, right: object, path: str = "") -> str:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            if left.get(key) != right.get(key):
                return _first_difference(left.get(key), right.get(key), f"{path}.{key}" if path else str(key))
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    return path or "(root)"
