"""Broken and hostile input, end to end: a clear message with file and line, the other files still
scanned, the exit code says it, and never a traceback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.cli.runner import run

GOOD = (
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: good\n  annotations:\n"
    "    iam.gke.io/gcp-service-account: good@acme.iam.gserviceaccount.com\n"
)

BROKEN = {
    "bad-indentation.yaml": (b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   labels: {}\n", 5),
    "tab-indentation.yaml": (b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", 4),
    "unclosed-quote.yaml": (b'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "unclosed\n', 5),
    "invalid.json": (b'{"apiVersion": "v1", "kind": "ConfigMap",, }', 1),
    "helm-outside-chart.yaml": (b"{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n", 1),
    "undefined-alias.yaml": (b"a: *nowhere\n", 1),
    "duplicate-keys.yaml": (b"apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: x}\n", 3),
}


def scan_json(args: list[str]) -> tuple[int, dict, str]:
    code, out, err = run(["scan", "--format", "json", "--no-progress", *args])
    assert "Traceback" not in out + err
    return code, json.loads(out), err


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_an_error_with_line_and_the_good_file_is_still_linted(tmp_path, name):
    data, line = BROKEN[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / "zz-good.yaml").write_text(GOOD)
    code, report, _ = scan_json([str(tmp_path), "--fail-on", "none"])
    assert code == 1
    errors = [e for e in report["errors"] if e["file"].endswith(name)]
    assert errors and errors[0]["line"] == line and errors[0]["message"]
    assert [f["rule_id"] for f in report["findings"]] == ["gcp-identity-workload-identity"]


def test_template_syntax_outside_a_chart_says_so(tmp_path):
    (tmp_path / "t.yaml").write_bytes(BROKEN["helm-outside-chart.yaml"][0])
    _, report, _ = scan_json([str(tmp_path / "t.yaml")])
    assert "template syntax" in report["errors"][0]["message"]
    # Template text that happens to parse as YAML is a warning, not silently linted as real values.
    (tmp_path / "u.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n")
    code, report, _ = scan_json([str(tmp_path / "u.yaml")])
    assert code == 0 and report["errors"] == []
    assert [(w["line"], w["message"][:15]) for w in report["warnings"]] == [
        (3, "ConfigMap has n"),
        (4, "template syntax"),
    ]


@pytest.mark.parametrize(
    ("data", "expect_error"),
    [
        (b"", False),  # empty file
        (b"# only a comment\n# and another\n", False),
        (b"\xef\xbb\xbf" + GOOD.encode(), False),  # BOM
        (GOOD.replace("\n", "\r\n").encode(), False),  # CRLF
        (b"just a scalar\n", False),
        (b"- a\n- b\n", False),
    ],
    ids=["empty", "comments-only", "bom", "crlf", "scalar-document", "list-of-scalars"],
)
def test_odd_but_valid_files_are_not_errors(tmp_path, data, expect_error):
    (tmp_path / "odd.yaml").write_bytes(data)
    code, report, _ = scan_json([str(tmp_path / "odd.yaml"), "--fail-on", "none"])
    assert bool(report["errors"]) is expect_error
    assert code == 0


def test_bom_and_crlf_keep_lines_and_columns(tmp_path):
    (tmp_path / "crlf.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    _, report, _ = scan_json([str(tmp_path / "crlf.yaml")])
    (finding,) = report["findings"]
    assert (finding["line"], finding["column"]) == (6, 5)


def test_non_utf8_bytes_are_reported_and_the_rest_of_the_file_is_linted(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes(GOOD.encode() + b"# caf\xe9\n")
    code, report, _ = scan_json([str(tmp_path / "latin1.yaml"), "--fail-on", "none"])
    assert code == 1
    assert report["errors"][0]["line"] == 7 and "not valid UTF-8" in report["errors"][0]["message"]
    assert [f["line"] for f in report["findings"]] == [6]


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), b"\xff\xfe\x00garbage\x01\x02"],
    ids=["png", "utf16-bom-then-garbage"],
)
def test_binary_file_named_yaml_is_reported(tmp_path, data):
    (tmp_path / "image.yaml").write_bytes(data)
    code, report, _ = scan_json([str(tmp_path)])
    assert code == 1
    assert "binary file" in report["errors"][0]["message"]


def test_utf16_manifest_is_read(tmp_path):
    (tmp_path / "utf16.yaml").write_bytes(GOOD.encode("utf-16"))
    _, report, _ = scan_json([str(tmp_path)])
    assert report["errors"] == [] and [f["line"] for f in report["findings"]] == [6]


def test_objects_with_shape_mistakes_are_warnings_not_errors(tmp_path):
    (tmp_path / "w.yaml").write_text(
        "kind: ConfigMap\nmetadata: {name: no-api-version}\n---\n"
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n"
        "    iam.gke.io/gcp-service-account: x@y.iam.gserviceaccount.com\n---\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: in-a-bare-list}\n"
    )
    code, report, _ = scan_json([str(tmp_path / "w.yaml"), "--fail-on", "none"])
    assert code == 0 and report["errors"] == []
    assert [(w["line"], w["message"].split(";")[0]) for w in report["warnings"]] == [
        (1, "object has kind and metadata but no apiVersion"),
        (6, "ServiceAccount has no metadata.name"),
        (10, "document is a bare list of objects (use kind: List)"),
    ]
    assert [f["rule_id"] for f in report["findings"]] == ["gcp-identity-workload-identity"]


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 10)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    code, report, _ = scan_json([str(tmp_path / "bomb.yaml")])
    assert code == 1
    assert "alias bomb" in report["errors"][0]["message"]


def test_aliases_of_a_long_value_are_refused_with_their_line_and_the_scan_goes_on(tmp_path):
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  big: &big " + "x" * 1_000_000 + "\n"
    (tmp_path / "laughs.yaml").write_text(head + "".join(f"  k{i}: *big\n" for i in range(101)))
    (tmp_path / "good.yaml").write_text(GOOD)
    code, report, _ = scan_json([str(tmp_path)])
    assert code == 1
    assert [(Path(e["file"]).name, e["line"]) for e in report["errors"]] == [("laughs.yaml", 106)]
    assert "characters of text" in report["errors"][0]["message"]
    assert [(Path(f["file"]).name, f["rule_id"]) for f in report["findings"]] == [
        ("good.yaml", "gcp-identity-workload-identity")
    ]


def test_thousands_of_nesting_levels_do_not_raise(tmp_path):
    depth = 5000
    (tmp_path / "deep.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: " + "[" * depth + "]" * depth + "\n"
    )
    (tmp_path / "deep.json").write_text('{"a": ' * depth + "1" + "}" * depth)
    code, report, _ = scan_json([str(tmp_path)])
    assert code == 1
    assert all("nesting deeper" in e["message"] for e in report["errors"]) and len(report["errors"]) == 2


def test_huge_file_is_skipped_with_a_clear_message(tmp_path):
    (tmp_path / "big.yaml").write_text(GOOD + "# " + "x" * 5000 + "\n")
    (tmp_path / "good.yaml").write_text(GOOD)
    code, report, _ = scan_json([str(tmp_path), "--max-file-size", "1000"])
    assert code == 1
    (error,) = report["errors"]
    assert error["file"].endswith("big.yaml") and "over the 1,000-byte limit" in error["message"]
    assert [f["file"].endswith("good.yaml") for f in report["findings"]] == [True]


def test_symlink_loop_is_not_followed_and_a_broken_link_is_reported(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "good.yaml").write_text(GOOD)
    os.symlink(tmp_path / "dir", tmp_path / "dir" / "loop")
    os.symlink(tmp_path / "missing.yaml", tmp_path / "dangling.yaml")
    code, report, _ = scan_json([str(tmp_path), str(tmp_path / "dangling.yaml")])
    assert code == 1
    assert [f["file"].endswith("dir/good.yaml") for f in report["findings"]] == [True]
    assert any("broken symbolic link" in e["message"] for e in report["errors"])
    assert [s["reason"].split(":")[0] for s in report["skipped"] if s["file"].endswith("dir/loop")] == [
        "symbolic link to a directory"
    ]


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "secret.yaml").write_text(GOOD)
    (tmp_path / "good.yaml").write_text(GOOD)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, report, _ = scan_json([str(tmp_path)])
    assert code == 1
    assert report["errors"][0]["message"] == "cannot read file: Permission denied"
    assert len(report["findings"]) == 1


def test_python_tags_never_execute(tmp_path):
    marker = tmp_path / "pwned"
    payload = (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        f"data:\n  a: !!python/object/apply:os.system ['touch {marker}']\n"
        f"  b: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
    )
    (tmp_path / "evil.yaml").write_text(payload)
    code, report, _ = scan_json([str(tmp_path)])
    assert not marker.exists()
    assert code == 0 and report["errors"] == [] and report["summary"]["objects"] == 1


def test_rules_and_plugins_in_the_scanned_tree_are_never_loaded(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    (tmp_path / "rules" / "evil.yaml").write_text("provider: aws\ncategory: identity\nrules: []\n")
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    (tmp_path / "good.yaml").write_text(GOOD)
    code, report, _ = scan_json([str(tmp_path)])
    assert not marker.exists()
    assert code == 1  # the one real finding in good.yaml
    assert report["summary"]["rules"] >= 100 and len(report["findings"]) == 1


SLOW_KUSTOMIZE = """#!/bin/sh
printf '%s\\n' "$@" > "{argv}"
exec /bin/sleep 30
"""


def test_a_renderer_that_hangs_is_stopped_and_never_runs_through_a_shell(tmp_path, monkeypatch):
    """A kustomize that never finishes is stopped at the timeout, and the raw files are scanned instead;
    its arguments reach it as given, so shell syntax in a path runs nothing."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "kustomize").write_text(SLOW_KUSTOMIZE.format(argv=tmp_path / "argv"))
    (tools / "kustomize").chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    monkeypatch.setattr("mclint.render.tools.TIMEOUT_SECONDS", 1)
    scratch = tmp_path / "tmp; touch pwned"  # the build's wrapper directory is made in here
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    app = tmp_path / "app"
    app.mkdir()
    (app / "kustomization.yaml").write_text("resources: [sa.yaml]\n")
    (app / "sa.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code, report, _ = scan_json(["app"])
    assert time.monotonic() - started < 20
    assert report["errors"] == [
        {
            "file": "app/kustomization.yaml",
            "line": 0,
            "column": 0,
            "message": "kustomize build failed: timed out after 1 s; raw files scanned instead",
        }
    ]
    assert [(f["rule_id"], f["file"]) for f in report["findings"]] == [
        ("gcp-identity-workload-identity", "app/sa.yaml")
    ]
    argv = (tmp_path / "argv").read_text().splitlines()
    assert argv[0] == "build" and argv[1].startswith(str(scratch)) and len(argv) == 2
    assert not (tmp_path / "pwned").exists() and not (scratch / "pwned").exists()
    assert code == 1
