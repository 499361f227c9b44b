"""A Helm template is skipped with its chart named as the scanned files are named."""

from __future__ import annotations

from mclint.discover import discover

CHART = "apiVersion: v2\nname: shop\nversion: 0.1.0\n"


def _chart(root):
    chart = root / "repo" / "charts" / "shop"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART)
    (chart / "templates" / "deployment.yaml").write_text("kind: {{ .Values.kind }}\n")
    return chart


def test_a_tree_scanned_through_a_relative_path_outside_the_working_directory(tmp_path, monkeypatch):
    _chart(tmp_path)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    skipped = discover(["../repo"]).skipped
    assert [(s.file, s.reason) for s in skipped] == [
        (
            "../repo/charts/shop/templates/deployment.yaml",
            "Helm template of chart ../repo/charts/shop: not rendered",
        )
    ]


def test_a_tree_scanned_by_its_absolute_path_or_from_inside(tmp_path, monkeypatch):
    chart = _chart(tmp_path)
    monkeypatch.chdir(tmp_path / "repo")
    assert [s.reason for s in discover(["."]).skipped] == ["Helm template of chart charts/shop: not rendered"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert [s.reason for s in discover([str(tmp_path / "repo")]).skipped] == [
        f"Helm template of chart {chart.as_posix()}: not rendered"
    ]
