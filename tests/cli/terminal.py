"""Run mclint on a real pseudo-terminal of a given width, as a user's terminal runs it."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from tests.conftest import REPO


def run_in_terminal(args: list[str], columns: int, env: dict[str, str] | None = None) -> str:
    """What `mclint ARGS` shows on a `columns`-wide terminal (stdout and stderr, newlines as \\n)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    environment.update({"TERM": "xterm-256color", "NO_COLOR": "1", **(env or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "mclint", *args], stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=environment
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
