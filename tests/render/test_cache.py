"""The build cache: a second scan runs no renderer, an edit rebuilds only the roots that read it, a corrupt
entry is rebuilt, --no-cache and MCLINT_NO_CACHE turn it off, the size cap evicts the oldest entries."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mclint import api
from mclint.render import RenderOptions, kustomize
from mclint.render import cache as cache_module
from mclint.render.cache import BuildCache
from mclint.run import ScanRequest, run_scan
from tests.conftest import FIXTURES

needs_kustomize = pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")
pytestmark = needs_kustomize


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The shop fixture (a base, an AWS and a GCP overlay) in a scratch folder, with its own build cache."""
    shutil.copytree(FIXTURES / "render" / "shop", tmp_path / "shop")
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "shop"


@pytest.fixture
def builds(monkeypatch):
    """The roots built (by the renderer, not served from the cache), in order."""
    built: list[str] = []
    real = kustomize.build

    def counting(directory: Path, command: list[str]):
        built.append(directory.name)
        return real(directory, command)

    monkeypatch.setattr(kustomize, "build", counting)
    return built


def findings(result) -> list[tuple]:
    return [(f.rule_id, f.file, f.line, f.column, f.message) for f in result.findings]


def test_a_second_scan_builds_nothing_and_finds_the_same(shop, builds, ruleset, monkeypatch):
    first = api.scan(["shop"], ruleset)
    assert builds == ["aws", "gcp"]
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(argv, *args, **kwargs):
        started.append(list(argv))
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr("subprocess.Popen", popen)
    second = api.scan(["shop"], ruleset)
    assert builds == ["aws", "gcp"] and started == []  # no kubectl, no kustomize, nothing
    assert findings(second) == findings(first)
    assert ("aws-identity-irsa-role", "shop/overlays/aws/serviceaccount-irsa.yaml", 6) in [
        f[:3] for f in findings(second)
    ]
    assert second.rendered.brought_in_by == first.rendered.brought_in_by
    assert (second.rendered.built, second.rendered.failed) == (2, 0)


def test_an_edited_patch_rebuilds_only_the_root_that_reads_it(shop, builds, ruleset):
    api.scan(["shop"], ruleset)
    patch = shop / "overlays" / "aws" / "serviceaccount-irsa.yaml"
    patch.write_text(patch.read_text().replace("role/", "role/renamed-"))
    result = api.scan(["shop"], ruleset)
    assert builds == ["aws", "gcp", "aws"]
    irsa = [f for f in result.findings if f.rule_id == "aws-identity-irsa-role"]
    assert "role/renamed-" in irsa[0].message


def test_a_file_a_build_lacked_is_a_new_key(shop, builds, ruleset):
    overlay = shop / "overlays" / "gcp" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "configMapGenerator:\n  - name: settings\n    envs: [settings.env]\n")
    failed = api.scan(["shop"], ruleset)
    assert [e.file for e in failed.errors] == ["shop/overlays/gcp/kustomization.yaml"]
    (shop / "overlays" / "gcp" / "settings.env").write_text("REGION=europe-west1\n")
    fixed = api.scan(["shop"], ruleset)
    assert builds == ["aws", "gcp", "gcp"]
    assert fixed.errors == [] and fixed.rendered.built == 2


def test_a_corrupt_or_truncated_entry_is_rebuilt_not_trusted(shop, builds, ruleset, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "INLINE_BYTES", 0)  # every object stored by digest, as large ones are
    first = api.scan(["shop"], ruleset)
    cache = tmp_path / "cache" / "kustomize"
    documents = [d for d in (cache / "documents").rglob("*") if d.is_file()]
    (gcp_only,) = [d for d in documents if b"iam.gke.io/gcp-service-account" in d.read_bytes()]
    gcp_only.write_bytes(gcp_only.read_bytes().replace(b"shop", b"SHOP"))  # same length, other content
    entries = [e for e in (cache / "entries").rglob("*") if e.is_file()]
    (aws_entry,) = [e for e in entries if gcp_only.name.encode() not in e.read_bytes()]
    aws_entry.write_bytes(aws_entry.read_bytes()[:-7])  # truncated
    second = api.scan(["shop"], ruleset)
    assert sorted(builds) == ["aws", "aws", "gcp", "gcp"]
    assert findings(second) == findings(first)
    third = api.scan(["shop"], ruleset)  # the rebuilt entries are good again
    assert len(builds) == 4 and findings(third) == findings(first)


