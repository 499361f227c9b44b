"""Kustomize roots from an untrusted tree: remote references caught in any case, paths that are not files
refused before the build, the root's path quoted in the wrapper, built objects held to --max-file-size,
and the wrapper folders removed when the scan is terminated."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from mclint import api
from mclint.render import RenderOptions, kustomize
from tests.conftest import REPO

needs_kustomize = pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/{name}
"""


@pytest.fixture
def builds(monkeypatch):
    built: list[str] = []
    real = kustomize.build

    def counting(directory, command):
        built.append(directory.name)
        return real(directory, command)

    monkeypatch.setattr(kustomize, "build", counting)
    return built


def app(tmp_path, kustomization: str, name: str = "app"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "kustomization.yaml").write_text(kustomization)
    (folder / "sa.yaml").write_text(SERVICE_ACCOUNT.format(name="orders"))
    return folder


@needs_kustomize
def test_an_upper_case_github_resource_is_remote_and_never_built(ruleset, tmp_path, monkeypatch, builds):
    app(tmp_path, "resources:\n  - sa.yaml\n  - GitHub.com/org/repo//deploy?ref=v1\n")
    monkeypatch.chdir(tmp_path)
    result = api.scan(["app"], ruleset)
    assert builds == []
    assert [(e.file, e.line) for e in result.errors] == [("app/kustomization.yaml", 3)]
    assert "remote resource GitHub.com/org/repo//deploy?ref=v1 cannot be fetched offline" in result.errors[0].message
    assert [(f.rule_id, f.file) for f in result.findings] == [("aws-identity-irsa-role", "app/sa.yaml")]


@pytest.mark.parametrize(
    "entry", ["HTTPS://example.com/x.yaml", "git::ssh://example.com/repo", "example.com/org/repo/deploy"]
)
def test_other_remote_spellings_are_caught(tmp_path, entry):
    folder = app(tmp_path, f"resources:\n  - {entry}\n")
    assert kustomize.read_kustomization(folder).remote == [(entry, 2)]


@needs_kustomize
def test_a_fifo_named_as_a_resource_is_refused_before_the_build(ruleset, tmp_path, monkeypatch, builds):
    folder = app(tmp_path, "resources:\n  - sa.yaml\n  - pipe.yaml\n")
    os.mkfifo(folder / "pipe.yaml")
    monkeypatch.chdir(tmp_path)
    result = api.scan(["app"], ruleset)
    assert builds == []  # kustomize would have read the FIFO until the timeout
    assert [(e.file, e.line, e.message) for e in result.errors] == [
        (
            "app/kustomization.yaml",
            3,
            "kustomize: 'pipe.yaml' is a FIFO, not a file or directory; app not built, raw files scanned",
        ),
        ("app/pipe.yaml", 0, "not a regular file (a FIFO): not read"),
    ]
    assert result.rendered.failed == 1


def test_a_fifo_named_kustomization_yaml_is_a_problem_not_a_hang(tmp_path):
    (tmp_path / "app").mkdir()
    os.mkfifo(tmp_path / "app" / "kustomization.yaml")
    found = kustomize.read_kustomization(tmp_path / "app")
    assert found.problem == "kustomization.yaml is a FIFO, not a file"


@needs_kustomize
def test_the_wrapper_quotes_the_root_path(ruleset, tmp_path, monkeypatch, builds):
    """`ov #x` once built `ov` (the rest was a YAML comment); a newline in a folder name wrote keys
    into the wrapper (here a namePrefix). A folder named `ov` is there to be built by mistake."""
    hash_name, newline_name = "ov #x", "ov\nnamePrefix: injected-"
    for name in (hash_name, newline_name):
        app(tmp_path, "resources:\n  - sa.yaml\n", name)
    plain = app(tmp_path, "resources:\n  - sa.yaml\n", "ov")
    (plain / "sa.yaml").write_text(SERVICE_ACCOUNT.format(name="plain"))
    monkeypatch.chdir(tmp_path)
    result = api.scan([hash_name, newline_name], ruleset)
    assert sorted(builds) == sorted([hash_name, newline_name])
    assert result.errors == [] and result.rendered.built == 2
    assert sorted((f.file, f.line, f.obj.name) for f in result.findings) == [
        (f"{newline_name}/sa.yaml", 6, "orders"),
        (f"{hash_name}/sa.yaml", 6, "orders"),
    ]


