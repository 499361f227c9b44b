"""`--show-files`: every file a scan was given, and what became of it (linted, rendered, excluded,
skipped, unreadable), so a user can see why a file produced nothing."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple, TextIO

from mclint.config import Config, exclusion_reason
from mclint.discover import STDIN, discover
from mclint.result import ScanResult

STATES = ("linted", "rendered", "excluded", "skipped", "error")


class FileEntry(NamedTuple):
    file: str
    state: str
    """One of STATES."""
    reason: str = ""


def listing(paths: list[str], config: Config, result: ScanResult, stdin_name: str | None = None) -> list[FileEntry]:
    """Each file under `paths` with its state, sorted by file. Walks the directories again (no file
    is read), then reads the scan's own record of skips, builds and file problems."""
    found = discover([p for p in paths if p != STDIN])
    why_excluded = exclusion_reason(config)
    consumed = result.rendered.consumed if result.rendered is not None else set()
    unread = {e.file: e.message for e in result.errors if not e.line}
    entries = [FileEntry(s.file, "skipped", s.reason) for s in result.skipped]
    entries += [FileEntry(e.file, "error", e.message) for e in found.errors]
    if STDIN in paths:
        entries.append(FileEntry(stdin_name or "<stdin>", "linted"))
    for source in found.sources:
        reason = why_excluded(source.display) if why_excluded else None
        if reason is not None:
            entries.append(FileEntry(source.display, "excluded", reason))
        elif source.display in unread:
            entries.append(FileEntry(source.display, "error", unread[source.display]))
        elif source.display in consumed:
            entries.append(FileEntry(source.display, "rendered", "linted through a Kustomize build"))
        else:
            entries.append(FileEntry(source.display, "linted"))
    return sorted(set(entries))


def write(entries: list[FileEntry], stream: TextIO, color: bool | None = None) -> None:
    """`STATE  FILE  (reason)` per line, then the count per state; names escaped as the text report's."""
    from mclint.report.console import escape, make_console

    console = make_console(stream, color)
    for entry in entries:
        reason = f"  [dim]({escape(entry.reason)})[/]" if entry.reason else ""
        console.print(f"{entry.state:<9} {escape(entry.file)}{reason}", wrap=False)
    counts = Counter(entry.state for entry in entries)
    console.print(f"{len(entries)} file(s): " + ", ".join(f"{counts[s]} {s}" for s in STATES if counts[s]), wrap=False)