def test_small_objects_live_in_their_entry_and_a_changed_one_is_a_miss(shop, builds, ruleset, tmp_path):
    first = api.scan(["shop"], ruleset)
    cache = tmp_path / "cache" / "kustomize"
    assert not (cache / "documents").exists()  # the shop's objects are all small
    entries = sorted(e for e in (cache / "entries").rglob("*") if e.is_file())
    assert len(entries) == 2
    for entry in entries:  # one character of the base64 of an object's content, the entry's length kept
        data = entry.read_bytes()
        at = data.rindex(b'"]') - 6
        entry.write_bytes(data[:at] + (b"A" if data[at : at + 1] != b"A" else b"B") + data[at + 1 :])
    second = api.scan(["shop"], ruleset)
    assert sorted(builds) == ["aws", "aws", "gcp", "gcp"] and findings(second) == findings(first)


def test_a_large_object_is_stored_once_for_every_build_that_makes_it(tmp_path, monkeypatch):
    from mclint.render.cache import CachedBuild
    from mclint.render.documents import built_document

    cache = BuildCache(tmp_path / "cache")
    large = built_document(b"kind: CustomResourceDefinition\n" + b"# schema\n" * 1000)
    small = built_document(b"kind: ServiceAccount\n")
    build = CachedBuild(Path("/wrap"), True, b"", [(d.digest, d.metadata) for d in (large, small)], [])
    cache.write("ab" * 20, build, [large, small])
    cache.write("cd" * 20, build, [large, small])
    stored = [p for p in (tmp_path / "cache" / "documents").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [large.digest.hex()]
    for key in ("ab" * 20, "cd" * 20):
        read = cache.read(key)
        assert read.inline == {small.digest: small.content} and read.documents == build.documents
    assert cache.document(large.digest) == large.content


def test_no_cache_and_mclint_no_cache_neither_read_nor_write(shop, builds, ruleset, tmp_path, monkeypatch):
    options = api.ScanOptions(render=RenderOptions(cache=False))
    api.scan(["shop"], ruleset, options)
    api.scan(["shop"], ruleset, options)
    assert builds == ["aws", "gcp", "aws", "gcp"]
    assert not (tmp_path / "cache").exists()
    monkeypatch.setenv("MCLINT_NO_CACHE", "1")
    api.scan(["shop"], ruleset)
    assert len(builds) == 6 and not (tmp_path / "cache").exists()


def test_the_no_cache_flag_reaches_the_render_stage(shop, builds, capsys):
    assert run_scan(ScanRequest(["shop"], fmt="json", no_progress=True)) == 1
    assert run_scan(ScanRequest(["shop"], fmt="json", no_progress=True)) == 1
    assert run_scan(ScanRequest(["shop"], fmt="json", no_progress=True, no_cache=True)) == 1
    assert builds == ["aws", "gcp", "aws", "gcp"]


def test_past_the_size_cap_the_least_recently_used_entries_go(shop, builds, ruleset, tmp_path, monkeypatch):
    other = tmp_path / "cafe"  # the same tree under another name of the same length: the same sizes
    shutil.copytree(shop, other)
    for file in other.rglob("*.yaml"):
        file.write_text(file.read_text().replace("shop", "cafe"))
    api.scan(["shop"], ruleset)
    cache = tmp_path / "cache" / "kustomize"
    one_tree = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
    monkeypatch.setenv("MCLINT_CACHE_SIZE", str(one_tree + 64))
    api.scan(["cafe"], ruleset)
    assert sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) <= one_tree + 64
    api.scan(["cafe"], ruleset)
    api.scan(["shop"], ruleset)
    assert builds == ["aws", "gcp", "aws", "gcp", "aws", "gcp"]  # cafe's builds stayed; shop's were evicted


def test_the_cache_lives_where_mclint_keeps_its_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path / "c"))
    assert BuildCache.open().directory == tmp_path / "c" / "kustomize"
    monkeypatch.delenv("MCLINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert BuildCache.open().directory == tmp_path / "xdg" / "mclint" / "kustomize"
    assert BuildCache.open(enabled=False) is None


def test_writes_leave_no_temporary_file_behind_even_when_one_fails(tmp_path, monkeypatch):
    from mclint.render.cache import CachedBuild
    from mclint.render.documents import built_document

    monkeypatch.setattr(cache_module, "INLINE_BYTES", 0)
    cache = BuildCache(tmp_path / "cache")
    documents = [built_document(b"kind: A\n"), built_document(b"kind: B\n")]
    build = CachedBuild(Path("/wrap"), True, b"", [(d.digest, d.metadata) for d in documents], [])
    cache.write("ab" * 20, build, documents)
    cache.write("cd" * 20, build, documents)  # its documents are there already, its folders made
    assert cache.read("ab" * 20) == build == cache.read("cd" * 20)
    assert [cache.document(d.digest) for d in documents] == [b"kind: A\n", b"kind: B\n"]

    def refused(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module.os, "replace", refused)
    cache.write("ef" * 20, build, [built_document(b"kind: C\n")])  # best effort: no error
    monkeypatch.undo()
    assert cache.read("ef" * 20) is None
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".")) == []
    assert len([p for p in (tmp_path / "cache").rglob("*") if p.is_file()]) == 4