LARGE_CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: dump
data:
  endpoint: https://orders-archive.s3.us-east-1.amazonaws.com
  dump: "{filler}"
"""


@needs_kustomize
def test_a_built_object_over_max_file_size_is_skipped_as_the_raw_file_is(ruleset, tmp_path, monkeypatch):
    """A 6.4 MB resource, skipped when scanned raw, is not linted through the build either."""
    folder = app(tmp_path, "resources:\n  - sa.yaml\n  - dump.yaml\n")
    (folder / "dump.yaml").write_text(LARGE_CONFIG.format(filler="x" * 6_400_000))
    monkeypatch.chdir(tmp_path)
    raw = api.scan(["app"], ruleset, api.ScanOptions(render=RenderOptions(mode="off")))
    size = (folder / "dump.yaml").stat().st_size
    assert [e.message.split(" is over")[0] for e in raw.errors] == [f"skipped: {size:,} bytes"]
    result = api.scan(["app"], ruleset)
    assert [(e.file, e.line) for e in result.errors] == [("app/dump.yaml", 0)]
    assert result.errors[0].message.startswith("skipped: a built object of 6,400,")
    assert result.errors[0].message.endswith("is over the 5,242,880-byte limit (--max-file-size)")
    assert [(f.rule_id, f.file) for f in result.findings] == [("aws-identity-irsa-role", "app/sa.yaml")]


SLOW_KUSTOMIZE = """#!/bin/sh
[ "$1" = version ] && exec echo v5.5.0
echo $$ > "{pids}/$$"
exec sleep 60
"""


def test_sigterm_stops_the_builds_and_removes_their_wrapper_folders(tmp_path):
    tools, scratch, pids = tmp_path / "bin", tmp_path / "tmp", tmp_path / "pids"
    for folder in (tools, scratch, pids):
        folder.mkdir()
    (tools / "kustomize").write_text(SLOW_KUSTOMIZE.format(pids=pids))
    (tools / "kustomize").chmod(0o755)
    for name in ("a", "b"):
        app(tmp_path, "resources:\n  - sa.yaml\n", name)
    env = {**os.environ, "PATH": f"{tools}:/usr/bin:/bin", "TMPDIR": str(scratch), "PYTHONPATH": str(REPO)}
    scan = subprocess.Popen(
        [sys.executable, "-m", "mclint", "scan", "--no-progress", "a", "b"],
        cwd=tmp_path,
        env={**env, "MCLINT_CACHE_DIR": str(tmp_path / "cache")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        if len(list(pids.iterdir())) == 2:
            break
        time.sleep(0.1)
    assert len(list(pids.iterdir())) == 2  # both builds are running
    assert len([p for p in scratch.iterdir() if p.name.startswith("mclint-kustomize-")]) == 2
    scan.send_signal(signal.SIGTERM)
    assert scan.wait(timeout=30) == -signal.SIGTERM
    assert [p.name for p in scratch.iterdir() if p.name.startswith("mclint-kustomize-")] == []
    for pid_file in pids.iterdir():
        assert not running(int(pid_file.read_text()))


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    for _ in range(50):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return False
        except FileNotFoundError:
            return False
        time.sleep(0.1)
    return True


@needs_kustomize
@pytest.mark.parametrize("absolute", [False, True])
def test_a_tree_reached_through_a_symbolic_link_is_named_as_given_and_each_file_read_once(
    ruleset, tmp_path, monkeypatch, absolute
):
    """The builds see resolved folders; their files are reported under the path the user gave, so
    a file a build read is not also linted raw."""
    (tmp_path / "real").mkdir()
    app(tmp_path / "real", "resources:\n  - sa.yaml\n")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    target = str(tmp_path / "link") if absolute else "link"
    result = api.scan([target], ruleset)
    assert [(f.rule_id, f.file, f.line) for f in result.findings] == [("aws-identity-irsa-role", "link/app/sa.yaml", 6)]
    assert result.rendered.built == 1
