"""Run a set of rules over one object with one walk: dispatch each key and string to the rules that want it.

A Checker is built once per set of rules (RuleSet keeps one per kind). Rules that read the same place
are grouped, and each group is indexed so an entry meets only the rules that could match it: by the
key's domain (the text before '/'), by one joined expression over the values the rules need, or
tried on every entry. Rules that look at every string are indexed by the literals their patterns
need (mclint.rules.literals), so a file whose text holds none of them is not looked at for strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from mclint.finding import Finding
from mclint.load import MapNode
from mclint.model import Manifest
from mclint.rules import expressions
from mclint.rules.entries import (
    OBJECT_READERS,
    READERS,
    SHAPES,
    Entry,
    deleted,
    key_entry,
    key_path,
    mapping_entry,
    trail_path,
)
from mclint.rules.literals import string_index
from mclint.rules.present import Present
from mclint.rules.selectors import ANY_KEY, OPAQUE_ROOTS, STRINGS, Selector
from mclint.rules.walk import MAX_REMEMBERED_LENGTH, chosen, walk

INERT_KINDS = frozenset(("CustomResourceDefinition",))
"""Objects whose body is a schema and its documentation: nothing in them configures a workload."""

MAX_MATCHED_LENGTH = 16_384
"""A rule's regular expression reads at most this many characters of a key or value (of each line,
for rules over every string): a long value costs a bounded search whatever the expression, shipped
or from --rules-dir. Four times the longest line among the 272,000 strings of the reference corpus."""

HEAD_READERS = frozenset(OBJECT_READERS.values())
"""Readers of an object's apiVersion."""


class Member(NamedTuple):
    rule: object
    """mclint.rules.Rule"""
    check: object
    """Its compiled check (a mclint.rules.templates.FieldCheck)."""


ENTRY_READER = READERS["entry"]
"""A key and its value, as they are."""
MAPPING_READER = READERS["mapping"]
"""Labels, annotations, selectors: each key of a mapping is an entry."""

HERE = "@"
"""The path readers are given for the key they read: they append to it, and the walk writes out the
real path (joined from the trail) only for an entry some rule matches."""

MAX_REMEMBERED_MATCHES = 1024
"""Answers a group (or a set of string rules) keeps; when full it starts afresh, so memory stays
bounded however large the tree while the values that repeat (within a file, across a repository)
are soon remembered again."""
MAX_REMEMBERED_SETS = 16
"""Sets of literals (see Strings.remembered) whose strings are remembered."""


class Group:
    """The rules that read one place, indexed so an entry is tried only against rules that could match it."""

    __slots__ = ("always", "by_domain", "gate", "remembered", "valued")

    def __init__(self, members: list[Member]) -> None:
        by_domain: dict[str, list[Member]] = {}
        valued: list[Member] = []
        always: list[Member] = []
        for member in members:
            check = member.check
            if check.domains is not None:
                for domain in check.domains:
                    by_domain.setdefault(domain, []).append(member)
            elif check.value_pattern is not None:
                valued.append(member)
            else:
                always.append(member)
        self.gate = _JoinedGate(self, "|".join(f"(?:{m.check.value_pattern})" for m in valued)) if valued else None
        self.by_domain = {domain: tuple(found) for domain, found in by_domain.items()}
        self.valued = tuple(valued)
        self.always = tuple(always)
        self.remembered: dict[tuple, tuple[Member, ...]] = {}

    def matched(self, key: object, value: object) -> tuple[Member, ...]:
        """The members that match (key, value), remembered for short values: keys and values repeat
        across objects (labels, images, classes), and a rule's match reads nothing else. A value that
        is not a string is never matched as one, so all such values share one answer."""
        if value.__class__ is not str:
            value = None
        elif len(value) > MAX_REMEMBERED_LENGTH:
            return tuple(self.matches(key, value))
        found = self.remembered.get((key, value))
        if found is None:
            found = _kept(self.remembered, (key, value), tuple(self.matches(key, value)))
        return found

    def matches(self, key: object, value: object) -> Iterator[Member]:
        if self.by_domain and key is not None:
            for member in self.by_domain.get(key.partition("/")[0], ()):
                if member.check.matches(key, value):
                    yield member
        if self.valued and value.__class__ is str and self.gate.search(value, 0, MAX_MATCHED_LENGTH) is not None:
            for member in self.valued:
                if member.check.matches(key, value):
                    yield member
        for member in self.always:
            if member.check.matches(key, value):
                yield member


