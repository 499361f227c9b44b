"""Config loading: discovery by walking up, every key checked, errors with file and line."""

from __future__ import annotations

import datetime

import pytest

from mclint.config import ConfigError, find_config, load_config
from mclint.finding import Severity


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_found_by_walking_up_from_the_scanned_path(tmp_path):
    config = write(tmp_path / ".mclint.yaml", "select: [aws]\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == config
    assert find_config(deep / "missing.yaml") == config


def test_pyproject_table_is_found_and_read(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.mclint]\nfail-on = "high"\ntargets = ["gcp"]\n')
    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found)
    assert (config.fail_on, config.targets) == ("high", ["gcp"])


def test_pyproject_without_the_table_is_not_a_config(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None


def test_every_key_is_read(tmp_path):
    (tmp_path / "extra-rules").mkdir()
    path = write(
        tmp_path / ".mclint.yaml",
        """\
select: [aws-*, gcp]
ignore: [aws-identity-irsa-settings]
severity:
  gcp-storage-*: low
fail-on: medium
fail-under: 70
targets: [aws]
exclude: ["vendor/", "!vendor/keep.yaml"]
rules-dirs: [extra-rules]
waivers:
  - rule: gcp-storage-csi-volume
    path: "k8s/*.yaml"
    kind: PersistentVolume
    namespace: data
    name: archive
    reason: migrates in Q3
    expires: 2099-01-31
""",
    )
    config = load_config(path)
    assert config.select == ["aws-*", "gcp"]
    assert config.ignore == ["aws-identity-irsa-settings"]
    assert config.severity == {"gcp-storage-*": Severity.LOW}
    assert (config.fail_on, config.fail_under, config.targets) == ("medium", 70, ["aws"])
    assert config.exclude == ["vendor/", "!vendor/keep.yaml"]
    assert config.rules_dirs == [(tmp_path / "extra-rules").resolve()]
    [waiver] = config.waivers
    assert (waiver.rule, waiver.path, waiver.kind, waiver.namespace, waiver.name) == (
        "gcp-storage-csi-volume",
        "k8s/*.yaml",
        "PersistentVolume",
        "data",
        "archive",
    )
    assert (waiver.reason, waiver.expires, waiver.line) == ("migrates in Q3", datetime.date(2099, 1, 31), 11)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("select: [aws]\nbogus: 1\n", 2, "unknown key 'bogus'"),
        ("fail-on: sometimes\n", 1, "'fail-on' must be one of high, medium, low, info, none, not 'sometimes'"),
        ("fail-under: 101\n", 1, "'fail-under' must be a whole number from 0 to 100"),
        ("targets:\n  - aws\n  - mars\n", 3, "unknown target 'mars'"),
        ("severity:\n  aws-*: urgent\n", 2, "unknown severity 'urgent'"),
        ("select:\n  aws: yes\n", 2, "'select' must be a list of non-empty strings"),
        ("rules-dirs: [nowhere]\n", 1, "rules directory 'nowhere' does not exist"),
        ("waivers:\n  - rule: x\n    reason: y\n    expires: soon\n", 4, "'expires' must be a date YYYY-MM-DD"),
        ("waivers:\n  - rule: x\n    reason: y\n    owner: me\n", 4, "unknown waiver key 'owner'"),
        ("waivers:\n  - rule: x\n", 2, "waiver needs a 'reason'"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("select: [aws\n", 2, "not valid YAML"),
    ],
)
def test_bad_config_names_file_line_and_problem(tmp_path, monkeypatch, text, line, message):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path / ".mclint.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f".mclint.yaml:{line}: ")
    assert message in str(caught.value)


def test_bad_pyproject_value_names_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.mclint]\nfail-on = "loud"\n')
    with pytest.raises(ConfigError, match=r"^pyproject.toml:5: 'fail-on' must be one of"):
        load_config(path)


def test_pyproject_waivers_take_toml_dates(tmp_path):
    path = write(
        tmp_path / "pyproject.toml",
        '[tool.mclint]\nselect = ["aws"]\n\n[[tool.mclint.waivers]]\nrule = "aws-*"\nreason = "EKS only"\nexpires = 2027-01-31\n',
    )
    [waiver] = load_config(path).waivers
    assert (waiver.rule, waiver.reason, waiver.expires) == ("aws-*", "EKS only", datetime.date(2027, 1, 31))


def test_bad_pyproject_waiver_names_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '[tool.mclint]\n\n[[tool.mclint.waivers]]\nrule = "a"\nreason = "b"\n\n[[tool.mclint.waivers]]\nrule = "c"\nreason = "d"\nexpires = "soon"\n'
    path = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError, match=r"^pyproject.toml:10: 'expires' must be a date"):
        load_config(path)
