"""JSON text is byte for byte what json writes with indent=2, for any value."""

from __future__ import annotations

import enum
import io
import json
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mclint import jsontext
from mclint.jsontext import indented


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class Ratio(float):
    pass


class Items(list):
    pass


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.just(Level.HIGH),
    st.text(max_size=5).map(Name),
    st.floats().map(Ratio),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
        st.dictionaries(st.integers(), inner, max_size=2),
        st.dictionaries(st.one_of(st.floats(), st.booleans(), st.none()), inner, max_size=2),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(OrderedDict),
        st.lists(inner, max_size=3).map(Items),
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_a_value_is_written_as_json_writes_it(value):
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(VALUES, st.sampled_from(["", "  ", "      "]))
def test_each_line_after_the_first_starts_at_the_margin(value, margin):
    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + margin)
    assert indented(value, "  ", margin) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"ruleId": "aws-irsa", "locations": [{"region": {"startLine": 3}}], "suppressions": []},
        {"text": 'line\nbreak "quoted" \u2028 \x1b[31m é 中 \ud800'},
        {"": {}, "empty": [], "nested": [[[]]]},
        [1.5, -0.0, 1e300, float("nan"), float("inf")],
    ],
)
def test_report_shaped_values(value):
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_a_written_value_is_json_dump_of_it(value):
    stream = io.StringIO()
    jsontext.write(value, stream)
    assert stream.getvalue() == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_large_value_is_written_in_pieces(monkeypatch):
    monkeypatch.setattr(jsontext, "FLUSH_AT", 16)
    writes = []

    class Recording(io.StringIO):
        def write(self, text):
            writes.append(text)
            return super().write(text)

    value = {"items": [{"file": f"app-{n}.yaml", "line": n, "tags": ["a", "b"]} for n in range(200)]}
    stream = Recording()
    jsontext.write(value, stream)
    assert stream.getvalue() == json.dumps(value, indent=2, ensure_ascii=False)
    assert len(writes) > 50 and max(len(text) for text in writes) < 2000


@pytest.mark.parametrize("value", [object(), {(1, 2): "tuple key"}, [1, {2, 3}]])
def test_what_json_refuses_is_refused_with_its_error(value):
    with pytest.raises(TypeError) as theirs:
        json.dumps(value, indent=2)
    with pytest.raises(TypeError) as ours:
        indented(value)
    assert str(ours.value) == str(theirs.value)