def _kept(remembered: dict, key: object, answer: object) -> object:
    """`answer`, kept under `key`; a full dict starts afresh (MAX_REMEMBERED_MATCHES)."""
    if len(remembered) >= MAX_REMEMBERED_MATCHES:
        remembered.clear()
    remembered[key] = answer
    return answer


class _JoinedGate:
    """A group's joined value expression, compiled on the first value the group is asked about: a
    process compiles only the groups its files reach (a one-file scan, a few of them).

    It stands in the group's `gate` until then and puts the compiled expression there. An expression
    the joined form cannot hold leaves the group without a gate, its valued rules tried on every
    entry after the others, as the first search's caller then goes on to do."""

    __slots__ = ("group", "pattern")

    def __init__(self, group: Group, pattern: str) -> None:
        self.group, self.pattern = group, pattern
        """The expression's text, as a compiled one's `pattern`."""

    def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        group = self.group
        try:
            group.gate = expressions.compiled(self.pattern)
        except re.error:
            group.gate, group.valued, group.always = None, (), (*group.always, *group.valued)
            return None
        return group.gate.search(text, pos, endpos)


class Strings:
    """Rules that look at every string, indexed by the literals their values need.

    A file is asked first for a few short keys that the literals share (`amazonaws`, `.core.`), then
    for the literals under the keys it holds: a clean file costs a handful of substring searches.
    """

    __slots__ = ("always", "keys", "needles", "present", "seen")

    def __init__(self, members: list[Member]) -> None:
        index = string_index(tuple(member.check.value_pattern for member in members))
        needles: dict[tuple[str, bool], list[Member]] = {needle: [] for needle in index.needles}
        always: list[Member] = []
        for member, found in zip(members, index.literals, strict=True):
            if found is None:
                always.append(member)
                continue
            for literal in found.texts:
                needles[literal, found.folded].append(member)
        self.needles = tuple((literal, folded, tuple(needles[literal, folded])) for literal, folded in index.needles)
        self.keys = tuple((key, folded, tuple(self.needles[i] for i in covered)) for key, folded, covered in index.keys)
        self.present = Present(tuple((key, folded) for key, folded, _ in self.keys))
        self.always = tuple(always)
        self.seen: dict[tuple, dict[str, list[Member]]] = {}
        """For each set of literals files hold, the members of the strings met so far: files of one
        repository hold the same few sets, and their strings repeat (names, labels, images)."""

    def active(self, text) -> tuple | None:
        """The (literal, folded, rules) a file's text can meet; None when no string there can match."""
        if self.always or text is None:
            return self.needles
        known = text.memo.get(self, False)  # every object of a file asks the same
        if known is False:
            known = text.memo[self] = self._active(text)
        return known

    def _active(self, text) -> tuple | None:
        plain, lowered = text.texts()
        found = [
            needle
            for key, _, needles in (self.keys[i] for i in self.present(plain, lowered))
            for needle in needles
            if needle[0] == key or needle[0] in (lowered if needle[1] else plain)
        ]
        return tuple(dict.fromkeys(found)) or None

    def remembered(self, active: tuple) -> dict[str, list[Member]]:
        """The members found so far for strings under `active` (past a bounded number of sets, a
        fresh dict that lives as long as one object's walk)."""
        seen = self.seen.get(active)
        if seen is None:
            seen = {}
            if len(self.seen) < MAX_REMEMBERED_SETS:
                self.seen[active] = seen
        return seen

    def remember(self, text: str, active: tuple, seen: dict[str, list[Member]]) -> list[Member]:
        """`members(text, active)`, kept in `seen` when short."""
        found = self.members(text, active)
        return _kept(seen, text, found) if len(text) <= MAX_REMEMBERED_LENGTH else found

    def members(self, text: str, active: tuple) -> list[Member]:
        if len(text) > MAX_MATCHED_LENGTH:
            text = text[:MAX_MATCHED_LENGTH]  # what the patterns will read
        lowered = None
        found: list[Member] = []
        for literal, folded, members in active:
            if folded and lowered is None:
                lowered = text.lower()
            if literal in (lowered if folded else text):
                found.extend(members)
        found.extend(self.always)
        return list(dict.fromkeys(found)) if len(found) > 1 else found


@functools.lru_cache(maxsize=16)
def _strings(members: tuple[Member, ...]) -> Strings:
    """One index per set of string rules: most kinds run the same ones."""
    return Strings(list(members))


