"""Everything a team accepts, applied once to a finished scan, in a fixed order.

Annotations and comments first (closest to the code), then config waivers, then the baseline or
`--new-since` ref, then targets. Each suppressed finding keeps how and why; unused or expired
suppressions become notices, which are reported but never scored.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from mclint.config import Config
from mclint.finding import suppressed_order
from mclint.result import ScanResult
from mclint.score import Expected
from mclint.score.targets import for_targets
from mclint.spool import Spool
from mclint.suppress import apply_marks, unused_notice
from mclint.suppress.baseline import apply_baseline
from mclint.suppress.waivers import apply_waivers


@dataclass
class Policy:
    config: Config = field(default_factory=Config)
    known: dict[str, str] | None = None
    """Fingerprints of accepted findings (from --baseline or --new-since) → their file; None when neither is used."""
    known_reason: str = ""
    expected: Expected | None = None
    """The couplings the targets expect (mclint.score.targets.expectation): they become info."""
    today: datetime.date | None = None
    scanned: Callable[[str], bool] | None = None
    """Whether a file was within the scan: only entries of such files can be "gone"."""


@dataclass
class Applied:
    result: ScanResult
    baseline: dict | None = None
    """{"matched": n, "gone": n} when a baseline or ref was compared."""
    untargeted: list = field(default_factory=list)
    """The kept findings before targets downgraded any: what per-target scores start from."""


def apply_policy(result: ScanResult, policy: Policy) -> Applied:
    findings, marked, unused = apply_marks(result.findings, result.marks)
    notices = [unused_notice(mark, rules) for mark, rules in unused]
    findings, waived, waiver_notices = apply_waivers(findings, policy.config, policy.today)
    suppressed = [marked, waived]  # each in finding order; merged below
    notices += waiver_notices
    baseline = None
    if policy.known is not None:
        outcome = apply_baseline(findings, policy.known, policy.known_reason, policy.scanned)
        findings = outcome.kept
        suppressed.append(outcome.suppressed)
        baseline = {"matched": outcome.matched, "gone": outcome.gone}
    untargeted = findings
    if policy.expected is not None:
        findings = for_targets(findings, policy.expected)
    result = result.replace(
        findings=findings,
        suppressed=Spool(
            heapq.merge(sorted(result.suppressed, key=suppressed_order), *suppressed, key=suppressed_order),
            key=suppressed_order,
        ),
        notices=sorted(result.notices + notices, key=lambda f: f.sort_key),
    )
    return Applied(result, baseline, untargeted)
