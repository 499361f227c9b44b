"""`.ci/run` runs exactly the test command the README gives, lint included."""

from __future__ import annotations

from tests.conftest import REPO


def test_ci_runs_the_readme_test_command():
    command = (REPO / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()[-1]
    assert f"\n    {command}\n" in (REPO / "README.md").read_text(encoding="utf-8")
    assert command.endswith("&& python -m pytest && ruff check . && ruff format --check .")
