"""A streamed document is byte for byte json.dump of the whole, its list included."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mclint.report import jsonstream
from tests.test_jsontext import VALUES


@settings(max_examples=100, deadline=None)
@given(st.lists(VALUES, max_size=5), VALUES)
def test_a_streamed_document_is_json_dump_of_the_whole(items, other):
    document = {"version": "2.1.0", "runs": [{"results": jsonstream.ITEMS, "other": other}]}
    stream = io.StringIO()
    jsonstream.dump(document, iter(items), stream)
    whole = {"version": "2.1.0", "runs": [{"results": items, "other": other}]}
    assert stream.getvalue() == json.dumps(whole, indent=2, ensure_ascii=False)
