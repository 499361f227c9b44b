"""Stage 6: reporters. Each turns a finished Report into text for one reader; none re-reads files."""

from __future__ import annotations

from collections import Counter

from mclint import __version__
from mclint.api import ScanResult
from mclint.entry import EXIT_FAIL, EXIT_OK
from mclint.finding import Severity
from mclint.score import ScoreCard


class Report:
    """A finished scan: what reporters receive."""

    def __init__(
        self,
        result: ScanResult,
        card: ScoreCard,
        tool_version: str = __version__,
        extras: dict | None = None,
        rules: list | None = None,
    ) -> None:
        self.result = result
        self.card = card
        self.tool_version = tool_version
        self.extras = {} if extras is None else extras
        self.rules = [] if rules is None else rules
        """The rules the scan ran (mclint.rules.Rule), for formats that describe them (SARIF, Markdown)."""
        self._snippet_cursor = self._snippet_next = self._snippet_file = None
        self._snippet_lines: dict[int, str] = {}

    def snippet(self, finding) -> str:
        """The finding's source line, captured during the scan.

        The lines are spooled a file at a time in file order: asked in report order, as the HTML
        report asks, the lookups take one pass; asked out of order, they start again from the front.
        """
        if finding.file != self._snippet_file:
            self._snippet_file, self._snippet_lines = finding.file, self._snippets_of(finding.file)
        return self._snippet_lines.get(finding.line, "")

    def _snippets_of(self, file: str) -> dict[int, str]:
        if self._snippet_cursor is None or self._snippet_file is None or file < self._snippet_file:
            self._snippet_cursor = iter(self.result.snippets)
            self._snippet_next = next(self._snippet_cursor, None)
        while self._snippet_next is not None and self._snippet_next[0] < file:
            self._snippet_next = next(self._snippet_cursor, None)
        if self._snippet_next is not None and self._snippet_next[0] == file:
            return self._snippet_next[1]
        return {}

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

    def exit_status(self, fail_on: str, fail_under: int) -> int:
        """1 for unreadable input, a finding at or above `fail_on` ('none': never), or a score under
        `fail_under`; else 0."""
        if self.result.errors:
            return EXIT_FAIL
        if fail_on != "none":
            threshold = Severity.parse(fail_on)
            if any(severity >= threshold for severity in self.result.findings.severities()):
                return EXIT_FAIL
        return EXIT_FAIL if self.card.overall < fail_under else EXIT_OK

    def provider_category_table(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for (provider, category, _), count in self.result.findings.counts.items():
            table.setdefault(provider, Counter())[category] += count
        return dict(sorted(table.items()))


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")
