"""Reports are written whole or not at all, never over a scanned input, into folders created as needed."""

from __future__ import annotations

import json
import os

import pytest

from mclint.process import UsageProblem
from mclint.run import output_stream
from tests.cli.runner import run

MANIFEST = (
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
    "    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/app\n"
)


@pytest.mark.parametrize(
    "command", [["scan"], ["scan", "--report", "json={out}"], ["inventory"], ["plan", "--to", "gcp"], ["baseline"]]
)
def test_a_report_path_naming_a_scanned_input_is_refused_before_scanning(tmp_path, command):
    manifest = tmp_path / "sa.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    args = [arg.format(out=manifest) for arg in command]
    target = [] if any("{out}" in arg for arg in command) else ["-o", str(manifest)]
    code, _, err = run([*args, str(manifest), *target])
    assert code == 2 and "is a scanned input" in err
    assert manifest.read_text(encoding="utf-8") == MANIFEST


def test_a_missing_folder_is_created(tmp_path):
    (tmp_path / "sa.yaml").write_text(MANIFEST, encoding="utf-8")
    out = tmp_path / "reports" / "pr" / "mclint.json"
    code, _, _ = run(["scan", str(tmp_path / "sa.yaml"), "-f", "json", "-o", str(out)])
    assert code == 1 and json.loads(out.read_text(encoding="utf-8"))["findings"][0]["line"] == 6


def test_an_interrupted_write_keeps_the_previous_report_and_leaves_no_temporary_file(tmp_path):
    report = tmp_path / "report.json"
    report.write_text('{"complete": true}\n', encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), output_stream(report) as stream:
        stream.write('{"trunc')
        raise KeyboardInterrupt
    assert report.read_text(encoding="utf-8") == '{"complete": true}\n'
    assert os.listdir(tmp_path) == ["report.json"]


def test_two_writers_of_one_path_leave_one_whole_report(tmp_path):
    report = tmp_path / "report.json"
    with output_stream(report) as first, output_stream(report) as second:
        first.write('{"writer": 1, "padding": "' + "x" * 100_000 + '"}\n')
        second.write('{"writer": 2}\n')
    assert json.loads(report.read_text(encoding="utf-8")) == {"writer": 1, "padding": "x" * 100_000}
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_replaced_report_keeps_its_permissions_and_a_link_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with output_stream(link) as stream:
        stream.write("new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert real.stat().st_mode & 0o777 == 0o640


def test_an_unwritable_place_is_a_usage_problem_naming_it(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(UsageProblem, match="cannot write"), output_stream(tmp_path / "file" / "report.json"):
        pass
