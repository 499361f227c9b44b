"""How a command ends: exit codes, the problems a user can fix, and one line instead of a traceback.

Both ways in (the quick pre-commit path in mclint.entry and the click CLI in mclint.cli) end a run
through here, so a problem reads the same whichever of them met it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator

from mclint.report.escape import visible

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


class Problem(Exception):
    """Something the user can fix (a bad configuration or baseline file): one line, exit 2."""


class UsageProblem(Problem):
    """A problem with the command line itself (a missing path, a bad rule directory): the CLI
    shows it under the command's usage, as click shows its own usage errors."""


def exit_for(error: BaseException) -> int:
    """Say what ended a run early, in one line, and return the exit code: never a traceback."""
    if isinstance(error, Problem):
        sys.stderr.write(f"mclint: {visible(str(error))}\n")
        return EXIT_USAGE
    if isinstance(error, KeyboardInterrupt):
        sys.stderr.write("mclint: interrupted\n")
        return EXIT_INTERRUPTED
    if isinstance(error, BrokenPipeError):
        silence_broken_pipe()
        return EXIT_FAIL
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        sys.stderr.write(f"mclint: cannot write the report: {error.strerror}\n")
        return EXIT_USAGE
    sys.stderr.write(f"mclint: internal error: {type(error).__name__}: {visible(str(error))}\n")
    sys.stderr.write("mclint: please report this with the command that caused it.\n")
    return EXIT_USAGE


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """A scan allocates millions of small acyclic objects (YAML nodes, positions, findings) and drops
    each file's tree when it is linted; reference counting frees them, and the cyclic collector would
    only walk them again and again (about a tenth of a scan's time). A CLI run is short: the collector
    stays off for it, and what is loaded before the scan is frozen, so forked workers share it."""
    import gc

    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def silence_broken_pipe() -> None:
    """The reader went away (`mclint scan | head`): later writes to stdout go nowhere instead of failing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
