"""Linting built objects: each distinct object once per scan, whichever roots built it.

Overlays repeat their base's objects and every build repeats its CRDs. A document's findings do not
depend on the root that built it (only where they are mapped back to does, and that is read from its
build metadata, kept apart), so the first lint of a content digest serves every later build of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mclint.finding import Diagnostic, Finding, ObjectRef
from mclint.render.documents import BuiltDocument, crd_head, split_documents
from mclint.render.tools import ToolRun


class BuildOutput(NamedTuple):
    """A finished build: its wrapper directory (origins are relative to it), outcome and objects."""

    wrapper: Path
    ok: bool
    message: str
    stderr: bytes
    documents: list[BuiltDocument]

    @classmethod
    def of(cls, run: ToolRun, wrapper: Path) -> BuildOutput:
        documents = list(split_documents(run.stdout)) if run.ok else []
        return cls(wrapper, run.ok, run.message, run.stderr, documents)


class LintedDocument(NamedTuple):
    """What linting one built object gave: findings with their rendered line's text, objects, errors."""

    findings: list[tuple[Finding, str]]
    objects: list[ObjectRef]
    errors: list[Diagnostic]
    storage_classes: dict[str, bool]
    facts: list
    """mclint.model.facts.ObjectFacts of its objects, under the refs in `objects`."""


class DocumentLinter:
    """The scan's linter applied to built objects, remembering each content digest's result."""

    def __init__(self, lint, max_size: int, crd_bodies: bool) -> None:
        self._lint = lint
        self.max_size = max_size
        self.crd_bodies = crd_bodies
        self._done: dict[bytes, LintedDocument] = {}
        self.linted = 0
        """Distinct objects linted so far (the rest were served from the first lint of their content)."""

    def knows(self, digest: bytes) -> bool:
        return digest in self._done

    def lint(self, document: BuiltDocument, display: str) -> tuple[LintedDocument, bool]:
        """The document's result, and whether this was its first lint (its errors are reported once)."""
        done = self._done.get(document.digest)
        if done is not None:
            return done, False
        done = self._done[document.digest] = self._lint_new(document, display)
        self.linted += 1
        return done, True

    def _lint_new(self, document: BuiltDocument, display: str) -> LintedDocument:
        content = document.content
        if len(content) > self.max_size:
            message = (
                f"skipped: a built object of {len(content):,} bytes from {display} is over the "
                f"{self.max_size:,}-byte limit (--max-file-size)"
            )
            return LintedDocument([], [], [Diagnostic(display, 0, 0, message)], {}, [])
        head = None if self.crd_bodies else crd_head(content)
        data = content if head is None else head
        result = self._lint(data, display)
        lines = data.decode("utf-8", "replace").splitlines() if result.findings else []
        findings = [(f, lines[f.line - 1] if 0 < f.line <= len(lines) else "") for f in result.findings]
        errors = [
            error._replace(message=f"{error.message} (in {display})", line=0, column=0) for error in result.errors
        ]
        return LintedDocument(findings, result.objects, errors, result.storage_classes, result.facts)
