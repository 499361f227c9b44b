"""Inventory and plan over the real-manifest corpus: every workload classified, every finding planned."""

from __future__ import annotations

import pytest

from mclint.plan import inventory_of
from mclint.plan.mappings import load_mappings
from mclint.plan.plan import build_plan, planned
from mclint.score.workloads import CLASSES
from mclint.vocabulary import vocabulary
from tests.conftest import CORPUS, needs_corpus

pytestmark = [needs_corpus(), pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_inventory(ruleset):
    return inventory_of([str(CORPUS)], ruleset)


def test_every_workload_gets_one_class_with_reasons(corpus_inventory):
    workloads = corpus_inventory.workloads
    assert len(workloads) > 500
    assert all(w.classification in CLASSES and w.reasons for w in workloads)
    assert sum(corpus_inventory.counts().values()) == len(workloads)
    assert all(corpus_inventory.counts()[c] > 0 for c in CLASSES)


@pytest.mark.parametrize("target", vocabulary().targets)
def test_every_finding_off_the_target_gets_a_plan_item(ruleset, corpus_inventory, target):
    equivalents = {r.id: dict(r.equivalents) for r in ruleset.rules}
    plan = build_plan(corpus_inventory, load_mappings(), equivalents, target, None)
    off_target = [f for f in corpus_inventory.result.findings if f.provider != target]
    assert len(plan.items) == len(planned(off_target)) > 0
    assert all(i.equivalent and i.effort in ("S", "M", "L") for i in plan.items)
    folded = len(off_target) - len(planned(off_target))  # a class's parameters, planned with its provisioner
    assert plan.already_on_target + len(plan.items) + folded == len(corpus_inventory.result.findings)
