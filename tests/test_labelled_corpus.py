"""The shipped rules measured against corpus files labelled by hand (see tests/labels.py)."""

from __future__ import annotations

import pytest

from tests import labels
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")

OWN_RECALL = 0.96
SHARED_RECALL = 0.98
PRECISION = 0.99


@pytest.fixture(scope="module")
def own(ruleset):
    labelled = labels.load(labels.OWN, "own")
    return labelled, labels.score(labelled, labels.findings_by_line(labelled.files, ruleset))


@pytest.fixture(scope="module")
def shared(ruleset):
    if not labels.SHARED.is_dir():
        pytest.skip("../shared/labels is not present")
    labelled = labels.load(labels.SHARED, "shared")
    return labelled, labels.score(labelled, labels.findings_by_line(labelled.files, ruleset))


def test_own_labels_are_found(own):
    _, result = own
    assert result.recall >= OWN_RECALL, result.missed


def test_own_labels_are_reported_precisely(own):
    _, result = own
    assert result.precision >= PRECISION, result.wrong


def test_shared_labels_are_found(shared):
    _, result = shared
    assert result.recall >= SHARED_RECALL, result.missed


def test_shared_labels_are_reported_precisely(shared):
    _, result = shared
    assert result.precision >= PRECISION, result.wrong


@pytest.mark.parametrize("which", ["own", "shared"])
def test_clean_files_give_no_finding(which, request):
    labelled, result = request.getfixturevalue(which)
    assert [spot for spot in result.wrong if spot[0] in labelled.clean] == []


def test_every_labelled_file_exists(own):
    labelled, _ = own
    assert [f for f in labelled.files if not (CORPUS / f).is_file()] == []
