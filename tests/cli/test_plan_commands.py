"""`mclint inventory` and `mclint plan` on the command line: formats, files, exit codes, usage errors."""

from __future__ import annotations

import json

import pytest

from mclint.cli import main

IRSA = "fixtures/plan/irsa-service-account-used-by-deployment.yaml"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_plan_every_format(capsys, in_repo, fmt):
    assert main(["plan", IRSA, "--to", "gcp", "--format", fmt]) == 0
    out = capsys.readouterr().out
    expected = {
        "text": "Migration plan: aws → gcp\n",
        "markdown": "# Migration plan: aws → gcp\n",
        "json": "{\n",
        "html": "<!DOCTYPE html>\n",
    }[fmt]
    assert out.startswith(expected)
    assert "iam.gke.io/gcp-service-account" in out


def test_inventory_json_to_a_file(capsys, in_repo, tmp_path):
    target = tmp_path / "inventory.json"
    assert main(["inventory", "fixtures/plan", "--format", "json", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["counts"] == {"portable": 1, "portable-with-config": 2, "stateful": 2, "provider-bound": 1}


def test_same_from_and_to_is_a_usage_error(capsys, in_repo):
    assert main(["plan", IRSA, "--to", "aws", "--from", "aws"]) == 2
    assert "--from and --to are both aws" in capsys.readouterr().err


def test_missing_path_and_unknown_target_are_usage_errors(capsys, in_repo):
    assert main(["inventory", "no/such/dir"]) == 2
    assert "no such file or directory: no/such/dir" in capsys.readouterr().err
    assert main(["plan", IRSA, "--to", "mars"]) == 2
    assert "Invalid value for '--to'" in capsys.readouterr().err


def test_plan_requires_a_target(capsys, in_repo):
    assert main(["plan", IRSA]) == 2
    assert "Missing option '--to'" in capsys.readouterr().err


def test_unreadable_input_exits_one_and_is_listed(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [unclosed\n", encoding="utf-8")
    assert main(["inventory", str(broken)]) == 1
    assert "Files read only in part (1)" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["inventory"], ["plan", "--to", "gcp"]])
def test_render_off_reads_the_raw_files_without_building(capsys, tmp_path, command):
    """A root with a remote base cannot be built (an error, exit 1); --render off never tries."""
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - https://github.com/example/app//deploy?ref=v1\n  - deployment.yaml\n", encoding="utf-8"
    )
    (tmp_path / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: web, image: ghcr.io/acme/web:1}]\n",
        encoding="utf-8",
    )
    assert main([*command, str(tmp_path), "--format", "json"]) == 1
    built = json.loads(capsys.readouterr().out)
    assert main([*command, str(tmp_path), "--format", "json", "--render", "off"]) == 0
    raw = json.loads(capsys.readouterr().out)
    assert any("remote" in e["message"] for e in built["errors"])
    assert raw["errors"] == []
