"""Configuration, baseline and rule-file mistakes a user can make end in "bad configuration" (or
the baseline's or rule's own message) with the file, and exit 2: never an internal error."""

from __future__ import annotations

import pytest

from tests.cli.runner import run

MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n"


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        (
            ".mclint.yaml",
            'fail-under: "²"\n',
            "mclint: bad configuration: .mclint.yaml:1: 'fail-under' must be a whole",
        ),
        (
            ".mclint.yaml",
            'exclude: ["[z-a]"]\n',
            "mclint: bad configuration: .mclint.yaml:1: '[z-a]' is not a gitignore",
        ),
        (
            ".mclint.yaml",
            "waivers:\n  - rule: aws\n    reason: r\n    expires: 2026-01-01T10:00:00\n",
            "mclint: bad configuration: .mclint.yaml:4: 'expires' must be a date",
        ),
        (
            "pyproject.toml",
            "[tool]\nmclint = 5\n",
            "mclint: bad configuration: pyproject.toml: [tool.mclint] must be a table",
        ),
        (
            "pyproject.toml",
            "[tool.mclint]\nselect = " + "[" * 3000 + "]" * 3000 + "\n",
            "mclint: bad configuration: pyproject.toml: not valid TOML: nested too deeply",
        ),
    ],
)
def test_config_mistakes_are_bad_configuration(tmp_path, monkeypatch, name, text, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(["scan", "app.yaml", "--config", name])
    assert (code, out) == (2, "") and err.startswith(said), err


def test_a_pyproject_whose_tool_is_not_a_table_is_no_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    assert run(["scan", "app.yaml", "-f", "concise"]) == (
        0,
        "Workloads: none found\nPortability score: 100/100  (0 finding(s); 1 object(s) in 1 file(s); 0 error(s))\n",
        "",
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [(b"\xff\xfe{", "bl.json: not UTF-8 (byte 0)"), (b"[" * 100_000 + b"]" * 100_000, "bl.json: nested too deeply")],
)
def test_baseline_mistakes_name_the_file(tmp_path, monkeypatch, data, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "bl.json").write_bytes(data)
    code, _, err = run(["scan", "app.yaml", "--baseline", "bl.json"])
    assert code == 2 and said in err and "internal error" not in err


def test_a_rule_match_nested_too_deeply_is_a_bad_rule_definition(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    match = "{value: x}"
    for _ in range(490):
        match = "{any: [" + match + "]}"
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "deep.yaml").write_text(
        "provider: aws\ncategory: identity\nrules:\n  - id: aws-identity-deep\n    title: t\n    severity: low\n"
        f'    kinds: ["*"]\n    field: metadata.name\n    match: {match}\n    message: m\n    remediation: r\n',
        encoding="utf-8",
    )
    code, _, err = run(["scan", "app.yaml", "--rules-dir", "rules"])
    assert (
        code == 2
        and "bad rule definition: rules/deep.yaml:9: aws-identity-deep: match criteria nested too deeply" in err
    )


def test_a_full_disk_on_stdout_is_one_line(tmp_path, monkeypatch):
    import errno
    import io

    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    from mclint.process import exit_for

    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    with pytest.raises(OSError) as raised:
        Full().write("x")
    assert exit_for(raised.value) == 2
    assert stderr.getvalue() == "mclint: cannot write the report: No space left on device\n"
