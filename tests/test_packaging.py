"""What `pip install .` ships: every package of the source tree, and the rule packs inside it."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_in_the_source_tree_is_in_the_wheel():
    """A package left out of the list installs fine and fails only when a user reaches it."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "mclint").rglob("__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert listed - on_disk == {"mclint.rules.packs"}


def test_the_rule_packs_and_plan_mappings_ship_as_package_data():
    setuptools = _pyproject()["tool"]["setuptools"]
    assert setuptools["package-dir"]["mclint.rules.packs"] == "rules"
    assert setuptools["package-data"]["mclint.rules.packs"] == ["*.yaml"]
    assert (REPO / "rules" / "_vocabulary.yaml").is_file()  # providers and categories ship with the packs
    assert (REPO / "mclint" / "plan" / "mappings.yaml").is_file()
    assert "mappings.yaml" in setuptools["package-data"]["mclint.plan"]
