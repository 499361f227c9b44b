"""What a scan produces, as plain records: each file's result, the merged scan, and the Report reporters read.

Data only, below every stage that fills or reads it: api builds them, suppress and score transform
them, reporters read them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from operator import itemgetter

from mclint import __version__
from mclint.finding import Diagnostic, Finding, ObjectRef, Severity, Skipped, Suppressed
from mclint.finding.spools import Findings, FindingsRun, object_spool
from mclint.model.facts import ObjectFacts
from mclint.model.factstore import FactsStore
from mclint.process import EXIT_FAIL, EXIT_OK
from mclint.score import ScoreCard
from mclint.spool import EncodedRun, Spool
from mclint.suppress import Mark

SNIPPET_BATCH = 256
"""Files' source lines per spooled batch: a file's lines weigh several findings each."""

FileLines = tuple[str, dict[int, str]]
"""(file, {line: text}): the source lines of one file that findings point at, captured during the scan."""


def snippet_spool(items: Iterable[FileLines] = ()) -> Spool[FileLines]:
    """A scan's captured source lines, a file at a time, in file order."""
    return Spool(items, key=itemgetter(0), batch=SNIPPET_BATCH)


class FileResult:
    """What one file contributed; plain data, so it can cross a process boundary."""

    __slots__ = ("errors", "facts", "findings", "marks", "objects", "snippets", "storage_classes", "warnings")

    def __init__(
        self,
        findings: list[Finding] | None = None,
        errors: list[Diagnostic] | None = None,
        objects: list[ObjectRef] | None = None,
        storage_classes: dict[str, bool] | None = None,
        marks: list[Mark] | None = None,
        snippets: dict[tuple[str, int], str] | None = None,
        warnings: list[Diagnostic] | None = None,
    ) -> None:
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.objects = [] if objects is None else objects
        self.storage_classes = {} if storage_classes is None else storage_classes
        """StorageClass name → whether any rule found a provider coupling on it."""
        self.marks = [] if marks is None else marks
        """Suppressions written in the file (annotations, `# mclint: ignore[...]` comments)."""
        self.snippets = {} if snippets is None else snippets
        self.warnings = [] if warnings is None else warnings
        self.facts: list[ObjectFacts] = []
        """What links this file's workloads to the objects that serve them (mclint.model.facts)."""


class Piece:
    """Consecutive files' results as a forked worker hands them back: their findings and objects
    already encoded as the scan's spools keep them (mclint.spool.EncodedRun), so the main process
    stores the bytes instead of unpickling and encoding every finding while the workers lint; the
    rest of each file's result as its FileResult (findings and objects left empty)."""

    __slots__ = ("files", "findings", "objects")

    def __init__(self, files: list[FileResult], findings: FindingsRun, objects: EncodedRun) -> None:
        self.files = files
        self.findings = findings
        self.objects = objects


class ScanResult:
    """A finished scan, before suppressions and scores."""

    def __init__(
        self,
        findings: Iterable[Finding],
        errors: list[Diagnostic],
        skipped: list[Skipped],
        objects: Iterable[ObjectRef],
        files: int,
        rules: int,
        suppressed: Iterable[Suppressed] | None = None,
        marks: list[Mark] | None = None,
        notices: list[Finding] | None = None,
        snippets: Spool | dict[tuple[str, int], str] | None = None,
        warnings: list[Diagnostic] | None = None,
        rendered: object = None,
        facts: Iterable[ObjectFacts] | None = None,
    ) -> None:
        self.findings = findings if isinstance(findings, Findings) else Findings(findings)
        """In report order; a plain list given here becomes a Findings."""
        self.errors = errors
        self.skipped = skipped
        self.objects = objects if isinstance(objects, Spool) else object_spool(objects)
        """Every object seen, in file order; a plain list given here becomes a Spool."""
        self.files = files
        self.rules = rules
        self.suppressed = [] if suppressed is None else suppressed
        self.marks = [] if marks is None else marks
        self.notices = [] if notices is None else notices
        """Info-level items about suppressions themselves (unused, expired); never scored."""
        if not isinstance(snippets, Spool):
            snippets = snippet_spool(snippets_by_file(snippets or {}))
        self.snippets = snippets
        """FileLines for each file with findings, in file order, when options.snippets
        asked for them: reporters never re-read files. A dict {(file, line): text} given here is spooled."""
        self.warnings = [] if warnings is None else warnings
        """Documents that look like mistakes (a list, a kind without apiVersion, no name); not errors."""
        self.rendered = rendered
        """mclint.render.Rendered: builds, overlays and notices from the render stage (None when off)."""
        self.facts = facts if isinstance(facts, FactsStore) else FactsStore(facts or ())
        """The link facts of the workloads and of the objects that may serve them, in file order (on
        disk past a thousand; a plain list given here is stored)."""

    def replace(self, **changes: object) -> ScanResult:
        """A copy with some fields changed (the policy stage swaps findings, suppressed, notices)."""
        return ScanResult(**{**vars(self), **changes})


def snippets_by_file(snippets: dict[tuple[str, int], str]) -> list[FileLines]:
    by_file: dict[str, dict[int, str]] = {}
    for (file, line), text in snippets.items():
        by_file.setdefault(file, {})[line] = text
    return sorted(by_file.items())


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
        self.units = None
        """The deployable units the score is a mean over (mclint.score.units.Units); None: every
        object a unit of its own."""
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
        while self._snippet_next is not None:
            next_file, lines = self._snippet_next
            if next_file >= file:
                return lines if next_file == file else {}
            self._snippet_next = next(self._snippet_cursor, None)
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
            "units": self.card.units,
            "workloads": self.card.workloads or {"total": 0},
        }

    def exit_status(self, fail_on: str, fail_under: int) -> int:
        """1 for unreadable input, a finding at or above `fail_on` ('none': never), or a score under
        `fail_under` (no score, nothing scanned, is under any N > 0); else 0."""
        if self.result.errors:
            return EXIT_FAIL
        if fail_on != "none":
            threshold = Severity.parse(fail_on)
            if any(severity >= threshold for severity in self.result.findings.severities()):
                return EXIT_FAIL
        if fail_under > 0 and (self.card.overall is None or self.card.overall < fail_under):
            return EXIT_FAIL
        return EXIT_OK

    def provider_category_table(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for (provider, category, _), count in self.result.findings.counts.items():
            table.setdefault(provider, Counter())[category] += count
        return dict(sorted(table.items()))
