"""Find the rules: shipped rule packs, extra rule directories, and `mclint.rules` entry points.

Nothing registers itself at import; this module builds the list explicitly, and a duplicate id or
a malformed rule file is an error that names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from mclint import cache
from mclint.finding import Severity
from mclint.load import MapNode, SeqNode, load_bytes
from mclint.rules.rule import Criteria, Rule
from mclint.rules.templates import TEMPLATE_PARAMS, TEMPLATES, TemplateError
from mclint.vocabulary import VOCABULARY_FILE, rule_packs_dir, vocabulary

ENTRY_POINT_GROUP = "mclint.rules"
RULE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$"
"""Compiled through re's cache when a rule is validated: a scan whose packs come from the cache never is."""

REQUIRED = ("id", "title", "severity", "kinds", "message", "remediation")
OPTIONAL = (
    "provider",
    "category",
    "template",
    "why",
    "severity_reason",
    "equivalents",
    "portable_alternative",
    "docs",
    *TEMPLATE_PARAMS,
)
PACK_KEYS = ("provider", "category", "rules")


class RuleError(Exception):
    """A rule definition that cannot be used, with where it is."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")
        self.source, self.line, self.message = source, line, message


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rules(extra_dirs: Iterable[Path] = (), *, plugins: bool = True, validate: bool = False) -> list[Rule]:
    """All rules, sorted by id: shipped packs, then extra directories, then plugins.

    Regular expressions of the shipped packs compile on first use (the tests compile them all);
    those of extra directories compile now, so a bad one is an error at load time. `validate`
    compiles everything now.
    """
    rules = shipped_rules(eager=validate)
    for directory in extra_dirs:
        if not Path(directory).is_dir():
            raise RuleError(str(directory), 0, "rule directory does not exist")
        for path in rule_files(Path(directory)):
            rules.extend(load_rule_file(path))
    if plugins and _may_have_plugins():
        rules.extend(plugin_rules())
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(rule.source, 0, f"rule id {rule.id!r} is already defined in {seen[rule.id].source}")
        seen[rule.id] = rule
    return sorted(rules, key=lambda r: r.id)


def shipped_rules(*, eager: bool = False) -> list[Rule]:
    """The packs in rules/. Their rules are validated when parsed; the cache keeps the validated
    records, so an unchanged pack is neither parsed nor checked again (see mclint.cache)."""
    return [rule for rule, _ in _shipped(eager)]


def _shipped(eager: bool) -> list[tuple[Rule, dict]]:
    directory = rule_packs_dir()
    if not directory.is_dir():
        raise RuleError(str(directory), 0, "rule directory does not exist")
    blobs = [(f"rules/{path.name}", path.read_bytes()) for path in rule_files(directory)]
    packs = [(source, data) for source, data in blobs if source != f"rules/{VOCABULARY_FILE}"]
    key = cache.pack_key(blobs)  # the vocabulary too: the packs were validated against it
    records = cache.read(key)
    if records is not None:
        try:
            return [(_from_record(r, TEMPLATES[r["template"]](r["params"], eager=eager)), r) for r in records]
        except (KeyError, TypeError, ValueError, AttributeError, TemplateError):
            pass  # a cache that does not fit this version: parse the packs
    built = [
        _rule_record(node, defaults, source, line, eager)
        for source, data in packs
        for _, defaults, items in [_parse_pack(data, source)]
        for node, line in items
    ]
    cache.write(key, [record for _, record in built])
    return built


def _may_have_plugins() -> bool:
    """Whether any installed distribution declares `mclint.rules` entry points.

    importlib.metadata costs a one-file scan about 50 ms of imports; reading the entry_points.txt
    files on sys.path costs one or two. Anything this look cannot read (a zip on sys.path) counts as yes.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(entry or ".", name, "entry_points.txt"), encoding="utf-8") as handle:
                        if f"[{ENTRY_POINT_GROUP}]" in handle.read():
                            return True
                except (OSError, UnicodeDecodeError):
                    continue
    return False


