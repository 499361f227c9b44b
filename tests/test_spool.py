"""mclint.spool and the Findings built on it: what goes to disk comes back whole and in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mclint import api, spool
from mclint.finding import Finding, ObjectRef, Severity, finding_order
from mclint.finding.grouping import findings_by_object, object_findings
from mclint.finding.spools import Findings
from mclint.report import json as json_report
from mclint.result import Report
from mclint.score import score


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(spool, "BATCH", 3)
    monkeypatch.setattr("mclint.finding.spools.BATCH", 3)
    monkeypatch.setattr(spool, "MEMORY_BYTES", 0)  # every batch to the file


def test_a_store_keeps_its_first_bytes_in_memory_then_moves_them_to_its_file(monkeypatch):
    monkeypatch.setattr(spool, "MEMORY_BYTES", 100)
    store = spool.Batches(spool.MARSHAL)
    small = [store.write([n, "x" * 10]) for n in range(3)]
    assert not store.on_disk  # a small scan never makes a file
    large = store.write(["y" * 200])
    assert store.on_disk
    assert [store.read(batch) for batch in small] == [[n, "x" * 10] for n in range(3)]
    assert store.read(large) == ["y" * 200]
    again = store.write([7])
    assert store.read(again) == [7] and store.read(small[1]) == [1, "x" * 10]


def test_items_past_a_batch_go_to_disk_and_come_back_in_order(small_batches):
    items = spool.Spool(range(10), key=lambda n: n)
    assert repr(items) == "Spool(10 item(s), 3 on disk)"
    assert list(items) == list(range(10))
    assert list(items) == list(range(10))  # read again: every pass starts from the front
    assert len(items) == 10 and items[4] == 4 and items[-1] == 9 and items[2:5] == [2, 3, 4]
    with pytest.raises(IndexError):
        items[10]


def test_interleaved_passes_each_see_every_item(small_batches):
    items = spool.Spool(range(8))
    assert [(a, b) for a, b in zip(items, items, strict=True)] == [(n, n) for n in range(8)]


def test_out_of_order_items_are_merged_back_in_key_order(small_batches):
    items = spool.Spool([1, 4, 6, 2, 7, 8, 9, 3, 10], key=lambda n: n)
    assert list(items) == [1, 2, 3, 4, 6, 7, 8, 9, 10]


@given(st.lists(st.lists(st.integers(0, 30), max_size=7), max_size=8))
@settings(max_examples=200, deadline=None)
def test_sorted_runs_are_stored_as_item_by_item_adding_stores_them(runs):
    spool.BATCH, saved = 3, spool.BATCH  # batches of three, as the fixture makes (given's examples share no fixture)
    try:
        one_by_one, in_runs = spool.Spool(key=lambda n: n), spool.Spool(key=lambda n: n)
        for run in runs:
            one_by_one.extend(sorted(run))
            in_runs.extend(sorted(run), in_order=True)
        assert list(in_runs) == list(one_by_one) == sorted(n for run in runs for n in run)
        assert repr(in_runs) == repr(one_by_one)  # the same batches written
    finally:
        spool.BATCH = saved


def test_an_empty_spool_is_falsy_and_never_touches_disk():
    items = spool.Spool()
    assert not items and len(items) == 0 and list(items) == [] and not items._store.on_disk


def _finding(file: str, line: int, severity=Severity.HIGH, provider="aws", obj_file=None, storage_class=None):
    obj = ObjectRef(obj_file or file, 0, "Deployment", "default", f"app-{line}", line)
    return Finding(
        "aws-identity-irsa-role", provider, "identity", severity, file, line, 1, obj, "f", "m", "r", storage_class
    )


def test_findings_count_as_they_are_added(small_batches):
    found = Findings(
        [
            _finding("a.yaml", 1),
            _finding("a.yaml", 2, Severity.INFO, "gcp"),
            _finding("b.yaml", 3, obj_file="base.yaml"),
            _finding("c.yaml", 4, storage_class="gp3"),
        ]
    )
    assert found.counts == {
        ("aws", "identity", Severity.HIGH): 3,
        ("gcp", "identity", Severity.INFO): 1,
    }
    assert found.severities() == {Severity.HIGH: 3, Severity.INFO: 1}
    assert [f.line for f in found.foreign] == [3]  # shown in b.yaml, its object lives in base.yaml
    assert found.conditional == 1


def test_object_findings_pairs_match_findings_by_object_with_a_foreign_finding(small_batches):
    objects = [ObjectRef(f, 0, "Deployment", "default", f"app-{n}", n) for n, f in enumerate("abcde", 1)]
    objects = [o._replace(file=f"{o.file}.yaml") for o in objects]
    findings = [_finding("a.yaml", 1), _finding("d.yaml", 9, obj_file="b.yaml"), _finding("e.yaml", 5)]
    findings[1] = findings[1]._replace(obj=objects[1])
    expected = list(findings_by_object(findings, objects).items())
    assert list(object_findings(iter(objects), Findings(findings))) == expected
    assert [len(found) for _, found in expected] == [1, 1, 0, 0, 1]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 3)), max_size=12),
    st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 4), st.integers(1, 30)), max_size=12),
)
def test_object_findings_pairs_match_findings_by_object_when_every_finding_is_in_its_objects_file(objs, shown):
    """Without foreign findings the two streams are merged a file at a time; the pairs are the same."""
    objects = sorted({ObjectRef(f"{f}.yaml", n, "Deployment", "default", f"app-{n}", n) for f, n in objs})
    findings = sorted(
        (
            _finding(f"{f}.yaml", line)._replace(obj=ObjectRef(f"{f}.yaml", n, "Deployment", "default", f"app-{n}", n))
            for f, n, line in shown
        ),
        key=finding_order,
    )
    expected = list(findings_by_object(findings, objects).items())
    assert list(object_findings(iter(objects), Findings(findings))) == expected


def test_a_scan_reports_the_same_whether_its_findings_stay_in_memory_or_go_to_disk(monkeypatch, ruleset):
    def report_text() -> str:
        result = api.scan(["fixtures"], ruleset, api.ScanOptions(render=None))
        report = Report(result, score(result.objects, result.findings), rules=ruleset.rules)
        out = []
        json_report.write(report, type("Sink", (), {"write": lambda self, text: out.append(text)})())
        return "".join(out)

    in_memory = report_text()
    monkeypatch.setattr(spool, "BATCH", 2)
    monkeypatch.setattr("mclint.finding.spools.BATCH", 2)
    monkeypatch.setattr(spool, "MEMORY_BYTES", 0)
    on_disk = report_text()
    assert on_disk == in_memory
    data = json.loads(on_disk)
    assert data["summary"]["findings"] == len(data["findings"]) > 100
    assert [(f["file"], f["line"], f["column"]) for f in data["findings"]] == sorted(
        (f["file"], f["line"], f["column"]) for f in data["findings"]
    )


def test_source_lines_are_found_in_report_order_and_out_of_it(ruleset):
    files = ["fixtures/aws/alb-ingress.yaml", "fixtures/azure/disk-storage.yaml"]
    result = api.scan(files, ruleset, api.ScanOptions(snippets=True))
    report = Report(result, score(result.objects, result.findings))
    findings = list(result.findings)
    texts = {f: Path(f.file).read_text().splitlines()[f.line - 1] for f in findings}
    assert {f.file for f in findings} == set(files)
    assert [report.snippet(f) for f in findings] == [texts[f] for f in findings]
    backwards = findings[::-1]  # each step back to an earlier file reads the spool from the front
    assert [report.snippet(f) for f in backwards] == [texts[f] for f in backwards]


def test_an_encoded_run_is_kept_as_its_bytes_and_one_that_comes_early_is_merged_in_order(small_batches):
    items = spool.Spool(key=lambda n: n, codec=spool.MARSHAL)
    items.extend([1, 2], in_order=True)
    assert items.extend_encoded(items.encoded([3, 4, 5])) is True
    assert items.extend_encoded(items.encoded([])) is True
    assert items.extend_encoded(items.encoded([0, 6])) is False  # early: decoded, 0 kept aside
    items.extend([7], in_order=True)
    assert list(items) == [0, 1, 2, 3, 4, 5, 6, 7] and len(items) == 8


def test_findings_from_an_encoded_run_are_counted_once(small_batches):
    def finding(line: int, provider: str) -> Finding:
        obj = ObjectRef("a.yaml", 0, "Deployment", "ns", "web")
        return Finding("r", provider, "network", Severity.HIGH, "a.yaml", line, 1, obj, "f", "m", "fix")

    kept = Findings()
    assert kept.extend_encoded(Findings.encoded_run([finding(5, "aws"), finding(6, "gcp")])) is True
    assert kept.extend_encoded(Findings.encoded_run([finding(1, "aws")])) is False  # early: counted by extend
    assert [f.line for f in kept] == [1, 5, 6]
    assert kept.counts == {("aws", "network", Severity.HIGH): 2, ("gcp", "network", Severity.HIGH): 1}