class Checker:
    """Rules compiled for one walk of each object."""

    def __init__(self, rules) -> None:
        self.own: list = []
        objects: dict[object, list[Member]] = {}
        selectors: dict[Selector, list[Member]] = {}
        strings: list[Member] = []
        for rule in rules:
            places = getattr(rule.check, "places", None)
            if places is None:
                self.own.append(rule)
                continue
            member = Member(rule, rule.check)
            for place in places:
                if place == STRINGS:
                    strings.append(member)
                elif isinstance(place, Selector):
                    selectors.setdefault(place, []).append(member)
                else:
                    objects.setdefault(place, []).append(member)
        self.objects = tuple((read, Group(members)) for read, members in objects.items())
        self.reads_jsonpath = any(hasattr(read, "jsonpath") for read in objects)
        """Whether a rule here reads a JSONPath, which objects over JSONPATH_MAX_NODES do not get."""
        keys: dict[str, list[tuple]] = {}
        for selector, members in selectors.items():
            read, group = READERS[selector.read], Group(members)
            shape = SHAPES.get(selector.read)  # with the answers, what lets the walk pass over a key
            handler = (selector.plain, selector, read, group, shape, group.remembered if shape is not None else None)
            for key in selector.keys:
                keys.setdefault(key, []).append(handler)
        self.keys = {key: _by_nearest_key(handlers) for key, handlers in keys.items()}
        self.strings = _strings(tuple(strings)) if strings else None
        self.string_rules = frozenset(member.rule.id for member in strings)

    def groups(self) -> Iterator[Group]:
        """Every group of rules this checker holds, each once (what a test of their expressions reads)."""
        found = {id(group): group for _, group in self.objects}
        for by_near, anywhere in self.keys.values():
            for handlers in (anywhere, *by_near.values()):
                found.update((id(group), group) for _, _, _, group, _, _ in handlers)
        return iter(found.values())

    def reads_body(self, kind: str) -> bool:
        """Whether these rules read an object of `kind` past its apiVersion, kind and metadata: plugins
        and JSONPath rules may; the walk does, except for the inert kinds it skips."""
        if self.own or any(read not in HEAD_READERS for read, _ in self.objects):
            return True
        return kind not in INERT_KINDS and (bool(self.keys) or self.strings is not None)

    def check(self, manifest: Manifest, values: Checker | None = None) -> list[Finding]:
        """Every finding of these rules on `manifest`; `values` checks the Helm values it holds."""
        found: list[Finding] = []
        if type(manifest.body) is MapNode:  # else a JSON patch file: only the values it holds
            for rule in self.own:
                found.extend(rule.check(rule, manifest))
            for read, group in self.objects:
                for entry in read(manifest):
                    members = group.matched(entry.key, entry.value)
                    if members:
                        found.extend(m.check.finding(m.rule, manifest, entry) for m in members)
            if manifest.kind not in INERT_KINDS:
                self.walk(manifest, manifest.body, [], found)
        string_rules = self.string_rules
        for trail, node in manifest.values if values is not None else ():
            values.walk(manifest, node, list(trail), found)
            string_rules = string_rules | values.string_rules
        return one_per_line(found, string_rules)

    def walk(self, manifest: Manifest, root: MapNode, trail: list, found: list[Finding]) -> None:
        """Walk `root` (at `trail` in the object) once, adding findings to `found`."""
        strings = self.strings
        active = strings.active(manifest.text) if strings is not None else None
        if not self.keys and active is None:
            return
        seen = strings.remembered(active) if active is not None else {}
        recall = seen.get

        def on_key(hits: tuple, parent: MapNode, key: str, value: object, trail: list) -> None:
            handlers = chosen(hits, trail)
            if not handlers:
                return
            if deleted(value):
                return
            path = None
            for plain, selector, read, group, _, _ in handlers:
                if plain:
                    if trail and trail[0] in OPAQUE_ROOTS:
                        continue
                elif not selector.fits(trail):
                    continue
                for members, entry in _hits(read, group, parent, key, value):
                    if path is None:
                        path = key_path(trail, key)
                    entry = Entry(entry.key, entry.value, path + entry.path[1:], entry.key_at, entry.value_at)
                    found.extend(m.check.finding(m.rule, manifest, entry) for m in members)

        def on_string(parent, step, text: str, trail: list) -> None:
            if "\n" in text:
                entries = _line_entries(strings, active, manifest, parent, step, text, trail)
            else:
                members = recall(text)
                if members is None:
                    members = strings.remember(text, active, seen)
                if not members:
                    return
                entries = ((_string_entry(parent, step, text, trail), members),)
            for entry, members in entries:
                found.extend(
                    m.check.finding(m.rule, manifest, entry) for m in members if m.check.matches(entry.key, entry.value)
                )

        walk(root, trail, self.keys, on_key, on_string if active is not None else None, seen)


