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
        """Counts by provider, category and severity (every severity present, zeros included).

        Read from the counts the Findings kept as they were added: no pass over the findings.
        """
        counts = self.result.findings.counts
        providers: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        severities: Counter[Severity] = Counter()
        for (provider, category, severity), count in counts.items():
            providers[provider] += count
            categories[category] += count
            severities[severity] += count
        return {
            "findings": len(self.result.findings),
            "providers": dict(sorted(providers.items())),
            "categories": dict(sorted(categories.items())),
            "severities": {s.label: severities.get(s, 0) for s in sorted(Severity, reverse=True)},
            "files": self.result.files,
            "objects": len(self.result.objects),
            "rules": self.result.rules,
            "errors": len(self.result.errors),
            "warnings": len(self.result.warnings),
            "skipped": len(self.result.skipped),
        }

    def provider_category_table(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for (provider, category, _), count in self.result.findings.counts.items():
            table.setdefault(provider, Counter())[category] += count
        return dict(sorted(table.items()))


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")
