"""The text report's plain findings are written directly: the same lines the markup gave."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from mclint.finding import Finding, ObjectRef, Severity
from mclint.report.console import PlainConsole, escape
from mclint.report.text import _finding, _plain_finding

PIECES = st.sampled_from(
    ["a", "b/c", "[", "]", "[bold]", "[/]", "[#x]", "x[y]z", "\\", "\\[", "\\[b]", "\n", "\x1b[31m", "\u202e", " "]
)
TEXT = st.lists(PIECES | st.text(max_size=5), max_size=8).map("".join)

FINDINGS = st.builds(
    Finding,
    rule_id=st.sampled_from(["aws-identity-irsa-role", "gcp-network-lb-internal"]),
    provider=st.sampled_from(["aws", "gcp"]),
    category=st.sampled_from(["identity", "network"]),
    severity=st.sampled_from(Severity),
    file=TEXT,
    line=st.integers(1, 100_000),
    column=st.integers(1, 500),
    obj=st.builds(ObjectRef, file=TEXT, document=st.just(0), kind=TEXT, namespace=TEXT, name=TEXT),
    field=TEXT,
    message=TEXT,
    remediation=TEXT,
)


@settings(max_examples=400, deadline=None)
@given(FINDINGS)
def test_a_plain_finding_is_what_the_plain_console_made_of_its_markup(finding):
    through_markup, direct = PlainConsole(io.StringIO()), PlainConsole(io.StringIO())
    _finding(through_markup, finding, escape)
    _plain_finding(direct, finding)
    assert direct.stream.getvalue() == through_markup.stream.getvalue()
    assert direct.stream.getvalue().count("\n") == (3 if finding.remediation else 2)  # nothing starts a line
