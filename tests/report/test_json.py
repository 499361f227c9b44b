"""The JSON report writes each finding from its pieces: byte for byte what json's encoder writes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mclint.finding import Finding, ObjectRef, Severity
from mclint.report.json import MAX_QUOTED, Quoted, _with_overlays, _with_overlays_json, finding_dict, finding_json

TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ['a"b', "back\\slash", "tab\there", "\u2028", ""]
)

FINDINGS = st.builds(
    Finding,
    rule_id=TEXT,
    provider=TEXT,
    category=TEXT,
    severity=st.sampled_from(Severity),
    file=TEXT,
    line=st.integers(0, 10**6),
    column=st.integers(0, 10**4),
    obj=st.builds(ObjectRef, file=TEXT, document=st.integers(0, 9), kind=TEXT, namespace=TEXT, name=TEXT | st.none()),
    field=TEXT,
    message=TEXT,
    remediation=TEXT,
)

ENCODE = json.JSONEncoder(ensure_ascii=False).encode


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDINGS, max_size=4), st.lists(TEXT, max_size=3))
def test_a_finding_is_written_as_the_encoder_writes_its_dict(findings, overlays):
    quoted = Quoted()  # shared across the findings, as in a report
    for finding in findings:
        line = finding_json(finding, quoted)
        assert line == ENCODE(finding_dict(finding))
        assert _with_overlays_json(line, overlays) == ENCODE(_with_overlays(finding_dict(finding), overlays))


def test_remembered_values_are_bounded_and_still_right():
    quoted = Quoted()
    for number in range(MAX_QUOTED * 2 + 5):
        assert quoted(f"value {number}") == json.dumps(f"value {number}")
        assert len(quoted) <= MAX_QUOTED
    assert quoted(None) == "null"
