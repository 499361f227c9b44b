"""The raw files no build reads are linted while the builds run, with the same report as linting them after:
files a build consumes are never linted raw, and an interrupt during that work still stops the builds and
removes their wrapper folders."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mclint import api
from mclint.config import Config
from mclint.render import CHARTS, Readers, RenderOptions, kustomize
from mclint.report.json import report_dict
from tests.render.test_kustomize import SERVICE_ACCOUNT, needs_kustomize

RAW_FILES = 12

PATCH = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  annotations:
    iam.gke.io/gcp-service-account: orders@shop.iam.gserviceaccount.com
"""

NODE_POOL = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: job-{n}
spec:
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-nodepool: pool-{n}
      containers:
        - name: app
          image: nginx
"""


def tree(root: Path) -> None:
    """An overlay over a base, a file in the base's folder that no kustomization names, and raw files
    under no kustomization at all."""
    base, overlay, raw = root / "app" / "base", root / "app" / "overlay", root / "raw"
    for folder in (base, overlay, raw):
        folder.mkdir(parents=True)
    (base / "kustomization.yaml").write_text("resources:\n  - sa.yaml\n")
    (base / "sa.yaml").write_text(SERVICE_ACCOUNT.format(name="orders"))
    (base / "unlisted.yaml").write_text(NODE_POOL.format(n="unlisted"))
    (overlay / "kustomization.yaml").write_text("resources:\n  - ../base\npatches:\n  - path: patch.yaml\n")
    (overlay / "patch.yaml").write_text(PATCH)
    for n in range(RAW_FILES):
        (raw / f"job-{n:02d}.yaml").write_text(NODE_POOL.format(n=n))


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The tree as working directory; the build cache outside it, empty."""
    (tmp_path / "tree").mkdir()
    tree(tmp_path / "tree")
    monkeypatch.chdir(tmp_path / "tree")
    monkeypatch.setenv("MCLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "tree"


@pytest.fixture
def linted(monkeypatch):
    """Each raw file linted, in order, and whether a build was running at the time."""
    seen: list[tuple[str, bool]] = []
    building = threading.Event()
    real_lint, real_build = api.lint_source, kustomize.build

    def lint_source(source, ruleset, options):
        seen.append((source.display, building.is_set()))
        return real_lint(source, ruleset, options)

    def build(directory, command):
        building.set()
        try:  # the build lasts until the raw files no build reads are linted (or 20 s)
            for _ in range(400):
                if sum(display.startswith("raw/") for display, _ in seen) == RAW_FILES:
                    break
                threading.Event().wait(0.05)
            return real_build(directory, command)
        finally:
            building.clear()

    monkeypatch.setattr(api, "lint_source", lint_source)
    monkeypatch.setattr(kustomize, "build", build)
    return seen


def report(result, ruleset) -> dict:
    return report_dict(api.finish(result, Config(), None, "", []))


@needs_kustomize
def test_raw_files_no_build_reads_are_linted_while_the_build_runs(ruleset, shop, linted):
    result = api.scan(["."], ruleset, api.ScanOptions(jobs=1))
    assert result.rendered.built == 1
    during = sorted(display for display, building in linted if building)
    after = [display for display, building in linted if not building]
    assert during == [f"raw/job-{n:02d}.yaml" for n in range(RAW_FILES)]
    # Under a folder the build reads, but named by no kustomization: linted raw once the build is in.
    assert after == ["app/base/unlisted.yaml"]
    assert ("app/base/sa.yaml" not in [display for display, _ in linted]) and len(linted) == RAW_FILES + 1
    found = {(f.rule_id, f.file, f.line) for f in result.findings}
    assert ("aws-identity-irsa-role", "app/base/sa.yaml", 6) in found
    assert ("gcp-identity-workload-identity", "app/overlay/patch.yaml", 6) in found
    assert ("gcp-scheduling-node-label", "raw/job-00.yaml", 9) in found
    assert ("gcp-scheduling-node-label", "app/base/unlisted.yaml", 9) in found


@needs_kustomize
def test_a_file_a_build_might_read_is_linted_beside_a_later_build_once_that_one_left_it(ruleset, shop, monkeypatch):
    solo = shop / "solo"  # built after app/overlay, and slow: it waits for app/base/unlisted.yaml
    solo.mkdir()
    (solo / "kustomization.yaml").write_text("resources:\n  - job.yaml\n")
    (solo / "job.yaml").write_text(NODE_POOL.format(n="solo"))
    seen: list[tuple[str, str | None]] = []
    running: list[str] = []
    real_lint, real_build = api.lint_source, kustomize.build

    def lint_source(source, ruleset, options):
        seen.append((source.display, running[0] if running else None))
        return real_lint(source, ruleset, options)

    def build(directory, command):
        if directory.name == "solo":
            running.append("solo")
            for _ in range(400):
                if "app/base/unlisted.yaml" in [display for display, _ in seen]:
                    break
                threading.Event().wait(0.05)
        return real_build(directory, command)

    monkeypatch.setattr(api, "lint_source", lint_source)
    monkeypatch.setattr(kustomize, "build", build)
    result = api.scan(["."], ruleset, api.ScanOptions(jobs=1))
    assert result.rendered.built == 2
    assert ("app/base/unlisted.yaml", "solo") in seen
    linted = [display for display, _ in seen]
    assert not {"app/base/sa.yaml", "app/overlay/patch.yaml", "solo/job.yaml"} & set(linted)  # consumed
    found = {(f.rule_id, f.file, f.line) for f in result.findings}
    assert ("gcp-scheduling-node-label", "app/base/unlisted.yaml", 9) in found
    assert ("gcp-scheduling-node-label", "solo/job.yaml", 9) in found


@needs_kustomize
def test_the_report_is_the_same_with_or_without_linting_beside_the_builds(ruleset, shop, monkeypatch):
    cold = RenderOptions(cache=False)  # every scan builds, so every scan has the builds to lint beside
    overlapped = report(api.scan(["."], ruleset, api.ScanOptions(jobs=1, render=cold)), ruleset)
    default_jobs = report(api.scan(["."], ruleset, api.ScanOptions(jobs=os.cpu_count() or 2, render=cold)), ruleset)
    # Every file linted beside the build, those the build then consumes included: their results are dropped.
    monkeypatch.setattr(Readers, "__call__", lambda self, path: None)
    real_lint, linted = api.lint_source, []
    monkeypatch.setattr(
        api, "lint_source", lambda source, *rest: linted.append(source.display) or real_lint(source, *rest)
    )
    everything = report(api.scan(["."], ruleset, api.ScanOptions(jobs=1, render=cold)), ruleset)
    assert {"app/base/sa.yaml", "app/overlay/patch.yaml"} <= set(linted)
    monkeypatch.setattr(api._LintAside, "begin", lambda self, readable: None)
    after_builds = report(api.scan(["."], ruleset, api.ScanOptions(jobs=1, render=cold)), ruleset)
    assert overlapped["summary"]["findings"] == RAW_FILES + 3
    assert overlapped == default_jobs == everything == after_builds


@needs_kustomize
def test_progress_counts_every_file_once_and_ends_at_the_summary(ruleset, shop):
    calls: list[tuple] = []
    result = api.scan(["."], ruleset, api.ScanOptions(jobs=1), progress=lambda *call: calls.append(call))
    files = [call for call in calls if len(call) == 2]
    assert files[-1] == (result.files, result.files) == (RAW_FILES + 5, RAW_FILES + 5)
    assert [done for done, _ in files] == sorted(done for done, _ in files)
    builds = [call for call in calls if len(call) == 3]
    assert builds[-1] == (1, 1, "kustomizations") and calls.index(builds[-1]) < calls.index(files[0])


SLOW_KUSTOMIZE = """#!/bin/sh
[ "$1" = version ] && exec echo v5.5.0
echo $$ > "{pids}/$$"
exec sleep 60
"""


def test_an_interrupt_while_linting_beside_the_builds_stops_them_and_removes_their_folders(ruleset, shop, monkeypatch):
    tools, scratch, pids = shop.parent / "bin", shop.parent / "tmp", shop.parent / "pids"
    for folder in (tools, scratch, pids):
        folder.mkdir()
    (tools / "kustomize").write_text(SLOW_KUSTOMIZE.format(pids=pids))
    (tools / "kustomize").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:/usr/bin:/bin")
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    real_lint = api.lint_source

    def lint_source(source, ruleset, options):
        if source.display == "raw/job-03.yaml":
            for _ in range(300):  # the build is running: its wrapper folder is on disk
                if list(pids.iterdir()):
                    break
                threading.Event().wait(0.05)
            assert [p.name.startswith("mclint-kustomize-") for p in scratch.iterdir()] == [True]
            raise KeyboardInterrupt
        return real_lint(source, ruleset, options)

    monkeypatch.setattr(api, "lint_source", lint_source)
    with pytest.raises(KeyboardInterrupt):
        api.scan(["."], ruleset, api.ScanOptions(jobs=1))
    assert list(scratch.iterdir()) == []
    (pid,) = [int(p.read_text()) for p in pids.iterdir()]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_readers_cover_the_folders_a_build_reads_and_the_files_it_names(tmp_path):
    (tmp_path / "base" / "deep").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    outside = tmp_path / "patches" / "p.yaml"
    outside.parent.mkdir()
    outside.write_text("{}\n")
    link = tmp_path / "other" / "link.yaml"
    link.symlink_to(tmp_path / "base" / "deep")
    chart = tmp_path / "chart"
    readers = Readers([(tmp_path / "base", 0), (tmp_path / "base" / "deep", 2), (chart, CHARTS)], [(outside, 1)])
    assert readers(tmp_path / "base" / "deep" / "x.yaml") == 2  # the last build that reads it
    assert readers(tmp_path / "base" / "x.yaml") == 0 and readers(outside) == 1
    assert readers(chart / "values.yaml") == CHARTS
    assert readers(link) == 2  # by where it leads
    assert readers(tmp_path / "other" / "x.yaml") is None and readers(tmp_path / "basement.yaml") is None
    assert readers(Path("/")) is None
    assert readers(tmp_path / "base" / "deep" / "y.yaml") == 2 and readers(tmp_path / "other" / "y.yaml") is None