def plugin_rules() -> list[Rule]:
    """Rules from installed packages' `mclint.rules` entry points (a Rule or an iterable of Rules)."""
    from importlib import metadata

    found: list[Rule] = []
    for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = entry.load()
        except Exception as error:
            raise RuleError(f"entry point {entry.name} ({entry.value})", 0, f"cannot load: {error}") from None
        items = [loaded] if isinstance(loaded, Rule) else list(loaded() if callable(loaded) else loaded)
        for item in items:
            if not isinstance(item, Rule):
                raise RuleError(f"entry point {entry.name}", 0, f"gave {type(item).__name__}, expected mclint Rule")
            _check_identity(item.id, item.provider, item.category, item.source or entry.value, 0)
            found.append(item)
    return found


def load_rule_file(path: Path, display: str | None = None, *, eager: bool = True) -> list[Rule]:
    return _pack_rules(*_parse_pack(path.read_bytes(), display or _display(path)), eager)


def _parse_pack(data: bytes, source: str) -> tuple[str, dict, list[tuple[object, int]]]:
    """A rule file's pack defaults and its rules, each with its line."""
    loaded = load_bytes(data)
    if loaded.problems:
        problem = loaded.problems[0]
        raise RuleError(source, problem.line, problem.message)
    if len(loaded.documents) != 1 or type(loaded.documents[0].root) is not MapNode:
        raise RuleError(source, 1, "a rule file holds one mapping with 'rules:' (and optional provider, category)")
    pack = loaded.documents[0].root
    _reject_unknown(pack, PACK_KEYS, source, "rule file")
    rules_node = pack.get("rules")
    if type(rules_node) is not SeqNode:
        raise RuleError(source, pack.line, "'rules' must be a list of rules")
    defaults = {key: pack[key] for key in ("provider", "category") if key in pack}
    return source, defaults, [(item, rules_node.item_position(i)[0]) for i, item in enumerate(rules_node)]


def _pack_rules(source: str, defaults: dict, items: list[tuple[object, int]], eager: bool) -> list[Rule]:
    return [_rule(item, defaults, source, line, eager) for item, line in items]


def _display(path: Path) -> str:
    """Shipped packs show as rules/<file> wherever they are installed; others as given."""
    try:
        path.resolve().relative_to(rule_packs_dir().resolve())
        return f"rules/{path.name}"
    except ValueError:
        return str(path)


def _reject_unknown(node: MapNode, allowed: Iterable[str], source: str, what: str) -> None:
    allowed = tuple(allowed)
    for key in node:
        if key not in allowed:
            raise RuleError(
                source, node.key_position(key)[0], f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})"
            )


def _rule(node: object, defaults: dict, source: str, line: int, eager: bool = True) -> Rule:
    return _rule_record(node, defaults, source, line, eager)[0]


