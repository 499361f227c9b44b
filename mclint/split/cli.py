"""What `plan --emit-overlay` prints: the files written, then the check of the built overlay."""

from __future__ import annotations

import sys
from pathlib import Path

from mclint.process import Problem
from mclint.split.objects import SplitError


def emit_overlay_command(paths: list[str], target: str, source: str | None, ruleset, output: Path, force: bool) -> bool:
    """Write the overlay, say what was written (on stderr: stdout holds the plan), check it; True when it holds."""
    from mclint.split.migrate import check_emitted, emit_overlay
    from mclint.split.output import check_target, shown, write_files

    try:
        check_target(output, [Path(p) for p in paths], force)
        emitted = emit_overlay(paths, target, source, ruleset, output)
        written = write_files(output, emitted.files)
    except SplitError as error:
        raise Problem(str(error)) from None
    for path in written:
        sys.stderr.write(f"wrote {shown(path)}\n")
    manual = sum(1 for item in emitted.done if item.manual)
    sys.stderr.write(
        f"mclint: overlay for {target} in {shown(output)}: {len(emitted.done)} coupling(s),"
        f" {len(emitted.placeholders)} placeholder(s), {manual} manual item(s) (MIGRATION.md)\n"
    )
    lines, ok = check_emitted(output, emitted, ruleset)
    for line in lines:
        sys.stderr.write(line + "\n")
    return ok
