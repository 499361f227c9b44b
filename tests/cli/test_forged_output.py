"""A manifest value or config pattern cannot forge output: no line of its own (a GitHub workflow
command), no terminal escape sequence, no rich markup, no Markdown link, heading or mention, no
ill-formed JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.cli.runner import run

HOSTILE_ARN = (
    r'"arn:aws:iam::1:role/x\n::error::fake \e[31mred\e]8;;https://evil\aclick\r'
    r"x\\[/] \\[link=https://evil]y # h [approve](https://evil.example) ![](https://evil/i.png) "
    r'@org/team | `tick` <b> \x01"'
)
MANIFEST = (
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
    f"    eks.amazonaws.com/role-arn: {HOSTILE_ARN}\n"
)
RAW = ("\x1b", "\r", "\x07", "\x01")


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    (tmp_path / "sa.yaml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return "sa.yaml"


def _no_forged_line(out: str) -> None:
    assert not any(line.startswith("::error::fake") for line in out.splitlines())
    assert not any(char in out for char in RAW)


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_piped_text_shows_control_characters_as_escapes(hostile, fmt):
    code, out, err = run(["scan", hostile, "-f", fmt, "--no-progress"])
    assert code == 1 and "internal error" not in err
    _no_forged_line(out)
    shown = "%0A" if fmt == "github" else "\\n"
    assert f"role/x{shown}::error::fake \\x1b[31mred\\x1b]8;;https://evil\\x07click\\rx\\[/]" in out


def test_colour_terminal_output_reads_no_markup_and_opens_no_hyperlink(hostile):
    code, out, err = run(["scan", hostile, "-f", "text", "--color", "--no-progress"])
    assert code == 1 and "MarkupError" not in err and "internal error" not in err
    assert "\x1b]8;" not in out  # OSC 8: a terminal hyperlink
    assert not any(line.startswith("::error::fake") for line in out.splitlines())
    assert "\\[link=https://evil]y" in out and "x\\[/]" in out


def test_markdown_keeps_the_value_inside_its_table_cell(hostile):
    code, out, _ = run(["scan", hostile, "-f", "markdown", "--no-progress"])
    assert code == 1
    _no_forged_line(out)
    (row,) = [line for line in out.splitlines() if "eks.amazonaws.com" in line or "role/x" in line]
    assert row.startswith("| high |") and row.endswith("|")
    assert row.count(" | ") == 5 and " \\| " in row  # six cells: the value's pipe is escaped
    assert "](https://evil" not in row.replace("\\](", "")
    assert "@org" not in row and "@&#8203;org/team" in row
    assert "<b>" not in row and "&lt;b&gt;" in row
    assert not any(line.startswith("#") and "approve" in line for line in out.splitlines())


def test_junit_stays_well_formed(hostile):
    code, out, _ = run(["scan", hostile, "-f", "junit", "--no-progress"])
    assert code == 1
    root = ET.fromstring(out)
    (failure,) = root.iter("failure")
    assert "\\x01" in failure.get("message") and "\\x1b" in failure.text


def test_html_shows_control_characters_as_escapes(hostile):
    code, out, _ = run(["scan", hostile, "-f", "html", "--no-progress"])
    assert code == 1 and not any(char in out for char in RAW)
    assert "\\x1b[31mred" in out and "[approve](https://evil.example)" in out  # text, not a link


def test_a_config_pattern_cannot_start_a_line_on_stderr(hostile, tmp_path):
    (tmp_path / ".mclint.yaml").write_text('ignore: ["x\\n::stop-commands::t0k"]\n', encoding="utf-8")
    code, _, err = run(["scan", hostile, "-f", "concise", "--no-progress"])
    assert code == 1
    assert not any(line.startswith("::") for line in err.splitlines())
    assert "x\\n::stop-commands::t0k" in err