def _hits(read, group: Group, parent: MapNode, key: str, value: object) -> Iterator[tuple[tuple, Entry]]:
    """(members, entry) for each entry of the place that some member of `group` matches, its path
    relative to the key (HERE). The two commonest readers are asked about each key and value before
    an entry is made: most match nothing."""
    if read is ENTRY_READER:
        members = group.matched(key, value)
        if members:
            yield members, key_entry(parent, key, value, HERE)
    elif read is MAPPING_READER:
        if value.__class__ is MapNode and not deleted(value):
            for inner, item in value.items():
                members = group.matched(inner, item)
                if members:
                    yield members, mapping_entry(value, inner, item, HERE)
    else:
        for entry in read(parent, key, value, HERE):
            members = group.matched(entry.key, entry.value)
            if members:
                yield members, entry


def _by_nearest_key(handlers: list[tuple]) -> tuple[dict[str, tuple], tuple]:
    """A key's handlers as (by the nearest key above, for any other): most selectors of a common key
    (`name`, `kind`, `type`) want one particular key right above it, and most places have another."""

    def wants(handler: tuple) -> str | None:
        above = handler[1].above
        return above[-1] if above and above[-1] != ANY_KEY else None

    anywhere = tuple(h for h in handlers if wants(h) is None)
    nearest = {wants(h) for h in handlers} - {None}
    by_near = {near: tuple(h for h in handlers if wants(h) in (None, near)) for near in sorted(nearest)}
    return by_near, anywhere


def _line_entries(strings: Strings, active, manifest: Manifest, parent, step, text: str, trail: list):
    """The entries a multi-line string gives string rules: each line that some rule may want (comment
    lines of an embedded script or config excluded), at that line."""
    whole = _string_entry(parent, step, text, trail)
    for number, column, line in _lines(manifest.text, whole.value_at, text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        members = strings.members(stripped, active)
        if members:
            yield whole._replace(value=stripped, value_at=(number, column)), members


def _string_entry(parent, step, text: str, trail: list) -> Entry:
    path = trail_path([*trail, step])
    if parent.__class__ is MapNode:
        name = parent.get("name") if step == "value" else None
        key = name if isinstance(name, str) else step
        return Entry(key, text, path, parent.key_position(step), parent.value_position(step))
    at = parent.item_position(step)
    key = trail[-1] if trail and isinstance(trail[-1], str) else None
    return Entry(key, text, path, at, at)


def _lines(text, at: tuple[int, int], value: str) -> Iterator[tuple[int, int, str]]:
    """(line number, column, text) of each line of a multi-line value: read from the source when
    it is a block scalar there (so folded and literal blocks both land on their real lines)."""
    block = text.block_lines(at) if text is not None else None
    if block is not None:
        for number, line in block:
            yield number, len(line) - len(line.lstrip()) + 1, line
        return
    for index, line in enumerate(value.split("\n")):
        yield at[0] + index, at[1] if index == 0 else 1, line


def one_per_line(found: list[Finding], string_rules: frozenset[str]) -> list[Finding]:
    """One finding per coupling: drop repeats of a rule at one spot (two of its places met there),
    and a string rule's finding on a line another rule already reports (the annotation rule, not the
    ARN in its value); of several string rules on one line, the most severe."""
    if len(found) < 2:
        return found
    kept: dict[tuple, Finding] = {}
    claimed: set[tuple] = set()
    for finding in found:
        if finding.rule_id not in string_rules:
            claimed.add((finding.file, finding.line))
            kept.setdefault((finding.rule_id, finding.file, finding.line, finding.column), finding)
    strings_by_line: dict[tuple, Finding] = {}
    for finding in found:
        if finding.rule_id in string_rules and (finding.file, finding.line) not in claimed:
            spot = (finding.file, finding.line)
            best = strings_by_line.get(spot)
            if best is None or (-finding.severity, finding.rule_id) < (-best.severity, best.rule_id):
                strings_by_line[spot] = finding
    return [*kept.values(), *strings_by_line.values()]
