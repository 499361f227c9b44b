"""Helm charts: rendered with `helm template` when helm is on PATH, else a static pass over the chart's text.

The static pass reads values.yaml and the templates line by line for `key: value` pairs that the loaded
rules' own match criteria accept (annotation keys, storage class names, provisioners, ingress classes),
so there is no second list of couplings to keep in step, and a --rules-dir rule counts as a shipped one. A value-only criterion (a class name such as
gp3) only counts under a key that names the rule's field (storageClass, className, provisioner...).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mclint.discover import CHART_FILES, walk_folders, within
from mclint.finding import Finding, ObjectRef
from mclint.finding.clip import clip
from mclint.load.text import FileText
from mclint.render.origin import KEY_VALUE, Show, SourceText, locate, rendered_key_value
from mclint.render.paths import resolved
from mclint.rules.checker import Group, Member, Strings
from mclint.rules.rule import Criteria, Rule
from mclint.rules.selectors import STRINGS
from mclint.rules.templates import compile_match, key_domains, value_requirement

SOURCE_COMMENT = re.compile(r"^# Source: (.*\S)\s*$")
CONTAINER_FIELDS = frozenset(("annotations", "labels", "volumes", "nodeselector", "metadata", "pod", "spec"))
FIELD_ALIASES = {
    "storage-class-name": ("storageclassname",),
    "image": ("image", "repository"),
    "api.group": ("apiversion",),  # provider-api rules read api.group: an apiVersion line names it
}
STATIC_KIND = "HelmChart"


def find_charts(root: Path) -> list[Path]:
    charts = []
    for directory, files in walk_folders(root):
        if any(name in files for name in CHART_FILES):
            charts.append(resolved(directory.absolute()))
    return sorted(charts)


def template_command(base: list[str], chart: Path, values: tuple[str, ...], sets: tuple[str, ...]) -> list[str]:
    argv = [*base, "mclint", str(chart)]
    for file in values:
        argv += ["--values", file]
    for item in sets:
        argv += ["--set", item]
    return argv


def template_of(line: int, lines: list[str], chart: Path) -> Path:
    """The template a line of `helm template` output came from (the `# Source:` comment above it)."""
    for index in range(min(line, len(lines)) - 1, -1, -1):
        match = SOURCE_COMMENT.match(lines[index])
        if match:
            template = chart.parent / match.group(1)
            return template if template.is_file() else chart / CHART_FILES[0]
    return chart / CHART_FILES[0]


def remap_object(ref: ObjectRef, lines: list[str], chart: Path, show: Show) -> ObjectRef:
    display = show(template_of(ref.line, lines, chart))
    return ObjectRef(display, ref.document, ref.kind, ref.namespace, ref.name, 1)


def remap_rendered(finding: Finding, lines: list[str], chart: Path, sources: SourceText, show: Show) -> Finding:
    """Move a finding on `helm template` output to its template file and the line holding the value."""
    template = template_of(finding.obj.line, lines, chart)
    key, value = rendered_key_value(lines[finding.line - 1] if 0 < finding.line <= len(lines) else "")
    spot = locate(key, value, [template], sources)
    _, line, column = spot or (template, 1, 1)
    obj = remap_object(finding.obj, lines, chart, show)
    return finding._replace(file=obj.file, line=line, column=column, obj=obj)


@dataclass(frozen=True)
class TextCriterion:
    """One rule's match criteria, applied to a `key: value` line of unrendered chart text."""

    rule: Rule
    matches: object
    on_key: bool
    fields: tuple[str, ...]
    domains: frozenset[str] | None = None
    """Key domains the match needs (mclint.rules.templates.key_domains), for the index."""
    value_pattern: str | None = None
    """A pattern every value it matches contains (mclint.rules.templates.value_requirement)."""

    def accepts(self, key: str, value: str) -> bool:
        return self.matches(key, value or None) and self.names_field(key)

    def names_field(self, key: str) -> bool:
        """A value-only criterion counts only under a key that names the rule's field."""
        if self.on_key or STRINGS in self.fields:
            return True
        lowered = key.lower()
        return any(lowered in field or field in lowered for field in self.fields)


