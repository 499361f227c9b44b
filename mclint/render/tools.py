"""Running the external renderers (kustomize, kubectl, helm): on PATH, no shell, bounded in time."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_SECONDS = 60
"""How long one renderer run may take before it is stopped and reported as failed."""


@dataclass(frozen=True)
class ToolRun:
    ok: bool
    stdout: bytes
    message: str
    """The tool's own complaint (last meaningful stderr line) when it failed."""


def kustomize_command() -> list[str] | None:
    """`kustomize build` when the standalone binary is present, else kubectl's built-in kustomize."""
    standalone = shutil.which("kustomize")
    if standalone:
        return [standalone, "build"]
    kubectl = shutil.which("kubectl")
    return [kubectl, "kustomize"] if kubectl else None


def helm_command() -> list[str] | None:
    helm = shutil.which("helm")
    return [helm, "template"] if helm else None


def run_tool(argv: list[str], cwd: Path | None = None, timeout: float | None = None) -> ToolRun:
    """Run a renderer without a shell; a failure, a timeout (TIMEOUT_SECONDS unless given) included, is a ToolRun."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return ToolRun(False, b"", f"timed out after {timeout} s")
    except OSError as error:
        return ToolRun(False, b"", f"cannot run {argv[0]}: {error.strerror or error}")
    if done.returncode != 0:
        return ToolRun(False, done.stdout, _complaint(done.stderr))
    return ToolRun(True, done.stdout, "")


WRAPPER_LAYER = "recursed accumulation of path '"


def _complaint(stderr: bytes) -> str:
    """The tool's message on one line, without kubectl's log prefix or the wrapper kustomization's layer."""
    text = " ".join(stderr.decode("utf-8", "replace").split())
    if not text:
        return "failed with no message"
    marker = 'err="'
    if marker in text:  # kubectl wraps kustomize's error in a klog line
        text = text.split(marker, 1)[1].rstrip('"')
    if WRAPPER_LAYER in text:
        text = text.split(WRAPPER_LAYER, 1)[1].split("': ", 1)[-1]
    text = text.removeprefix("Error: ").replace(str(Path.cwd()) + "/", "")
    return text if len(text) <= 400 else f"{text[:220]} … {text[-170:]}"
