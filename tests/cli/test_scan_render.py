"""`mclint scan --render`: the option reaches the render stage and the overlay report reaches the output."""

from __future__ import annotations

import json
import shutil

import pytest

from mclint.cli import main

SHOP = "fixtures/render/shop"


@pytest.mark.skipif(not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize")
def test_json_has_overlays_and_render_counts(in_repo, capsys):
    code = main(["scan", "--no-progress", "-f", "json", SHOP])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["render"]["kustomizations_built"] == 2
    assert [o["overlay"] for o in data["overlays"][0]["overlays"]] == [f"{SHOP}/overlays/aws", f"{SHOP}/overlays/gcp"]


def test_render_off_has_no_builds_and_no_overlays(in_repo, capsys):
    main(["scan", "--no-progress", "-f", "json", "--render", "off", SHOP])
    data = json.loads(capsys.readouterr().out)
    assert data["render"] == {
        "available": True,
        "missing": [],
        "kustomizations_built": 0,
        "kustomizations_failed": 0,
        "notices": [],
    }
    assert data["overlays"] == []
    assert all("overlays" not in f for f in data["findings"])


def test_missing_helm_is_one_notice_on_stderr(in_repo, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    main(["scan", "--no-progress", "fixtures/render/chart-eks"])
    assert capsys.readouterr().err.splitlines() == [
        "mclint: helm not found on PATH: 1 chart(s) read statically (values.yaml and template text)"
    ]


def test_a_missing_renderer_is_recorded_in_json_and_required_ones_fail(in_repo, monkeypatch, capsys):
    """The same tree scores differently with and without kubectl: the report says which it was."""
    monkeypatch.setenv("PATH", "/nonexistent")
    main(["scan", "--no-progress", "-f", "json", SHOP])
    captured = capsys.readouterr()
    render = json.loads(captured.out)["render"]
    assert (render["available"], render["missing"], render["kustomizations_built"]) == (False, ["kustomize"], 0)
    assert "kustomize not found on PATH" in captured.err  # the notice stays
    assert main(["scan", "--no-progress", "--render", "require", SHOP]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "mclint: --render require: kustomize not found on PATH (neither kustomize nor kubectl); "
        "2 kustomization(s) cannot be built\n"
    )
    assert main(["scan", "--no-progress", "--render", "require", "fixtures/render/chart-eks"]) == 2
    assert "helm not found on PATH; 1 chart(s) cannot be rendered" in capsys.readouterr().err


def test_render_require_is_quiet_when_nothing_needs_a_renderer(in_repo, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["scan", "--no-progress", "-f", "json", "--render", "require", "fixtures/gcp"]) == 1
    assert json.loads(capsys.readouterr().out)["render"]["available"] is True
