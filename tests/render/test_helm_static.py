"""The static Helm pass: a template line meets only the string rules whose literals its file holds, and
gets the same answer as when every literal is searched."""

from __future__ import annotations

from mclint.render import helm
from mclint.render.origin import SourceText
from mclint.rules.registry import load_rules
from tests.conftest import CORPUS, needs_corpus

SCRIPT = "aws s3 cp s3://shop-assets/catalog.json /data/"


def _criteria() -> helm.TextCriteria:
    return helm.text_criteria(load_rules(plugins=False))


def test_a_file_without_any_literal_of_the_string_rules_is_not_searched_line_by_line():
    criteria = _criteria()
    lines = ["command:", "  - echo hello", "  - sleep 10"]
    assert criteria.in_file(lines) is None
    assert criteria.first_in_text("echo hello", None) is None


def test_a_line_of_a_file_that_holds_a_literal_finds_its_rule():
    criteria = _criteria()
    active = criteria.in_file(["command:", f"  - {SCRIPT}"])
    assert active is not None
    found = criteria.first_in_text(SCRIPT, active)
    assert found is not None
    assert found.rule.id == "aws-managed-service-s3"
    assert criteria.first_in_text("echo hello", active) is None


@needs_corpus()
def test_the_template_lines_of_real_charts_meet_the_rules_they_met_with_every_literal_searched():
    """Each file's literals are a superset of any line's: the answers match the exhaustive search."""
    by_file, every = _criteria(), _criteria()
    sources = SourceText()
    lines_seen = found = 0
    for chart in helm.find_charts(CORPUS):
        for path in sorted((chart / "templates").rglob("*.yaml")):
            lines = sources.text_lines(path)
            active = by_file.in_file(lines)
            for text in lines:
                line = text.strip().lstrip("- ").strip("'\"")
                expected = every.first_in_text(line, every._strings.needles)
                got = by_file.first_in_text(line, active)
                assert (got and got.rule.id) == (expected and expected.rule.id), (path, text)
                lines_seen += 1
                found += expected is not None
    assert lines_seen > 10_000 and found > 0


def test_a_line_gives_the_same_hits_whichever_file_holds_it_and_a_comment_none():
    criteria = _criteria()
    active = criteria.in_file([f"  - {SCRIPT}"])
    assert criteria.line_hits("  replicas: 3", active) == []
    assert criteria.line_hits(f"  # {SCRIPT}", active) == []
    (hit,) = criteria.line_hits(f"  - {SCRIPT}", active)
    assert (hit[0].id, hit[1:]) == ("aws-managed-service-s3", (3, None, ""))
    assert criteria.line_hits(f"  - {SCRIPT}", criteria.in_file([f"x: {SCRIPT}"])) == [hit]
    key = "    storageClassName: gp3"
    assert [(r.id, column, label, detail) for r, column, label, detail in criteria.line_hits(key, None)] == [
        ("aws-storage-class-name", 5, "storageClassName", ": storageClassName: gp3")
    ]
