"""The two contracts, checked independently of split's own check: kubectl builds, YAML loads, a scan."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from mclint import api
from mclint.finding import Severity
from mclint.render import RenderOptions
from tests.cli.runner import run

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def kustomize(directory: Path) -> str:
    """`kubectl kustomize DIR`, failing the test with kubectl's message when it does not build."""
    run = subprocess.run([KUBECTL, "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def objects(text: str) -> dict[tuple, object]:
    """Objects by (group, kind, namespace, name), nulls and empty maps dropped."""
    found = {}
    for document in YAML(typ="safe").load_all(text):
        if isinstance(document, dict):
            meta = document.get("metadata") or {}
            key = (
                str(document.get("apiVersion", "")).rpartition("/")[0],
                document.get("kind"),
                meta.get("namespace") or "",
                meta.get("name"),
            )
            found[key] = _clean(document)
    return found


def _clean(node: object) -> object:
    if isinstance(node, dict):
        kept = {k: _clean(v) for k, v in node.items()}
        return {k: v for k, v in kept.items() if v is not None and v != {}}
    if isinstance(node, list):
        return [_clean(item) for item in node]
    return node


def input_objects(path: Path) -> dict[tuple, object]:
    """What the input deploys: a Kustomize root built, plain files read."""
    if path.is_dir() and any(
        (path / name).is_file() for name in ("kustomization.yaml", "kustomization.yml", "Kustomization")
    ):
        return objects(kustomize(path))
    files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
    found = {}
    for file in files:
        found.update(objects(file.read_text(encoding="utf-8")))
    return found


def couplings_in(directory: Path, provider: str, ruleset) -> list[str]:
    """`mclint scan DIR` findings of `provider` above info, as rule ids with places."""
    result = api.scan([str(directory)], ruleset, api.ScanOptions(render=RenderOptions()))
    return [
        f"{f.file}:{f.line}: {f.rule_id}"
        for f in result.findings
        if f.provider == provider and f.severity > Severity.INFO
    ]


def other_provider_rules(text: str, target: str) -> set[str]:
    """Rule ids `mclint scan - --target TARGET` reports as coupling to another provider above info."""
    code, out, err = run(["scan", "-", "--target", target, "--format", "json"], input=text)
    assert code in (0, 1), err
    return {f["rule_id"] for f in json.loads(out)["findings"] if f["provider"] != target and f["severity"] != "info"}


def manual_rules(migration: str) -> set[str]:
    """Rule ids MIGRATION.md lists under "Manual work"."""
    section = migration.split("## Manual work", 1)[1]
    return {line[2:].split(":", 1)[0] for line in section.splitlines() if line.startswith("- ")}


def digest(directory: Path) -> dict[str, str]:
    """Every file under `directory` by relative path, as a SHA-256 of its bytes."""
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
