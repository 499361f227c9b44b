"""A few kilobytes of YAML aliases can stand for a million nodes or a gigabyte of repeated value:
no report carries a value whole, the walk of an object enters an aliased node a bounded number of
times, and JSONPath rules (from --rules-dir) skip an object too large for them, with a warning."""

from __future__ import annotations

import json

from mclint.load import load_bytes
from mclint.rules.walk import MAX_WALKED_CONTAINERS, walk
from tests.cli.runner import run

JSONPATH_RULE = """provider: aws
category: scheduling
rules:
  - id: aws-scheduling-jsonpath-test
    title: JSONPath test
    severity: low
    kinds: ["*"]
    path: "$..a"
    match: {value_regex: "^eks"}
    message: "found {value}"
    remediation: Remove it.
"""


def _amplified(objects: int) -> str:
    """A List of NodePools, each holding ten thousand copies of one small mapping through aliases."""
    lines = ["x0: &x0 {a: eks.amazonaws.com/nodegroup, b: karpenter.k8s.aws/instance-family}"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 5)]
    text = "apiVersion: v1\nkind: List\nanchors:\n" + "".join(f"  {line}\n" for line in lines) + "items:\n"
    for n in range(objects):
        text += (
            f"- apiVersion: karpenter.sh/v1\n  kind: NodePool\n  metadata: {{name: p{n}}}\n  spec:\n"
            "    template:\n      spec:\n"
            "        nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
            "        extra: *x4\n"
        )
    return text


def test_a_huge_value_repeated_by_aliases_is_clipped_in_every_finding(tmp_path):
    value = "arn:aws:iam::1:role/" + "r" * 100_000
    items = "".join("- *sa\n" for _ in range(300))
    text = (
        "apiVersion: v1\nkind: List\nitems:\n- &sa {apiVersion: v1, kind: ServiceAccount, metadata: "
        f"{{name: app, annotations: {{eks.amazonaws.com/role-arn: '{value}'}}}}}}\n{items}"
    )
    (tmp_path / "sa.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run(["scan", str(tmp_path / "sa.yaml"), "-f", "json", "--no-progress"])
    assert code == 1
    findings = json.loads(out)["findings"]
    assert findings and all(len(f["message"]) < 1_000 for f in findings)
    assert "… (100,020 characters)" in findings[0]["message"]
    assert len(out) < 2_000_000  # 300 copies of a 100 KB value would be 30 MB


def test_the_walk_enters_an_aliased_node_a_bounded_number_of_times():
    root = load_bytes(_amplified(1).encode()).documents[0].root["items"][0]
    strings = []
    walk(root, [], {}, lambda *_: None, lambda parent, step, text, trail: strings.append(text))
    assert MAX_WALKED_CONTAINERS < len(strings) < 2 * MAX_WALKED_CONTAINERS  # 20,002 once expanded


def test_couplings_of_amplified_objects_are_still_found_once_per_place(tmp_path):
    (tmp_path / "pools.yaml").write_text(_amplified(10), encoding="utf-8")
    _, out, _ = run(["scan", str(tmp_path / "pools.yaml"), "-f", "json", "--no-progress"])
    found = json.loads(out)["findings"]
    assert sorted({(f["rule_id"], f["name"]) for f in found}) == [
        ("aws-scheduling-karpenter-ec2-nodeclass", f"p{n}") for n in range(10)
    ]


def test_jsonpath_rules_skip_an_object_too_large_for_them_and_say_so(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "jp.yaml").write_text(JSONPATH_RULE, encoding="utf-8")
    (tmp_path / "pools.yaml").write_text(_amplified(2), encoding="utf-8")
    small = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\ndata: {a: eks.amazonaws.com/x}\n"
    (tmp_path / "small.yaml").write_text(small, encoding="utf-8")
    args = ["scan", str(tmp_path / "pools.yaml"), str(tmp_path / "small.yaml"), "--rules-dir", str(tmp_path / "rules")]
    _, out, _ = run([*args, "-f", "json", "--no-progress"])
    report = json.loads(out)
    jsonpath = [(f["file"].rsplit("/", 1)[-1], f["line"]) for f in report["findings"] if "jsonpath" in f["rule_id"]]
    assert jsonpath == [("small.yaml", 4)]
    warned = [(w["line"], w["message"]) for w in report["warnings"]]
    assert [line for line, _ in warned] == [10, 18]
    assert warned[0][1] == (
        "NodePool p0 holds more than 20,000 nodes once YAML aliases are expanded: "
        "rules with a JSONPath 'path' were not run on it"
    )
