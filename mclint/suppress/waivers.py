"""Waivers from the config: accepted couplings, matched after the scan; expired ones stop working."""

from __future__ import annotations

import datetime
import fnmatch
from pathlib import Path

from mclint.config import Config, Waiver, relative_to_config
from mclint.finding import Finding, Suppressed
from mclint.finding.spools import Findings
from mclint.suppress import notice

EXPIRED_RULE = "mclint-expired-waiver"
UNUSED_WAIVER_RULE = "mclint-unused-waiver"


def _glob(pattern: str, text: str) -> bool:
    return not pattern or fnmatch.fnmatchcase(text, pattern)


def covers(waiver: Waiver, finding: Finding, directory: Path) -> bool:
    obj = finding.obj
    return (
        (fnmatch.fnmatchcase(finding.rule_id, waiver.rule) or waiver.rule in (finding.provider, finding.category))
        and _glob(waiver.kind, obj.kind)
        and _glob(waiver.namespace, obj.namespace)
        and _glob(waiver.name, obj.name)
        and (not waiver.path or fnmatch.fnmatch(relative_to_config(finding.file, directory), waiver.path))
    )


def apply_waivers(
    findings: list[Finding], config: Config, today: datetime.date | None = None
) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """Kept findings, waived ones, and notices for expired or unused waivers."""
    today = today or datetime.date.today()
    active = [w for w in config.waivers if not w.expired(today)]
    notices = [
        notice(
            EXPIRED_RULE, config.source, w.line, f"waiver for {w.rule} expired on {w.expires}: it no longer suppresses"
        )
        for w in config.waivers
        if w.expired(today)
    ]
    if not active:
        return findings, [], notices
    used: set[int] = set()
    kept, waived = Findings(), []
    for finding in findings:
        index = next((i for i, w in enumerate(active) if covers(w, finding, config.directory)), None)
        if index is None:
            kept.append(finding)
        else:
            used.add(index)
            waived.append(Suppressed(finding, "waiver", active[index].reason))
    notices += [
        notice(UNUSED_WAIVER_RULE, config.source, w.line, f"waiver for {w.rule} matches no finding")
        for i, w in enumerate(active)
        if i not in used
    ]
    return kept, waived, notices
