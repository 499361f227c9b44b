"""Property-based: whatever YAML or JSON comes in, the loader and the rule engine never raise, and
every position they report lies inside the text."""

from __future__ import annotations

import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mclint import api
from mclint.load import MapNode, SeqNode, load_bytes

KEYS = st.sampled_from(
    [
        "apiVersion", "kind", "metadata", "name", "namespace", "annotations", "labels", "spec", "template",
        "containers", "image", "env", "value", "storageClassName", "provisioner", "nodeSelector", "data",
        "eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account", "azure.workload.identity/use",
        "service.beta.kubernetes.io/aws-load-balancer-internal", "<<", "items",
    ]
) | st.text(max_size=12)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["v1", "apps/v1", "ServiceAccount", "Deployment", "List", "gp3", "ebs.csi.aws.com", "true", "{{ x }}"]
    )
)
TREES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=6), max_leaves=40
)
OBJECTS = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(["v1", "apps/v1", "batch/v1", "x.io/v1"]),
        "kind": st.sampled_from(
            [
                "ServiceAccount",
                "Deployment",
                "Pod",
                "CronJob",
                "StorageClass",
                "PersistentVolumeClaim",
                "Service",
                "List",
                "Thing",
            ]
        ),
    },
    optional={
        "metadata": TREES,
        "spec": TREES,
        "items": st.lists(TREES, max_size=3),
        "provisioner": SCALARS,
        "data": TREES,
    },
)

FAST = settings(
    max_examples=int(os.environ.get("MCLINT_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def positions_inside(node, lines: int) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is MapNode:
            for line, column in (*item.keys_at.values(), *item.values_at.values()):
                if not (1 <= line <= lines + 1 and column >= 1):
                    return False
            stack.extend(item.values())
        elif type(item) is SeqNode:
            if any(not (1 <= line <= lines + 1) for line, _ in item.items_at):
                return False
            stack.extend(item)
    return True


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data):
    loaded = load_bytes(data)
    assert all(p.line >= 0 and p.message for p in loaded.problems)


@FAST
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}'\"#&*!|>%@`\n\t ,?.\\u00e9")), max_size=200))
def test_yaml_punctuation_soup_never_raises(text):
    loaded = load_bytes(text.encode("utf-8"))
    for document in loaded.documents:
        assert positions_inside(document.root, text.count("\n") + 1)


@FAST
@given(st.lists(TREES | OBJECTS, min_size=1, max_size=4))
def test_yaml_trees_load_with_positions_inside_the_text(documents):
    text = yaml.safe_dump_all(documents, sort_keys=False)
    loaded = load_bytes(text.encode("utf-8"))
    assert loaded.problems == []
    assert len(loaded.documents) == len(documents)
    assert all(positions_inside(d.root, text.count("\n") + 1) for d in loaded.documents)


@FAST
@given(st.lists(OBJECTS, min_size=1, max_size=4), st.booleans())
def test_rule_engine_never_raises_and_findings_point_inside_the_file(ruleset, documents, as_json):
    text = json.dumps(documents[0], indent=1) if as_json else yaml.safe_dump_all(documents, sort_keys=False)
    result = api.lint_bytes(text.encode("utf-8"), "f.json" if as_json else "f.yaml", ruleset, api.ScanOptions())
    assert not [e for e in result.errors if e.message.startswith("rule ")]  # no rule crashed
    lines = text.count("\n") + 1
    assert all(1 <= f.line <= lines and f.column >= 1 for f in result.findings)
