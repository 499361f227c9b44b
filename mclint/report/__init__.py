"""Stage 6: reporters. Each turns a finished Report into text for one reader; none re-reads files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mclint import __version__
from mclint.api import ScanResult
from mclint.finding import Severity
from mclint.score import ScoreCard


@dataclass(eq=False)
class Report:
    """A finished scan: what reporters receive."""

    result: ScanResult
    card: ScoreCard
    tool_version: str = __version__
    extras: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)
    """The rules the scan ran (mclint.rules.Rule), for formats that describe them (SARIF, Markdown)."""

    def snippet(self, finding) -> str:
        """The finding's source line, captured during the scan."""
        return self.result.snippets.get((finding.file, finding.line), "")

    def rule(self, rule_id: str):
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def findings(self):
        return self.result.findings

    def summary(self) -> dict:
        """Counts by provider, category and severity (every severity present, zeros included)."""
        findings = self.result.findings
        severities = Counter(f.severity.label for f in findings)
        return {
            "findings": len(findings),
            "providers": dict(sorted(Counter(f.provider for f in findings).items())),
            "categories": dict(sorted(Counter(f.category for f in findings).items())),
            "severities": {s.label: severities.get(s.label, 0) for s in sorted(Severity, reverse=True)},
            "files": self.result.files,
            "objects": len(self.result.objects),
            "rules": self.result.rules,
            "errors": len(self.result.errors),
            "warnings": len(self.result.warnings),
            "skipped": len(self.result.skipped),
        }

    def provider_category_table(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for finding in self.result.findings:
            table.setdefault(finding.provider, Counter())[finding.category] += 1
        return dict(sorted(table.items()))


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")
