"""Shared test helpers: paths, the shipped rule set (built once), and a scan of inline YAML."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mclint import api
from mclint.rules.engine import RuleSet
from mclint.rules.registry import load_rules

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
CORPUS = (REPO.parent / "shared" / "corpus").resolve()


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return RuleSet(load_rules(plugins=False))


@pytest.fixture
def scan_text(ruleset, tmp_path):
    """Scan YAML text written to a temporary file; returns the ScanResult."""

    def run(text: str, name: str = "manifest.yaml") -> api.ScanResult:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return api.scan([str(path)], ruleset)

    return run


@pytest.fixture
def in_repo(monkeypatch):
    """Run with the repository as working directory, so reported paths are fixtures/..."""
    monkeypatch.chdir(REPO)
    return REPO


def needs_corpus():
    return pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not present")


os.environ.setdefault("NO_COLOR", "1")


@pytest.fixture(scope="session", autouse=True)
def rule_cache_dir(tmp_path_factory):
    """The suite keeps its rule-pack cache (mclint.cache) out of the user's home."""
    previous = os.environ.get("MCLINT_CACHE_DIR")
    os.environ["MCLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("mclint-cache"))
    yield
    if previous is None:
        os.environ.pop("MCLINT_CACHE_DIR", None)
    else:
        os.environ["MCLINT_CACHE_DIR"] = previous
