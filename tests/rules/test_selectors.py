"""Where rules look: known fields, rooted paths and paths at any depth compile to selectors."""

from __future__ import annotations

import pytest

from mclint.rules.selectors import STRINGS, Selector, selectors_for


def test_a_rooted_path_fits_only_from_the_object_root():
    (selector,) = selectors_for("spec.csi.driver")
    assert selector == Selector(("driver",), ("spec", "csi"), True, "entry")
    assert selector.fits(["spec", "csi"])
    assert not selector.fits(["spec", "template", "spec", "csi"])


def test_a_path_at_any_depth_fits_below_any_trail_and_ignores_list_indices():
    (selector,) = selectors_for("**.triggers.type")
    assert selector.fits(["spec", "triggers", 3])
    assert selector.fits(["spec", "jobTargetRef", "triggers", 0])
    assert not selector.fits(["spec", "type"])


def test_paths_at_any_depth_never_look_inside_a_configmaps_data():
    (selector,) = selectors_for("**.provisioner")
    assert selector.fits(["spec"]) and selector.fits([])
    assert not selector.fits(["data"])


def test_node_affinity_reads_expressions_at_any_depth_below_it():
    (selector,) = selectors_for("nodeAffinity")
    assert selector.fits(["spec", "affinity", "nodeAffinity", "required", "nodeSelectorTerms", 0])
    assert not selector.fits(["spec", "affinity", "podAffinity", "labelSelector"])


@pytest.mark.parametrize(("old", "new"), [("pod.nodeSelector", "nodeSelector"), ("container.image", "image")])
def test_the_older_pod_and_container_names_mean_the_same_places(old, new):
    assert selectors_for(old) == selectors_for(new)


@pytest.mark.parametrize("field", [STRINGS, "apiVersion", "api.group", "spec..x", "**", "spec.**.x", "a b"])
def test_names_that_are_not_walked_places_give_no_selector(field):
    assert selectors_for(field) is None
