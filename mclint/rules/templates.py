"""Check templates: the logic a declarative rule instantiates with its parameters, compiled once.

`field-match` covers nearly every coupling: look in a field, match a key and/or value.
`storage-class-name` is the same match whose findings a StorageClass defined in the scanned
tree can overrule (a class named gp3 that the repository itself defines as portable is fine).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from mclint.finding import Finding
from mclint.model import Manifest
from mclint.rules import expressions
from mclint.rules.checker import MAX_MATCHED_LENGTH
from mclint.rules.entries import OBJECT_READERS, Entry, jsonpath_reader
from mclint.rules.selectors import STRINGS, known_names, selectors_for

MATCH_KEYS = (
    "key",
    "key_prefix",
    "key_regex",
    "not_key",
    "value",
    "value_prefix",
    "value_suffix",
    "value_regex",
    "not_value_regex",
    "unless",
)
_KEY_CRITERIA = ("key", "key_prefix", "key_regex")

Predicate = Callable[[str | None, object], bool]


class TemplateError(ValueError):
    """A rule's parameters do not make a valid check; `param` names the rule key at fault."""

    def __init__(self, message: str, param: str = "match") -> None:
        super().__init__(message)
        self.param = param


def _strings(value: object, name: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise TemplateError(f"match.{name} must be a non-empty string or list of strings")
    return tuple(items)


class RulePattern:
    """A rule's regular expression, shown at most MAX_MATCHED_LENGTH characters of any text, and
    compiled on first use unless given compiled: a one-file scan compiles only the rules it runs."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str, compiled: re.Pattern[str] | None = None) -> None:
        self.source = source
        self._compiled = compiled

    def search(self, text: str) -> re.Match[str] | None:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = expressions.compiled(self.source)
        return compiled.search(text, 0, MAX_MATCHED_LENGTH)  # as if the text ended there


def _regex(value: object, name: str, eager: bool) -> RulePattern:
    """Compiled now when `eager` (rule files a user wrote: errors belong at load time), else on first use."""
    if not isinstance(value, str):
        raise TemplateError(f"match.{name} must be a regular expression string")
    try:
        return RulePattern(value, expressions.compiled(value) if eager else None)
    except re.error as error:
        raise TemplateError(f"match.{name} is not a valid regular expression: {error}") from None


def compile_match(spec: dict, *, eager: bool = True) -> tuple[Predicate, bool]:
    """A predicate over (key, value) from a match spec, and whether it points at the key."""
    unknown = sorted(set(spec) - set(MATCH_KEYS))
    if unknown:
        raise TemplateError(f"unknown match criteria {', '.join(unknown)} (known: {', '.join(MATCH_KEYS)})")
    if not spec:
        raise TemplateError("match needs at least one criterion")
    tests: list[Callable[[str | None, object], bool]] = []
    if "key" in spec:
        keys = frozenset(_strings(spec["key"], "key"))
        tests.append(lambda k, v: k in keys)
    if "key_prefix" in spec:
        prefixes = _strings(spec["key_prefix"], "key_prefix")
        tests.append(lambda k, v: k is not None and k.startswith(prefixes))
    if "key_regex" in spec:
        key_re = _regex(spec["key_regex"], "key_regex", eager)
        tests.append(lambda k, v: k is not None and key_re.search(k) is not None)
    if "not_key" in spec:
        excluded = frozenset(_strings(spec["not_key"], "not_key"))
        tests.append(lambda k, v: k not in excluded)
    if "value" in spec:
        values = frozenset(_strings(spec["value"], "value"))
        tests.append(lambda k, v: isinstance(v, str) and v in values)  # a list or mapping never matches
    if "value_prefix" in spec:
        value_prefixes = _strings(spec["value_prefix"], "value_prefix")
        tests.append(lambda k, v: isinstance(v, str) and v.startswith(value_prefixes))
    if "value_suffix" in spec:
        suffixes = _strings(spec["value_suffix"], "value_suffix")
        tests.append(lambda k, v: isinstance(v, str) and v.endswith(suffixes))
    if "value_regex" in spec:
        value_re = _regex(spec["value_regex"], "value_regex", eager)
        tests.append(lambda k, v: isinstance(v, str) and value_re.search(v) is not None)
    if "not_value_regex" in spec:
        not_re = _regex(spec["not_value_regex"], "not_value_regex", eager)
        tests.append(lambda k, v: not (isinstance(v, str) and not_re.search(v) is not None))
    if "unless" in spec:
        if not isinstance(spec["unless"], dict):
            raise TemplateError("match.unless must be a mapping of criteria")
        exception, _ = compile_match(spec["unless"], eager=eager)
        tests.append(lambda k, v: not exception(k, v))
    on_key = any(name in spec for name in _KEY_CRITERIA)
    return functools.reduce(_both, tests), on_key


def _both(first: Predicate, second: Predicate) -> Predicate:
    """`first and second`, as one call: a chain of these costs a fraction of all() over a generator,
    and every entry a rule might want goes through it."""
    return lambda k, v: first(k, v) and second(k, v)


def key_domains(spec: dict) -> frozenset[str] | None:
    """The key domains (text before the first '/') a match can fire on; None when any key can.

    RuleSet indexes field-match rules by these, so an annotation is tried only against the rules
    that name its domain instead of against every rule reading annotations.
    """
    if isinstance(spec.get("key"), (str, list)):
        return frozenset(str(key).partition("/")[0] for key in _listed(spec["key"]))
    prefixes = spec.get("key_prefix")
    if isinstance(prefixes, (str, list)) and all("/" in str(p) for p in _listed(prefixes)):
        return frozenset(str(p).partition("/")[0] for p in _listed(prefixes))
    return None


def value_requirement(spec: dict) -> str | None:
    """A regular expression every value the match fires on contains; None when there is none.

    RuleSet joins these into one expression per field, so a value no rule can want (most env
    values, most images) costs one search instead of one per rule.
    """
    regex = spec.get("value_regex")
    if isinstance(regex, str) and regex.startswith("(?i)"):  # a global flag cannot be joined; a scoped one can
        regex = f"(?i:{regex[4:]})"
    if isinstance(regex, str) and not re.search(r"\\[1-9]|\(\?P=|^\(\?[a-zA-Z]+\)", regex):
        return regex
    for name, shape in (("value", r"\A(?:{})\Z"), ("value_prefix", r"\A(?:{})"), ("value_suffix", r"(?:{})\Z")):
        values = spec.get(name)
        if isinstance(values, (str, list)) and all(isinstance(v, str) for v in _listed(values)):
            return shape.format("|".join(re.escape(v) for v in _listed(values)))
    return None


def _listed(value: str | list) -> list:
    return [value] if isinstance(value, str) else value


def field_places(field: str | list[str] | None, path: str | None, *, validate: bool = True) -> tuple:
    """Where a rule looks: Selectors for the walk, STRINGS, or object readers (apiVersion, JSONPath).

    `field` is a known field, a dotted path from the root, a `**.` path at any depth, or a list of
    them; `path` a JSONPath. `validate` parses a JSONPath now; without it jsonpath-ng is imported
    only when the reader first runs (the shipped packs: a one-file scan never pays for it).
    """
    if isinstance(field, list) and path is None:
        if not field:
            raise TemplateError("field list must not be empty", "field")
        places = [place for item in field for place in field_places(item, None, validate=validate)]
        return tuple(dict.fromkeys(places))
    if (field is None) == (path is None):
        raise TemplateError("give exactly one of 'field' (a known field or dotted path) or 'path' (JSONPath)", "field")
    if path is not None:
        if not isinstance(path, str) or not path.startswith("$"):
            raise TemplateError("path must be a JSONPath expression starting with '$'", "path")
        if validate:
            _check_jsonpath(path)
        return (jsonpath_reader(path),)
    if not isinstance(field, str):
        raise TemplateError("field must be a string", "field")
    if field == STRINGS:
        return (STRINGS,)
    if field in OBJECT_READERS:
        return (OBJECT_READERS[field],)
    selectors = selectors_for(field)
    if selectors is not None:
        return selectors
    known = ", ".join(known_names())
    raise TemplateError(
        f"unknown field {field!r}: use a known field ({known}), a dotted path, a '**.'-path, or a JSONPath in 'path'",
        "field",
    )


def _check_jsonpath(path: str) -> None:
    from jsonpath_ng.ext import parse

    try:
        parse(path)
    except Exception as error:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise TemplateError(f"path {path!r} is not valid JSONPath: {error}", "path") from None


def _shown(value: object) -> object:
    return value if isinstance(value, str) else ""


def field_match(params: dict, *, defer_to_storage_class: bool = False, eager: bool = True):
    """Instantiate the field-match template: every entry of the field that matches is a finding."""
    places = field_places(params.get("field"), params.get("path"), validate=eager)
    if not isinstance(params.get("match"), dict):
        raise TemplateError("match must be a mapping of criteria")
    matches, on_key = compile_match(params["match"], eager=eager)
    at = params.get("at")
    if at not in (None, "key", "value"):
        raise TemplateError("at must be 'key' or 'value'", "at")
    if at is not None:
        on_key = at == "key"
    match = params["match"]
    return FieldCheck(places, matches, on_key, defer_to_storage_class, key_domains(match), value_requirement(match))


class FieldCheck:
    """A compiled field-match check: the places it reads and the predicate over their entries.

    The engine (mclint.rules.checker) groups FieldChecks by place, so each place is read once per
    object however many rules look at it; called alone, a FieldCheck runs as a one-rule checker.
    """

    __slots__ = ("_alone", "defer", "domains", "matches", "on_key", "places", "value_pattern")

    def __init__(
        self,
        places: tuple,
        matches: Predicate,
        on_key: bool,
        defer: bool,
        domains: frozenset[str] | None = None,
        value_pattern: str | None = None,
    ) -> None:
        self.places, self.matches, self.on_key, self.defer = places, matches, on_key, defer
        self.domains = domains
        """Key domains the match needs (see key_domains); None when any key can match."""
        self.value_pattern = value_pattern
        """A regular expression any matching value contains (see value_requirement), or None."""
        self._alone = None

    def __call__(self, rule, manifest: Manifest) -> Iterator[Finding]:
        if self._alone is None:
            from mclint.rules.checker import Checker

            self._alone = Checker([rule])
        return iter(self._alone.check(manifest))

    def finding(self, rule, manifest: Manifest, entry: Entry) -> Finding:
        return _finding(rule, manifest, entry, self.on_key, self.defer)


def _finding(rule, manifest: Manifest, entry: Entry, on_key: bool, defer: bool) -> Finding:
    return rule.finding(
        manifest,
        entry.path,
        entry.key_at if on_key else entry.value_at,
        storage_class=entry.value if defer and isinstance(entry.value, str) else None,
        key=entry.key,
        value=_shown(entry.value),
    )


def storage_class_name(params: dict, *, eager: bool = True):
    params = {"field": "storageClassName", **params} if "path" not in params else params
    return field_match(params, defer_to_storage_class=True, eager=eager)


TEMPLATES = {
    "field-match": field_match,
    "storage-class-name": storage_class_name,
}

TEMPLATE_PARAMS = ("field", "path", "match", "at")
"""`at` points findings at the key or the value (default: the key when a key criterion is given)."""
