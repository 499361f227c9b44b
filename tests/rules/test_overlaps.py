"""No two shipped rules match the same entry, read from the rules' own criteria.

Two rules overlap when they read a common field on a common kind and some (key, value) satisfies
both matches. Each rule's criteria give the candidate entries (its keys and prefixes, its values,
prefixes and suffixes, strings its regular expressions match, the entries its `not_key`, `unless`
and `not_value_regex` exclude); a pair is tried on the candidates of both, so an exclusion that
separates two rules is understood, and one that does not is an overlap.
"""

from __future__ import annotations

import itertools
import re

import pytest

from mclint.model.kinds import POD_TEMPLATE_PATHS
from mclint.rules.rule import Criteria, Rule
from mclint.rules.selectors import STRINGS, Selector
from mclint.rules.templates import compile_match, field_places

try:  # the regular expression parser: re._parser since Python 3.11, sre_parse before
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse

KNOWN_OVERLAPS = {
    # A CSI driver's zone label with a zone value: the topology-key rule reports the key (nodes of
    # that driver), the zone rule the value (a provider zone). In allowedTopologies and affinity
    # lists they sit on separate lines; written as `key: value` they share one.
    ("aws-scheduling-zone", "aws-storage-csi-topology-key"),
    ("azure-scheduling-zone", "azure-storage-csi-topology-key"),
    ("gcp-scheduling-node-label", "gcp-scheduling-zone"),
    # The same for EKS compute types: the node-label rule reports the key, this one each value it selects.
    ("aws-scheduling-compute-type-affinity", "aws-scheduling-node-label"),
}
"""Overlaps in the shipped catalog today, each one a finding reported twice; fixing one removes it here."""

WORKLOAD_KINDS = frozenset(name.rpartition("/")[2] for name in POD_TEMPLATE_PATHS)
MAX_SAMPLES = 64
CATEGORY_SAMPLE = {sre.CATEGORY_DIGIT: "0", sre.CATEGORY_WORD: "a", sre.CATEGORY_SPACE: " "}


def regex_samples(pattern: str) -> set[str]:
    """Strings `pattern` finds, one or more per branch: the shortest way through each alternative."""

    def walk(items) -> list[str]:
        found = [""]
        for op, arg in items:
            found = [head + tail for head in found for tail in _pieces(op, arg, walk)][:MAX_SAMPLES]
        return found

    return {text for text in walk(sre_parse.parse(pattern)) if re.search(pattern, text)}


