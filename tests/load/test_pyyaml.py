"""mclint.load.pyyaml: PyYAML is imported only when a file needs it; its libyaml release is cached."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mclint.load import pyyaml, yamlstream
from tests.conftest import FIXTURES, REPO

needs_binding = pytest.mark.skipif(pyyaml.binding() is None, reason="PyYAML has no C extension here")

PROBE = """
import json, sys
from mclint.load import load_bytes, pyyaml
loaded = load_bytes(open(sys.argv[1], "rb").read())
print(json.dumps({"version": pyyaml.libyaml_version(), "imported": "yaml" in sys.modules,
                  "documents": len(loaded.documents), "problems": [p.message for p in loaded.problems]}))
"""


def probe(path, cache, **env) -> dict:
    inherited = {name: value for name, value in os.environ.items() if name != "MCLINT_NO_CACHE"}
    environment = {**inherited, "MCLINT_CACHE_DIR": str(cache), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=REPO, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@needs_binding
def test_a_plain_file_is_read_without_importing_pyyaml_once_its_release_is_cached(tmp_path):
    plain = FIXTURES / "aws" / "irsa-service-account.yaml"
    first = probe(plain, tmp_path)
    assert first["imported"] is True  # nothing cached yet: PyYAML is asked
    assert first["version"] == pyyaml.binding().version
    stored = json.loads((tmp_path / pyyaml.CACHE_FILE).read_text())
    assert stored["rules"] == first["version"] and os.path.realpath(pyyaml.binding().extension) in stored["key"]
    again = probe(plain, tmp_path)
    assert again == {**first, "imported": yamlstream.c_fold() is None}  # without the C fold PyYAML reads it


@needs_binding
def test_a_file_the_c_fold_hands_back_imports_pyyaml_and_reads_the_same(tmp_path):
    anchors = FIXTURES / "loader" / "anchors-and-merge-keys.yaml"
    probe(anchors, tmp_path)
    again = probe(anchors, tmp_path)
    assert again["imported"] is True and again["documents"] >= 1
    assert again["problems"] == probe(anchors, tmp_path, MCLINT_NO_CACHE="1")["problems"]


@needs_binding
def test_a_changed_extension_or_no_cache_is_a_miss(tmp_path):
    plain = FIXTURES / "aws" / "irsa-service-account.yaml"
    probe(plain, tmp_path)
    stored = json.loads((tmp_path / pyyaml.CACHE_FILE).read_text())
    path, size, mtime = stored["key"].rsplit(":", 2)
    (tmp_path / pyyaml.CACHE_FILE).write_text(json.dumps({"key": f"{path}:{int(size) + 1}:{mtime}", "rules": "9.9.9"}))
    assert probe(plain, tmp_path)["version"] == pyyaml.binding().version  # another file: read afresh
    assert probe(plain, tmp_path, MCLINT_NO_CACHE="1")["imported"] is True


def test_without_pyyaml_s_extension_there_is_no_release_and_no_c_fold(monkeypatch):
    monkeypatch.setattr(pyyaml, "binding", lambda: None)
    monkeypatch.setattr(pyyaml, "_extension_file", lambda: None)
    assert pyyaml.libyaml_version() is None
    assert yamlstream._usable_cfold() is None