def _rule_record(node: object, defaults: dict, source: str, line: int, eager: bool) -> tuple[Rule, dict]:
    """A validated rule, and the plain record the cache keeps to build it again without checks."""
    if type(node) is not MapNode:
        raise RuleError(source, line, "each rule must be a mapping")
    _reject_unknown(node, REQUIRED + OPTIONAL, source, "rule")
    for key in REQUIRED:
        if key not in node:
            raise RuleError(source, node.line, f"rule is missing {key!r}")
    spec = {**defaults, **node}
    rule_id = spec["id"]

    def fail(key: str, message: str) -> RuleError:
        where = node.key_position(key)[0] if key in node else node.line
        return RuleError(source, where, f"{rule_id}: {message}")

    _check_identity(rule_id, spec.get("provider"), spec.get("category"), source, node.line)
    try:
        severity = Severity.parse(str(spec["severity"]))
    except ValueError as error:
        raise fail("severity", str(error)) from None
    kinds = spec["kinds"]
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise fail("kinds", "kinds must be a non-empty list of kind names ('*' for all, '@workload' for pod templates)")
    template_name = spec.get("template", "field-match")
    if template_name not in TEMPLATES:
        raise fail("template", f"unknown template {template_name!r} (known: {', '.join(TEMPLATES)})")
    try:
        params = {key: _plain(spec[key]) for key in TEMPLATE_PARAMS if key in spec}
        check = TEMPLATES[template_name](params, eager=eager)
    except TemplateError as error:
        raise fail(error.param, str(error)) from None
    except RecursionError:
        raise fail("match", "match criteria nested too deeply") from None
    problem = message_problem(_text(spec, "message"))
    if problem:
        raise fail("message", problem)
    docs = _text(spec, "docs")
    if docs and not re.fullmatch(r"https://[^\s<>\"'`]+", docs):
        raise fail("docs", f"docs must be an https:// address, not {docs[:80]!r}")
    equivalents = spec.get("equivalents", MapNode(node.line, node.column))
    if not isinstance(equivalents, dict):
        raise fail("equivalents", "equivalents must map provider to text")
    record = {
        "id": rule_id,
        "title": _text(spec, "title"),
        "provider": spec["provider"],
        "category": spec["category"],
        "severity": severity.label,
        "kinds": list(kinds),
        "message": _text(spec, "message"),
        "remediation": _text(spec, "remediation"),
        "why": _text(spec, "why"),
        "severity_reason": _text(spec, "severity_reason"),
        "equivalents": {str(k): str(v) for k, v in equivalents.items()},
        "portable_alternative": _text(spec, "portable_alternative"),
        "docs": _text(spec, "docs"),
        "source": f"{source}:{node.line}",
        "template": template_name,
        "params": params,
    }
    return _from_record(record, check), record


MESSAGE_FIELDS = ("kind", "name", "namespace", "provider", "key", "value")
"""What a rule's message may name, each as a plain `{field}`."""


def message_problem(message: str) -> str:
    """Why `message` is not a plain template of MESSAGE_FIELDS, or "" when it is: an attribute or
    index (`{value.__class__}`), a conversion or a format spec (`{value:>300000000}`) would let a rule
    file read the interpreter's objects or write a report of any size."""
    import string

    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as error:
        return f"message is not a valid template ({error}; write a literal brace as {{{{ or }}}})"
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in MESSAGE_FIELDS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"message field {shown[:80]!r} is not one of " + ", ".join(f"{{{f}}}" for f in MESSAGE_FIELDS)
    return ""


def _from_record(record: dict, check) -> Rule:
    fields = {k: v for k, v in record.items() if k not in ("template", "params")}
    criteria = Criteria(record["template"], record["params"])
    return Rule(
        **{**fields, "severity": Severity[record["severity"].upper()], "kinds": tuple(record["kinds"])},
        check=check,
        criteria=criteria,
    )


def _check_identity(rule_id: object, provider: object, category: object, source: str, line: int) -> None:
    if not isinstance(rule_id, str) or not re.match(RULE_ID, rule_id):
        raise RuleError(
            source, line, f"rule id {rule_id!r} must be lowercase words joined by '-' (provider-category-name)"
        )
    words = vocabulary()
    if provider not in words.providers:
        raise RuleError(source, line, f"{rule_id}: unknown provider {provider!r} (known: {', '.join(words.providers)})")
    if category not in words.categories:
        raise RuleError(
            source, line, f"{rule_id}: unknown category {category!r} (known: {', '.join(words.categories)})"
        )
    if not rule_id.startswith(f"{provider}-{category}-"):
        raise RuleError(source, line, f"rule id {rule_id!r} must start with '{provider}-{category}-'")


def _text(spec: dict, key: str) -> str:
    """One-line fields are folded to one line; long explanations keep their paragraphs."""
    value = spec.get(key)
    if value is None:
        return ""
    if key in ("why", "severity_reason", "portable_alternative"):
        return "\n\n".join(" ".join(p.split()) for p in str(value).split("\n\n") if p.strip())
    return " ".join(str(value).split())


def _plain(value: object) -> object:
    if type(value) is MapNode:
        return {k: _plain(v) for k, v in value.items()}
    if type(value) is SeqNode:
        return [_plain(v) for v in value]
    return value