def _pieces(op, arg, walk) -> list[str]:
    if op is sre.LITERAL:
        return [chr(arg)]
    if op is sre.NOT_LITERAL:
        return ["b" if arg == ord("a") else "a"]
    if op is sre.IN:
        if any(item_op is sre.NEGATE for item_op, _ in arg):
            return ["\x01"]
        chars = [
            chr(item[0])
            if item_op is sre.RANGE
            else chr(item)
            if item_op is sre.LITERAL
            else CATEGORY_SAMPLE.get(item, "a")
            for item_op, item in arg
        ]
        return chars[:3]
    if op is sre.BRANCH:
        return [text for branch in arg[1] for text in walk(branch)]
    if op is sre.SUBPATTERN:
        return walk(arg[-1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        least, _, body = arg
        return sorted({text * max(least, 1) for text in walk(body)} | ({""} if least == 0 else set()))
    if op is sre.CATEGORY:
        return [CATEGORY_SAMPLE.get(arg, "a")]
    return ["a"] if op is sre.ANY else [""]  # anchors, lookarounds, back references: nothing to add


def _listed(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def candidates(match: dict) -> tuple[set[str], set[str]]:
    """Keys and values a match spec names, or excludes."""
    keys = set(_listed(match.get("key")) + _listed(match.get("not_key")))
    keys |= {text + tail for text in _listed(match.get("key_prefix")) for tail in ("", "x")}
    values = set(_listed(match.get("value")))
    values |= {text + tail for text in _listed(match.get("value_prefix")) for tail in ("", "x")}
    values |= {head + text for text in _listed(match.get("value_suffix")) for head in ("", "x")}
    if "key_regex" in match:
        keys |= regex_samples(match["key_regex"])
    for name in ("value_regex", "not_value_regex"):
        if name in match:
            values |= regex_samples(match[name])
    if isinstance(match.get("unless"), dict):
        unless_keys, unless_values = candidates(match["unless"])
        keys, values = keys | unless_keys, values | unless_values
    return keys, values


def places(criteria: Criteria) -> set:
    """Where a rule reads, as the engine does: selectors, object readers, or STRINGS."""
    field = criteria.field or ("storageClassName" if criteria.template == "storage-class-name" else None)
    return set(field_places(field, criteria.path, validate=False)) if field or criteria.path else set()


def places_overlap(first: set, second: set) -> bool:
    """Whether two rules can read one entry: the same object reader, or selectors ending on a common
    key whose keys above agree. Rules over every string are left out: the engine keeps one finding
    per line, the more specific rule's."""
    for a in first - {STRINGS}:
        for b in second - {STRINGS}:
            if a == b:
                return True
            shared_key = isinstance(a, Selector) and isinstance(b, Selector) and set(a.keys) & set(b.keys)
            if shared_key and _trails_meet(a, b):
                return True
    return False


def _trails_meet(a: Selector, b: Selector) -> bool:
    """Whether some trail fits both: a rooted selector fixes the whole trail, one at any depth its end."""
    if a.rooted and b.rooted:
        return a.above == b.above
    if a.rooted or b.rooted:
        rooted, anywhere = (a, b) if a.rooted else (b, a)
        return rooted.above[len(rooted.above) - len(anywhere.above) :] == anywhere.above
    short, long = sorted((a.above, b.above), key=len)
    return long[len(long) - len(short) :] == short


def kinds_overlap(first: Rule, second: Rule) -> bool:
    a, b = set(first.kinds), set(second.kinds)
    if "*" in a or "*" in b or a & b:
        return True
    return bool(("@workload" in a and b & WORKLOAD_KINDS) or ("@workload" in b and a & WORKLOAD_KINDS))


def overlaps(rules: list[Rule]) -> dict[tuple[str, str], tuple]:
    """Each overlapping pair of rules, with one entry both match."""
    declarative = [rule for rule in rules if rule.criteria is not None]
    matches = {rule.id: compile_match(rule.criteria.match)[0] for rule in declarative}
    named = {rule.id: candidates(rule.criteria.match) for rule in declarative}
    reads = {rule.id: places(rule.criteria) for rule in declarative}
    found = {}
    for first, second in itertools.combinations(declarative, 2):
        if not places_overlap(reads[first.id], reads[second.id]) or not kinds_overlap(first, second):
            continue
        keys = named[first.id][0] | named[second.id][0] | {None, "app"}
        values = named[first.id][1] | named[second.id][1] | {None, "x"}
        both = [
            (key, value)
            for key in sorted(keys, key=str)
            for value in sorted(values, key=str)
            if matches[first.id](key, value) and matches[second.id](key, value)
        ]
        if both:
            found[tuple(sorted((first.id, second.id)))] = both[0]
    return found


def test_no_two_shipped_rules_match_the_same_entry(ruleset):
    assert set(overlaps(ruleset.rules)) == KNOWN_OVERLAPS


def test_every_shipped_rule_carries_its_criteria(ruleset):
    assert all(rule.criteria is not None and rule.criteria.match for rule in ruleset.rules)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^(gp2|gp3)$", {"gp2", "gp3"}),
        (r"\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com", {".dkr.ecr.a.amazonaws.com", ".dkr.ecr.0.amazonaws.com"}),
    ],
)
def test_regex_samples_walk_every_branch(pattern, expected):
    assert expected <= regex_samples(pattern)


def _rule(rule_id: str, match: dict, field: str = "metadata.annotations") -> Rule:
    criteria = Criteria("field-match", {"field": field, "match": match})
    return Rule(rule_id, "t", "aws", "network", None, ("Service",), "m", "r", check=None, criteria=criteria)


def test_an_exclusion_that_separates_two_rules_is_understood():
    broad = _rule("aws-network-broad", {"key_prefix": "example.com/", "not_key": "example.com/special"})
    special = _rule("aws-network-special", {"key": "example.com/special"})
    assert overlaps([broad, special]) == {}
    unless = _rule("aws-network-unless", {"key_prefix": "example.com/", "unless": {"value": "on"}})
    valued = _rule("aws-network-valued", {"key": "example.com/x", "value": "on"})
    assert overlaps([unless, valued]) == {}


def test_a_key_rule_and_a_value_rule_on_the_same_entry_overlap():
    keyed = _rule("aws-network-key", {"key": "example.com/role"})
    valued = _rule("aws-network-value", {"value_regex": "^arn:aws:"})
    other_field = _rule("aws-network-label", {"value_regex": "^arn:aws:"}, field="metadata.labels")
    assert overlaps([keyed, valued, other_field]) == {
        ("aws-network-key", "aws-network-value"): ("example.com/role", "arn:aws:")
    }
