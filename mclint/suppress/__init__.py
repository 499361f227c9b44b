"""Suppressions written in manifests: the `mclint.io/ignore` annotation and `# mclint: ignore[...]` comments.

The loader drops comments, so comments are found in the raw bytes, and only when b"mclint:" occurs
at all: files without one pay a single substring search. Marks are applied once, after the scan,
over the findings (never per node), and a mark that matches nothing is reported so it gets cleaned up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from mclint.finding import Finding, ObjectRef, Severity, Suppressed
from mclint.finding.spools import Findings

IGNORE_ANNOTATION = "mclint.io/ignore"
REASON_ANNOTATION = "mclint.io/ignore-reason"
ALL = "all"
COMMENT = rb"#\s*mclint:\s*ignore\[([^\]]*)\](.*)"
"""Compiled through re's cache on the first line that needs it: most files have none."""
UNUSED_RULE = "mclint-unused-suppression"


class Mark(NamedTuple):
    """One suppression written in a manifest: which rules, where it applies, and why."""

    how: str
    """annotation | comment"""
    file: str
    line: int
    """Where the mark is written (for reporting it when unused)."""
    rules: tuple[str, ...]
    reason: str = ""
    target_line: int = 0
    """comment: the line whose findings it silences."""
    obj: ObjectRef | None = None
    """annotation: the object whose findings it silences."""

    def covers(self, finding: Finding) -> str | None:
        """The rule entry (an id, or `all`) that silences `finding`, or None."""
        if self.obj is not None:
            if finding.obj != self.obj:
                return None
        elif finding.file != self.file or finding.line != self.target_line:
            return None
        if finding.rule_id in self.rules:
            return finding.rule_id
        return ALL if ALL in self.rules else None


def split_rules(text: str) -> tuple[str, ...]:
    return tuple(sorted({part.strip() for part in text.split(",") if part.strip()}))


def comment_marks(data: bytes, file: str) -> list[Mark]:
    """`# mclint: ignore[RULE,...] reason` at a line's end covers that line; alone on a line, the next one."""
    if b"mclint:" not in data:
        return []
    marks = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if b"mclint:" not in raw:
            continue
        match = re.search(COMMENT, raw)
        if match is None:
            continue
        own_line = raw.lstrip().startswith(b"#")
        rules = split_rules(match.group(1).decode("utf-8", "replace"))
        reason = match.group(2).decode("utf-8", "replace").strip()
        marks.append(Mark("comment", file, number, rules, reason, number + 1 if own_line else number))
    return marks


def annotation_mark(ref: ObjectRef, metadata: object) -> Mark | None:
    """The object's `mclint.io/ignore` annotation as a mark, or None (one dict lookup per object)."""
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict) or IGNORE_ANNOTATION not in annotations:
        return None
    value = annotations.get(IGNORE_ANNOTATION)
    reason = annotations.get(REASON_ANNOTATION)
    line = annotations.key_position(IGNORE_ANNOTATION)[0] if hasattr(annotations, "key_position") else ref.line
    rules = split_rules(value) if isinstance(value, str) else ()
    return Mark("annotation", ref.file, line, rules, reason if isinstance(reason, str) else "", obj=ref)


def apply_marks(
    findings: Iterable[Finding], marks: list[Mark]
) -> tuple[Findings, list[Suppressed], list[tuple[Mark, tuple[str, ...]]]]:
    """Split findings into kept and suppressed; also return each mark's rule entries that matched nothing."""
    if not marks:
        return findings if isinstance(findings, Findings) else Findings(findings), [], []
    by_file: dict[str, list[Mark]] = {}
    for mark in marks:
        by_file.setdefault(mark.file, []).append(mark)
    used: set[tuple[Mark, str]] = set()
    kept = Findings()
    suppressed: list[Suppressed] = []
    for finding in findings:
        hit = next(((m, e) for m in by_file.get(finding.file, ()) if (e := m.covers(finding))), None)
        if hit is None:
            kept.append(finding)
            continue
        used.add(hit)
        mark, _ = hit
        suppressed.append(Suppressed(finding, mark.how, mark.reason))
    unused = [(m, tuple(r for r in m.rules if (m, r) not in used)) for m in marks]
    return kept, suppressed, [(m, rules) for m, rules in unused if rules or not m.rules]


def notice(rule_id: str, file: str, line: int, message: str, obj: ObjectRef | None = None) -> Finding:
    """An info-level item about mclint's own configuration; kept apart from findings, so never scored."""
    return Finding(
        rule_id=rule_id,
        provider="mclint",
        category="suppression",
        severity=Severity.INFO,
        file=file,
        line=line,
        column=1,
        obj=obj or ObjectRef(file, 0, "", "", "", line),
        field="",
        message=message,
        remediation="remove it, or correct it so it matches what it is meant to silence",
    )


def unused_notice(mark: Mark, rules: tuple[str, ...]) -> Finding:
    """A notice for the entries of `mark` that silenced nothing (an empty rule list never can)."""
    what = "annotation" if mark.how == "annotation" else "comment"
    names = ",".join(rules) or "(no rule id)"
    return notice(UNUSED_RULE, mark.file, mark.line, f"suppression {what} ignore[{names}] matches no finding", mark.obj)
