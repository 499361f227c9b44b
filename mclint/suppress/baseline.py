"""Baselines: the findings a team has accepted, keyed by Finding.fingerprint.

The fingerprint leaves out line and document index, so edits that move lines or reorder documents
keep matching; changing the rule, file, object identity or field makes a finding new. An entry is
"gone" (fixed or removed) only when its file was within the scan: a pre-commit run over two files
says nothing about the others.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, TextIO

from mclint import jsontext
from mclint.discover import STDIN, display_path
from mclint.finding import Finding, Suppressed, suppressed_order
from mclint.finding.spools import Findings
from mclint.spool import Spool

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def baseline_dict(findings: Iterable[Finding]) -> dict:
    entries = {}
    for f in findings:
        entries[f.fingerprint] = {
            "fingerprint": f.fingerprint,
            "rule_id": f.rule_id,
            "file": f.file,
            "kind": f.obj.kind,
            "namespace": f.obj.namespace,
            "name": f.obj.name,
            "field": f.field,
        }
    ordered = sorted(
        entries.values(), key=lambda e: (e["file"], e["kind"], e["namespace"], e["name"], e["rule_id"], e["field"])
    )
    return {"tool": "mclint", "version": FORMAT_VERSION, "entries": ordered}


def write_baseline(findings: Iterable[Finding], stream: TextIO) -> int:
    """Write the baseline file's JSON; return how many entries it holds."""
    data = baseline_dict(findings)
    jsontext.write(data, stream)
    stream.write("\n")
    return len(data["entries"])


def read_baseline(path: Path) -> dict[str, str]:
    """The fingerprints in a baseline file, each with its entry's file; BaselineError says what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    except UnicodeDecodeError as error:
        raise BaselineError(f"{path}: not UTF-8 (byte {error.start}): not an mclint baseline") from None
    except RecursionError:
        raise BaselineError(f"{path}: nested too deeply: not an mclint baseline") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not an mclint baseline (version {FORMAT_VERSION} expected)")
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f"{path}: 'entries' must be a list of objects with a 'fingerprint'")
    return {e["fingerprint"]: e["file"] if isinstance(e.get("file"), str) else "" for e in entries}


class BaselineOutcome(NamedTuple):
    kept: Findings
    suppressed: Spool[Suppressed]
    matched: int
    gone: int


def apply_baseline(
    findings: list[Finding], known: dict[str, str], reason: str, scanned: Callable[[str], bool] | None = None
) -> BaselineOutcome:
    """Keep only findings absent from `known`; count the known entries no longer found ("gone")
    among those whose file was `scanned` (every entry when that is not given)."""
    kept, suppressed, seen = Findings(), Spool(key=suppressed_order), set()
    for finding in findings:
        fingerprint = finding.fingerprint
        if fingerprint in known:
            seen.add(fingerprint)
            suppressed.append(Suppressed(finding, "baseline", reason))
        else:
            kept.append(finding)
    gone = sum(
        1 for fingerprint, file in known.items() if fingerprint not in seen and (scanned is None or scanned(file))
    )
    return BaselineOutcome(kept, suppressed, len(seen), gone)


def scanned_files(paths: list[str], exclude: Callable[[str], bool] | None = None) -> Callable[[str], bool]:
    """Whether a file (as reports name it) lies within the scanned paths and is not excluded: a file
    named, or any file under a directory named (a deleted one included)."""
    files, directories = set(), []
    for path in paths:
        if path == STDIN:
            files.add("<stdin>")
        elif os.path.isdir(path):
            shown = display_path(Path(path))
            directories.append("" if shown == "." else shown.rstrip("/") + "/")
        else:
            files.add(display_path(Path(path)))

    def scanned(file: str) -> bool:
        inside = file in files or any(file.startswith(directory) for directory in directories)
        return inside and not (exclude is not None and exclude(file))

    return scanned
