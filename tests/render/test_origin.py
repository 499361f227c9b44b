"""Locating a rendered value in the source files: patch before base, key and value before value alone."""

from __future__ import annotations

from mclint.render.helm import SOURCE_COMMENT
from mclint.render.origin import KEY_VALUE, LIST_ITEM, SourceText, locate, rendered_key_value
from tests.adversarial import MEGABYTE, adversarial_texts, search_seconds


def test_rendered_lines_split_into_key_and_value():
    assert rendered_key_value("    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/a") == (
        "eks.amazonaws.com/role-arn",
        "arn:aws:iam::1:role/a",
    )
    assert rendered_key_value('  storageClassName: "gp3"') == ("storageClassName", "gp3")
    assert rendered_key_value("      - image: 1234.dkr.ecr.us-east-1.amazonaws.com/app:v2") == (
        "image",
        "1234.dkr.ecr.us-east-1.amazonaws.com/app:v2",
    )


def test_the_patch_wins_over_the_base_and_comments_are_ignored(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("spec:\n  storageClassName: gp3\n", encoding="utf-8")
    patch = tmp_path / "patch.yaml"
    patch.write_text("# storageClassName: gp3 was here\nspec:\n  storageClassName: gp3\n", encoding="utf-8")
    assert locate("storageClassName", "gp3", [patch, base], SourceText()) == (patch, 3, 21)


def test_an_images_transformer_is_found_by_repository_without_tag(tmp_path):
    kustomization = tmp_path / "kustomization.yaml"
    kustomization.write_text(
        "images:\n  - name: app\n    newName: 1234.dkr.ecr.us-east-1.amazonaws.com/app\n    newTag: v2\n",
        encoding="utf-8",
    )
    spot = locate("image", "1234.dkr.ecr.us-east-1.amazonaws.com/app:v2", [kustomization], SourceText())
    assert spot == (kustomization, 3, 14)


def test_nothing_found_is_none(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("kind: ConfigMap\n", encoding="utf-8")
    assert locate("storageClassName", "gp3", [empty], SourceText()) is None


def test_key_value_lines_are_read_in_one_pass_however_long_their_runs():
    """A values.yaml line of spaces then `x` took 13 s at 3,000 spaces and minutes beyond (the key,
    the list marker and the value could each claim the same spaces)."""
    for pattern in (KEY_VALUE, LIST_ITEM, SOURCE_COMMENT):
        for prefix in ("", "- ", "key: ", "# Source: "):
            spent, text = search_seconds(pattern.match, adversarial_texts(pattern.pattern, MEGABYTE, prefix))
            assert spent < 1.0, (pattern.pattern, text)
    assert rendered_key_value(" " * 100_000 + "x") == ("", "x")
    assert rendered_key_value("  - name :  a  b  ") == ("name", "a  b")
    assert rendered_key_value("-  x:") == ("x", "")
