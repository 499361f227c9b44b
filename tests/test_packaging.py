"""What `pip install .` ships: every package of the source tree, and the rule packs inside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


def test_the_license_file_is_the_apache_license_pyproject_names():
    assert _pyproject()["project"]["license"] == "Apache-2.0"
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def _setuptools_lower_bound() -> str:
    (requirement,) = _pyproject()["build-system"]["requires"]
    name, _, version = requirement.partition(">=")
    assert name == "setuptools"
    return version


@pytest.mark.slow
def test_the_wheel_builds_with_the_oldest_setuptools_pyproject_allows(tmp_path):
    """setuptools reads `license = "Apache-2.0"` (an SPDX expression, PEP 639) only from 77 on;
    69.5 and 76.1 stop at 'project.license must be valid exactly by one definition'."""
    version = _setuptools_lower_bound()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", f"setuptools=={version}", "wheel"], capture_output=True, text=True
    )
    if install.returncode != 0 and "Could not find a version" in install.stderr:
        pytest.skip("the package index cannot be reached")
    assert install.returncode == 0, install.stderr
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".venv", "venv-after", ".git", "*.egg-info", "build"))
    built = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-build-isolation",
            "--no-deps",
            str(source),
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("mclint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
        assert any(n.endswith("licenses/LICENSE") for n in archive.namelist())
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