class TextCriteria:
    """The criteria of the rules in use, indexed as the rule engine indexes them (by key domain, one
    joined expression over the values they need, and the literals a rule over every string needs), so
    a line meets only the few that could accept it rather than every rule."""

    def __init__(self, criteria: list[TextCriterion]) -> None:
        self.criteria = criteria
        in_text = [c for c in criteria if STRINGS in c.fields]
        by_key = [c for c in criteria if STRINGS not in c.fields]
        self._index = Group([Member(criterion, criterion) for criterion in by_key])
        self._strings = Strings([Member(criterion, criterion) for criterion in in_text])
        self._order = {id(criterion): index for index, criterion in enumerate(criteria)}
        self._seen: dict[tuple[str, str], list[TextCriterion]] = {}
        """Charts repeat their lines (a seventh of them are distinct in ../shared/corpus): each is tried once."""
        self._seen_text: dict[str, TextCriterion | None] = {}
        self._lines: dict[tuple[str, bool], list[Hit]] = {}

    def __len__(self) -> int:
        return len(self.criteria)

    def accepting(self, key: str, value: str) -> list[TextCriterion]:
        """The criteria that accept a `key: value` line, in rule order."""
        found = self._seen.get((key, value))
        if found is None:
            matched = {id(m.rule): m.rule for m in self._index.matches(key, value or None) if m.rule.names_field(key)}
            found = self._seen[key, value] = sorted(matched.values(), key=lambda c: self._order[id(c)])
        return found

    def in_file(self, lines: list[str]) -> tuple | None:
        """The literals of the rules over every string that a file's text holds (None: no line of it can
        match one), found once per file as the rule engine finds them, so each line is searched for those
        few rather than for every literal."""
        return self._strings.active(FileText.of_text("\n".join(lines)))

    def line_hits(self, text: str, active: tuple | None) -> list[Hit]:
        """line_hits of a line, worked out once per distinct line (and whether its file holds any literal)."""
        asked = (text, active is None)
        found = self._lines.get(asked)
        if found is None:
            found = self._lines[asked] = line_hits(text, self, active)
        return found

    def first_in_text(self, line: str, active: tuple | None) -> TextCriterion | None:
        """The first rule over every string, in rule order, that matches a line's text; `active` is what
        in_file found for the line's file."""
        if active is None:
            return None
        if line in self._seen_text:
            return self._seen_text[line]
        members = self._strings.members(line, active)
        candidates = sorted((m.rule for m in members), key=lambda c: self._order[id(c)])
        found = self._seen_text[line] = next((c for c in candidates if c.matches(None, line)), None)
        return found


def text_criteria(rules: list[Rule]) -> TextCriteria:
    """The match criteria of the rules in use (Python rules have none to read)."""
    criteria = []
    for rule in rules:
        if rule.criteria is not None:
            match = rule.criteria.match
            matches, on_key = compile_match(match, eager=False)  # validated when loaded; most never searched here
            fields = _field_names(rule.criteria)
            criteria.append(TextCriterion(rule, matches, on_key, fields, key_domains(match), value_requirement(match)))
    return TextCriteria(criteria)


def _field_names(criteria: Criteria) -> tuple[str, ...]:
    """The key names a value-only criterion counts under. A path at any depth that names the keys
    above its last (`**.nodeClassRef.kind`) is left out: a line of template text shows only its own key."""
    if criteria.template in FIELD_ALIASES:
        return FIELD_ALIASES[criteria.template]
    raw = criteria.field or criteria.path or []
    items = [item for item in (raw if isinstance(raw, list) else [raw]) if not _nested_path(str(item))]
    names = [str(item) if str(item) in FIELD_ALIASES else str(item).rsplit(".", 1)[-1].lower() for item in items]
    expanded = [alias for name in names for alias in FIELD_ALIASES.get(name, (name,))]
    return tuple(name for name in expanded if name not in CONTAINER_FIELDS)


