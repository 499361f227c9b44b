"""What a rule file may say, and where rule directories may come from: a scanned tree cannot add
rules through a configuration it holds, and no rule text can read the interpreter's objects, write
a report of any size or put a script link in a report."""

from __future__ import annotations

import pytest

from mclint.rules.registry import RuleError, load_rule_file
from tests.cli.runner import run
from tests.rules.test_registry import GOOD, write

APP = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    example.aws/thing: here\n"


@pytest.mark.parametrize(
    ("message", "why"),
    [
        ("{value:>300000000}", "'{value:>300000000}' is not one of"),
        ("{value.__class__.__mro__}", "'{value.__class__.__mro__}' is not one of"),
        ("{value[0]}", "'{value[0]}' is not one of"),
        ("{value!r}", "'{value!r}' is not one of"),
        ("{0} and {}", "'{0}' is not one of"),
        ("found {value", "message is not a valid template"),
    ],
)
def test_a_message_names_plain_fields_only(tmp_path, message, why):
    path = write(tmp_path, GOOD.replace('"found {key}={value} on {kind} {name}"', repr(message)))
    with pytest.raises(RuleError) as raised:
        load_rule_file(path)
    assert raised.value.line == 10 and why in raised.value.message


@pytest.mark.parametrize("docs", ["javascript:alert(1)", "http://example.com/rule", "https://x.example/a b", "data:,x"])
def test_docs_must_be_an_https_address(tmp_path, docs):
    path = write(tmp_path, GOOD + f"    docs: '{docs}'\n")
    with pytest.raises(RuleError, match="docs must be an https:// address"):
        load_rule_file(path)


def test_literal_braces_and_every_field_still_work(tmp_path):
    text = GOOD.replace("{key}={value} on {kind} {name}", "{{{key}}}={value} {kind} {name} {namespace} {provider}")
    (rule,) = load_rule_file(write(tmp_path, text + "    docs: https://example.com/rules#x\n"))
    assert rule.message.startswith("found {{{key}}}")


@pytest.fixture
def tree_with_rules(tmp_path, monkeypatch):
    """A scanned tree whose .mclint.yaml names a rules folder of its own."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tree" / "rules").mkdir(parents=True)
    write(tmp_path / "tree" / "rules", GOOD)
    (tmp_path / "tree" / "app.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "tree" / ".mclint.yaml").write_text("rules-dirs: [rules]\n", encoding="utf-8")
    return tmp_path / "tree"


@pytest.mark.parametrize("command", [["scan"], ["inventory"], ["plan", "--to", "gcp"], ["baseline", "-o", "b.json"]])
def test_rules_dirs_of_a_config_found_in_the_scanned_tree_are_refused(tree_with_rules, command):
    code, out, err = run([*command, "tree"])
    assert code == 2 and out == ""
    assert err.startswith("mclint: bad configuration: tree/.mclint.yaml: rules-dirs in a configuration found")


@pytest.mark.parametrize("trust", [["--trust-config"], ["--config", "tree/.mclint.yaml"]])
def test_trust_config_or_naming_the_config_loads_them(tree_with_rules, trust):
    code, out, err = run(["scan", "tree", "-f", "concise", *trust])
    assert code == 1 and err == ""
    assert "tree/app.yaml:6:5: low aws-identity-test found example.aws/thing=here on ServiceAccount app" in out
