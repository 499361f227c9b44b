"""A Rule: its documentation (id, why, equivalents, ...) beside the compiled check that finds it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mclint.finding import Finding, Severity
from mclint.load import Position
from mclint.model import Manifest

Check = Callable[["Rule", Manifest], Iterable[Finding]]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, eq=False)  # compared by identity: each rule is one object, shared
class Rule:
    """Metadata and a pure check; a rule keeps no state between objects."""

    id: str
    title: str
    provider: str
    category: str
    severity: Severity
    kinds: tuple[str, ...]
    message: str
    remediation: str
    check: Check = field(repr=False, compare=False)
    why: str = ""
    severity_reason: str = ""
    equivalents: dict[str, str] = field(default_factory=dict, compare=False)
    portable_alternative: str = ""
    docs: str = ""
    source: str = ""
    """Where the rule is defined (a rule file, or a Python module for plugins)."""

    def finding(
        self,
        manifest: Manifest,
        path: str,
        at: Position,
        *,
        storage_class: str | None = None,
        **values: object,
    ) -> Finding:
        """A finding of this rule on one field, its message filled from the object and `values`."""
        context = _Blank(
            kind=manifest.kind,
            name=manifest.name,
            namespace=manifest.namespace,
            provider=self.provider,
            **{k: "" if v is None else v for k, v in values.items()},
        )
        return Finding(
            rule_id=self.id,
            provider=self.provider,
            category=self.category,
            severity=self.severity,
            file=manifest.file,
            line=at[0],
            column=at[1],
            obj=manifest.ref,
            field=path,
            message=self.message.format_map(context),
            remediation=self.remediation,
            storage_class=storage_class,
        )
