"""Running the external renderers (kustomize, kubectl, helm): on PATH, no shell, bounded in time and output.

Each run gets its own process group, so stopping it (a timeout, too much output, an interrupt) stops
whatever it started too, such as a `git` a hostile kustomization got it to run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

TIMEOUT_SECONDS = 60
"""How long one renderer run may take before it is stopped and reported as failed."""

MAX_OUTPUT = 256 * 1024 * 1024
"""Bytes of output one renderer run may print before it is stopped: far above any real deployment,
well below what an amplifying tree (each level including the one below twice) can print."""

STDERR_KEPT = 64 * 1024
"""The tail of a renderer's stderr kept for its message."""

POLL_SECONDS = 0.5
"""How often a run whose pipes stay open is checked for having exited (a child may hold them)."""

VERSION_TIMEOUT = 10
"""How long asking a renderer script for its version may take."""

OFFLINE_ENV = {"GIT_ALLOW_PROTOCOL": "", "GIT_TERMINAL_PROMPT": "0"}
"""Added to a renderer's environment: git, should kustomize start it, may use no transport at all."""


@dataclass(frozen=True)
class ToolRun:
    ok: bool
    stdout: bytes
    message: str
    """The tool's own complaint (last meaningful stderr line) when it failed."""
    stderr: bytes = b""
    """The tail of what the tool wrote to stderr."""
    finished: bool = True
    """False when mclint stopped the run or could not start it: the outcome says nothing about the input."""


def kustomize_command() -> list[str] | None:
    """`kustomize build` when the standalone binary is present, else kubectl's built-in kustomize."""
    import shutil

    standalone = shutil.which("kustomize")
    if standalone:
        return [standalone, "build"]
    kubectl = shutil.which("kubectl")
    return [kubectl, "kustomize"] if kubectl else None


def helm_command() -> list[str] | None:
    import shutil

    helm = shutil.which("helm")
    return [helm, "template"] if helm else None


def renderer_identity(command: list[str]) -> str | None:
    """The renderer as a key: its binary's path, size and time; a script (a version manager's shim, say)
    says nothing about what it runs, so its version output is added. None: it cannot be identified."""
    binary = os.path.realpath(command[0])
    try:
        info = os.stat(binary)
        with open(binary, "rb") as handle:
            script = handle.read(2) == b"#!"
    except OSError:
        return None
    identity = f"{command[1:]} {binary!r} {info.st_size} {info.st_mtime_ns}"
    if not script:
        return identity
    asks = [command[0], "version", "--client"] if command[1:] == ["kustomize"] else [command[0], "version"]
    run = run_tool(asks, timeout=min(VERSION_TIMEOUT, TIMEOUT_SECONDS))
    return f"{identity} {run.stdout!r}" if run.ok else None


_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.RLock()
"""Held while a renderer starts; reentrant, so SIGTERM's handler cannot deadlock on the main thread."""
_STOPPING = threading.Event()


def run_tool(
    argv: list[str],
    cwd: Path | None = None,
    timeout: float | None = None,
    max_output: int = MAX_OUTPUT,
) -> ToolRun:
    """Run a renderer without a shell, offline for git, in its own process group; a failure, a timeout
    (TIMEOUT_SECONDS unless given) or output over `max_output` bytes included, is a ToolRun."""
    import subprocess  # with shutil and selectors, imported only when a renderer runs

    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    with _RUNNING_LOCK:  # started and recorded at once: a stop (SIGTERM) waits for both, then kills it
        if _STOPPING.is_set():
            return ToolRun(False, b"", "not run: the scan is stopping", finished=False)
        try:
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, **OFFLINE_ENV},
            )
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            return ToolRun(False, b"", f"cannot run {argv[0]}: {reason}", finished=False)
        _RUNNING.add(process)
    try:
        stopped, stdout, stderr = _collect(process, time.monotonic() + timeout, max_output)
    finally:
        _stop(process)
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if stopped == "timeout":
        return ToolRun(False, b"", f"timed out after {timeout} s", stderr, finished=False)
    if stopped == "output":
        return ToolRun(False, b"", f"printed more than {max_output:,} bytes: stopped", stderr, finished=False)
    if process.returncode != 0:
        return ToolRun(False, stdout, complaint(stderr), stderr)
    return ToolRun(True, stdout, "", stderr)


def _collect(process: subprocess.Popen, deadline: float, max_output: int) -> tuple[str, bytes, bytes]:
    """Read stdout and stderr until both close; ("timeout" or "output", ...) when the run must be stopped."""
    import selectors

    out: list[bytes] = []
    size = 0
    err = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, out)
        selector.register(process.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", b"", bytes(err)
            ready = selector.select(min(remaining, POLL_SECONDS))
            if not ready and _has_exited(process):
                break  # something it started holds the pipes open
            for key, _ in ready:
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.data is out:
                    out.append(chunk)
                    size += len(chunk)
                    if size > max_output:
                        return "output", b"", bytes(err)
                else:
                    err.extend(chunk)
                    del err[:-STDERR_KEPT]
    return "", b"".join(out), bytes(err)


def _has_exited(process: subprocess.Popen) -> bool:
    """Whether the process has exited, without reaping it (its process group id stays reserved)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _stop(process: subprocess.Popen) -> None:
    """Kill the run's whole process group (before reaping its leader, so the id cannot be reused), then reap."""
    _kill_group(process)
    process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def stop_all() -> None:
    """Kill every renderer still running and start no more (an interrupted scan); their runs end as stopped."""
    _STOPPING.set()
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def stoppable(cleanup: Callable[[], None]) -> Iterator[None]:
    """While renderers run: SIGTERM kills them and runs `cleanup` (their wrapper folders) before mclint
    ends as it would have; an interrupt, or any error, kills them too rather than waiting for each."""
    _STOPPING.clear()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGTERM)
        if previous is signal.SIG_IGN:
            previous = None
        else:
            signal.signal(signal.SIGTERM, _on_terminate(previous, cleanup))
    try:
        yield
    except BaseException:
        stop_all()
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _on_terminate(previous, cleanup: Callable[[], None]):
    def stop(signum, frame) -> None:
        stop_all()
        cleanup()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    return stop


WRAPPER_LAYER = "recursed accumulation of path '"


def complaint(stderr: bytes) -> str:
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
