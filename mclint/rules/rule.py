"""A Rule: its documentation (id, why, equivalents, ...) and its match criteria beside the compiled check."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mclint.finding import Finding, Severity
from mclint.finding.clip import MAX_FIELD, MAX_SHOWN, clip
from mclint.load import Position
from mclint.model import Manifest

Check = Callable[["Rule", Manifest], Iterable[Finding]]


class Criteria:
    """What a declarative rule matches, as its rule file says it, in plain data: what reasons about
    rules without running them (the static Helm pass, the overlap test) reads this.

    `params` is the rule's field, path, match and at as written; the properties name them. (A plain
    class, like Rule: a NamedTuple costs every start a tenth of a millisecond to define.)
    """

    __slots__ = ("params", "template")

    def __init__(self, template: str, params: dict) -> None:
        self.template = template
        """field-match, or storage-class-name (which reads storageClassName unless given a field or path)."""
        self.params = params

    @property
    def field(self) -> str | list[str] | None:
        """A known field, a dotted path, or a list of them."""
        return self.params.get("field")

    @property
    def path(self) -> str | None:
        """A JSONPath, when no field is given."""
        return self.params.get("path")

    @property
    def match(self) -> dict:
        """The match spec: key, key_prefix, key_regex, not_key, value, ..., unless."""
        return self.params["match"]

    @property
    def at(self) -> str | None:
        """key or value: where findings point; unset, the key when a key criterion is given."""
        return self.params.get("at")

    def __repr__(self) -> str:
        return f"Criteria({self.template!r}, {self.params!r})"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Rule:
    """Metadata and a pure check; a rule keeps no state between objects.

    Compared by identity (each rule is one shared object) and never changed once made: replace()
    gives a copy. A plain class, not a dataclass: dataclasses imports inspect, and rules are built
    on every start, the one-file pre-commit run included.
    """

    __slots__ = (
        "category",
        "check",
        "criteria",
        "docs",
        "equivalents",
        "id",
        "kinds",
        "message",
        "portable_alternative",
        "provider",
        "remediation",
        "severity",
        "severity_reason",
        "source",
        "title",
        "why",
    )

    def __init__(
        self,
        id: str,
        title: str,
        provider: str,
        category: str,
        severity: Severity,
        kinds: tuple[str, ...],
        message: str,
        remediation: str,
        check: Check,
        why: str = "",
        severity_reason: str = "",
        equivalents: dict[str, str] | None = None,
        portable_alternative: str = "",
        docs: str = "",
        source: str = "",
        criteria: Criteria | None = None,
    ) -> None:
        self.id = id
        self.title = title
        self.provider = provider
        self.category = category
        self.severity = severity
        self.kinds = kinds
        self.message = message
        self.remediation = remediation
        self.check = check
        self.why = why
        self.severity_reason = severity_reason
        self.equivalents = {} if equivalents is None else equivalents
        self.portable_alternative = portable_alternative
        self.docs = docs
        self.source = source
        """Where the rule is defined (a rule file, or a Python module for plugins)."""
        self.criteria = criteria
        """The declarative criteria its check was compiled from; None for a Python rule."""

    def replace(self, **changes: object) -> Rule:
        values = {name: getattr(self, name) for name in self.__slots__}
        return Rule(**{**values, **changes})

    def __repr__(self) -> str:
        return f"Rule({self.id!r}, {self.provider}/{self.category}, {self.severity.label})"

    def finding(
        self,
        manifest: Manifest,
        path: str,
        at: Position,
        *,
        storage_class: str | None = None,
        **values: object,
    ) -> Finding:
        """A finding of this rule on one field, its message filled from the object and `values`.

        Every finding of a scan is made here: the fields are given in Finding's order, not by name,
        and clip() is called only for a long text (together a third of the cost)."""
        context = _Blank(kind=manifest.kind, name=manifest.name, namespace=manifest.namespace, provider=self.provider)
        for name, value in values.items():
            if value is None:
                value = ""
            elif isinstance(value, str) and len(value) > MAX_SHOWN:
                value = clip(value)
            context[name] = value
        return Finding(
            self.id,
            self.provider,
            self.category,
            self.severity,
            manifest.file,
            at[0],
            at[1],
            manifest.ref,
            path if len(path) <= MAX_FIELD else clip(path, MAX_FIELD),
            self.message.format_map(context),
            self.remediation,
            storage_class,
        )
