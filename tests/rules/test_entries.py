"""mclint.rules.entries: the paths findings name."""

from __future__ import annotations

import pytest

from mclint.rules import entries
from mclint.rules.entries import join_path, key_path, trail_path


@pytest.mark.parametrize(
    ("trail", "key", "expected"),
    [
        ([], "kind", "kind"),
        (
            ["metadata", "annotations"],
            "eks.amazonaws.com/role-arn",
            "metadata.annotations['eks.amazonaws.com/role-arn']",
        ),
        (["spec", "template", "spec", "containers", 0], "image", "spec.template.spec.containers[0].image"),
        (["spec", "containers", 10], "image", "spec.containers[10].image"),
        (["data", "0"], "x", "data['0'].x"),
        ([], None, "None"),
    ],
)
def test_a_keys_path_is_the_trails_path_with_the_key_joined(trail, key, expected):
    assert key_path(trail, key) == join_path(trail_path(trail), key) == expected
    assert key_path(trail, key) == expected  # remembered


def test_remembered_paths_stay_bounded(monkeypatch):
    monkeypatch.setattr(entries, "_KEY_PATHS", {})
    monkeypatch.setattr(entries, "MAX_REMEMBERED_PARTS", 10)
    paths = [key_path(["spec", index], "image") for index in range(50)]
    assert paths == [f"spec[{index}].image" for index in range(50)]
    assert len(entries._KEY_PATHS) == 10
