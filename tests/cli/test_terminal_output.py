"""What a terminal shows: text wrapped between words with a hanging indent, rules ids never cut,
and plain unpadded lines when piped."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run
from tests.cli.terminal import run_in_terminal

FILES = ["fixtures/aws/irsa-service-account.yaml", "fixtures/gcp/internal-lb-neg-service.yaml"]


def test_text_wraps_between_words_with_a_hanging_indent(in_repo):
    columns = 60
    shown = run_in_terminal(["scan", "--no-progress", *FILES], columns)
    _, data, _ = run(["scan", "-f", "json", *FILES])
    lines = shown.splitlines()
    words = shown.split()
    for finding in json.loads(data)["findings"]:
        # every word of the message and fix is on the screen whole, in order
        for text in (finding["message"], finding["remediation"]):
            expected = text.split()
            assert any(words[i : i + len(expected)] == expected for i in range(len(words))), text
        message_line = next(
            n
            for n, line in enumerate(lines)
            if line.startswith(" " * 10) and finding["message"].startswith(line.strip())
        )
        assert lines[message_line].startswith(" " * 10)
        assert lines[message_line + 1].startswith(" " * 10)  # the message goes on under itself
    for line in lines:
        assert len(line) <= columns or " " not in line.strip(), f"wrapped late: {line!r}"
    fix = next(n for n, line in enumerate(lines) if line.startswith(" " * 10 + "fix: Keep the ServiceAccount"))
    assert lines[fix + 1].startswith(" " * 15) and lines[fix + 1][15] != " "  # hanging under the fix's text
    assert lines[-1].startswith("  ") and lines[-2].startswith("Portability score: ")


def test_a_word_longer_than_the_line_is_left_whole(in_repo):
    shown = run_in_terminal(["scan", "--no-progress", FILES[0]], 40)
    assert "arn:aws:iam::111122223333:role/orders-s3-reader" in shown.split()


def test_piped_text_is_not_wrapped(in_repo):
    _, out, _ = run(["scan", *FILES])
    assert any(len(line) > 150 for line in out.splitlines())


@pytest.mark.parametrize("columns", [50, 80, 200])
def test_rules_never_cuts_an_id_on_a_narrow_terminal(columns):
    _, piped, _ = run(["rules", "--provider", "aws"])
    ids = [line.split("\t")[0] for line in piped.splitlines()]
    shown = run_in_terminal(["rules", "--provider", "aws"], columns)
    on_screen = {word for line in shown.splitlines() for word in line.split()}
    assert set(ids) <= on_screen
    assert all(len(line) <= columns for line in shown.splitlines())
    assert shown.rstrip().endswith("'mclint explain RULE_ID' explains one.")


def test_rules_piped_are_tab_separated_and_unpadded():
    code, out, _ = run(["rules", "--provider", "azure"])
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(row) == 5 for row in rows)
    by_id = {row[0]: row for row in rows}
    assert by_id["azure-identity-workload-identity-client"][1:3] == ["azure", "identity"]
    assert all(cell == cell.strip() and cell for row in rows for cell in row)
    assert not any(row[0].startswith("aws-") for row in rows)


def test_colour_on_a_terminal_unless_no_color(in_repo):
    assert "\x1b[" in run_in_terminal(["scan", "--no-progress", FILES[0]], 100, env={"NO_COLOR": ""})
    assert "\x1b[" not in run_in_terminal(["scan", "--no-progress", FILES[0]], 100, env={"NO_COLOR": "1"})
