"""The README's Commands section documents every command and every scan option, shell completion,
and why the first set-up command exits 1; install instructions that work without a public package."""

from __future__ import annotations

import re

import click

from mclint.cli import COMMAND_MODULES, cli
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def test_commands_section_lists_every_command_and_scan_option():
    commands = _section("Commands")
    for name in COMMAND_MODULES:
        assert re.search(rf"^    mclint {name}\b", commands, re.MULTILINE), f"mclint {name} is not listed"
    context = click.Context(cli)
    scan = cli.get_command(context, "scan")
    for param in scan.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert re.search(rf"(`|, ){re.escape(longest)}\b", commands), f"scan {longest} is not documented"
    assert "concise" in commands


def test_shell_completion_is_documented_with_the_variable_click_reads():
    commands = _section("Commands")
    for shell in ("bash", "zsh", "fish"):
        assert f"_MCLINT_COMPLETE={shell}_source mclint" in commands


def test_setup_says_the_first_command_exits_1_because_the_fixtures_have_findings():
    setup = _section("Set-up on a fresh machine")
    assert "pip install . && mclint scan fixtures/" in setup
    assert "exit code 1" in setup and "fixtures exist to show" in setup


def test_install_instructions_use_the_repository_and_an_image_with_git():
    assert "pip install mclint`" not in README.replace("`pip install mclint` is not the way", "")
    assert "pipx install git+https://" in README
    gitlab = README[README.index("### GitLab CI") :]
    image = re.search(r"image: (\S+)", gitlab).group(1)
    assert image == "python:3.12" and "-slim" not in image  # the slim images have no git
