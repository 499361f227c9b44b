"""A lone surrogate written as an escape ("arn\\ud800") is not a character: no UTF-8 report can hold
it. It is replaced by U+FFFD at load time, with a warning on its line, and every command goes on."""

from __future__ import annotations

import json

import pytest

from mclint.load import load_bytes
from tests.cli.runner import run

MANIFEST = (
    b'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: "a\\udc00"\n  annotations:\n'
    b'    eks.amazonaws.com/role-arn: "arn\\ud800"\n    "k\\ud801": [ "x\\udfff" ]\n'
)


def test_each_lone_surrogate_is_replaced_and_warned_about_on_its_line():
    loaded = load_bytes(MANIFEST)
    meta = loaded.documents[0].root["metadata"]
    assert meta["name"] == "a\ufffd"
    assert meta["annotations"]["eks.amazonaws.com/role-arn"] == "arn\ufffd"
    assert meta["annotations"]["k\ufffd"] == ["x\ufffd"]
    assert meta["annotations"].value_position("eks.amazonaws.com/role-arn") == (6, 33)
    assert [(w.line, w.column) for w in loaded.warnings] == [(4, 9), (6, 33), (7, 5), (7, 18)]
    assert loaded.problems == []


def test_a_surrogate_pair_is_one_character_and_no_warning():
    loaded = load_bytes(b'a: "\\ud83d\\ude00"\n')
    assert loaded.documents[0].root["a"] == "\U0001f600" and loaded.warnings == []


def test_an_alias_repeating_it_is_repaired_once():
    loaded = load_bytes(b'a: &x ["\\ud800"]\nb: *x\nc: *x\n')
    assert loaded.documents[0].root["c"] == ["\ufffd"] and len(loaded.warnings) == 1


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "markdown", "html", "junit", "github", "gitlab"])
def test_every_format_writes_its_report(tmp_path, fmt):
    (tmp_path / "sa.yaml").write_bytes(MANIFEST)
    out = tmp_path / f"report.{fmt}"
    code, _, err = run(["scan", str(tmp_path / "sa.yaml"), "-f", fmt, "-o", str(out), "--no-progress"])
    assert code == 1 and "internal error" not in err
    assert "arn\ufffd" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [["inventory"], ["plan", "--to", "gcp"], ["baseline"]])
def test_inventory_plan_and_baseline_finish(tmp_path, command):
    (tmp_path / "sa.yaml").write_bytes(MANIFEST)
    out = tmp_path / "out"
    code, _, err = run([*command, str(tmp_path / "sa.yaml"), "-o", str(out)])
    assert code == 0 and "internal error" not in err
    assert out.read_text(encoding="utf-8")


def test_the_json_report_carries_the_warnings(tmp_path):
    (tmp_path / "sa.yaml").write_bytes(MANIFEST)
    _, out, _ = run(["scan", str(tmp_path / "sa.yaml"), "-f", "json"])
    warnings = [w for w in json.loads(out)["warnings"] if "surrogate" in w["message"]]
    assert [w["line"] for w in warnings] == [4, 6, 7, 7]