def _nested_path(field: str) -> bool:
    """A path at any depth that names keys above its last (`**.nodeClassRef.kind`)."""
    return field.startswith("**.") and "." in field[3:]


def static_findings(chart: Path, criteria: TextCriteria, sources: SourceText, show: Show) -> list[Finding]:
    """Couplings visible in the templates' literal text, with their lines (values.yaml is linted as
    Helm values, like any values file)."""
    files = sorted((chart / "templates").rglob("*"))
    found = []
    inside = [os.path.realpath(chart)]
    for path in files:
        if path.suffix in (".yaml", ".yml", ".tpl") and within(path, inside) and path.is_file():
            found.extend(_file_findings(path, chart.name, criteria, sources, show))
    return found


class _Place(NamedTuple):
    """Where static findings of one template file belong."""

    ref: ObjectRef
    display: str
    where: str
    chart_name: str

    def finding(self, rule: Rule, number: int, column: int, field: str, detail: str) -> Finding:
        message = f"{rule.title} ({self.where} of unrendered chart {self.chart_name}{detail})"
        return Finding(
            rule.id,
            rule.provider,
            rule.category,
            rule.severity,
            self.display,
            number,
            column,
            self.ref,
            field,
            message,
            rule.remediation,
        )


def _file_findings(
    path: Path, chart_name: str, criteria: TextCriteria, sources: SourceText, show: Show
) -> list[Finding]:
    display = show(path)
    where = "values" if path.name == "values.yaml" else "template text"
    place = _Place(ObjectRef(display, 0, STATIC_KIND, "", chart_name, 1), display, where, chart_name)
    found = []
    lines = sources.text_lines(path)
    active = criteria.in_file(lines)
    for number, text in enumerate(lines, start=1):
        for rule, column, label, detail in criteria.line_hits(text, active):
            field = f"{where}: {label}" if label is not None else f"{where}: line {number}"
            found.append(place.finding(rule, number, column, field, detail))
    return found


Hit = tuple[Rule, int, "str | None", str]
"""A rule a template line meets: (rule, column, the key it is under or None for the line's text, detail)."""


def line_hits(text: str, criteria: TextCriteria, active: tuple | None) -> list[Hit]:
    """The couplings one line of chart text shows; `active` is what TextCriteria.in_file found for its file."""
    if text.lstrip().startswith("#"):
        return []
    match = KEY_VALUE.match(text.split(" #", 1)[0])
    on_line = _key_value_hits(match, text, criteria) if match and "{{" not in match.group(1) else []
    # one coupling per line: a rule over every string speaks only where no other rule did
    return on_line or _text_hits(text, criteria, active)


def _key_value_hits(match, text: str, criteria: TextCriteria) -> list[Hit]:
    key, value = match.group(1).strip("'\""), match.group(2).strip("'\"")
    if "{{" in value:
        value = ""
    elif key == "apiVersion":
        value = value.rpartition("/")[0]  # the API group, as api.group gives it
    accepting = criteria.accepting(key, value)
    if not accepting:
        return []
    column = text.find(key) + 1
    detail = f": {clip(key)}: {clip(value)}" if value else f": {clip(key)}"
    return [(criterion.rule, column, clip(key), detail) for criterion in accepting]


def _text_hits(text: str, criteria: TextCriteria, active: tuple | None) -> list[Hit]:
    """The first rule over every string that matches a template line's text (a script in a list item)."""
    if active is None:
        return []
    line = text.strip().lstrip("- ").strip("'\"")
    criterion = criteria.first_in_text(line, active)
    if criterion is None:
        return []
    return [(criterion.rule, len(text) - len(text.lstrip()) + 1, None, "")]
