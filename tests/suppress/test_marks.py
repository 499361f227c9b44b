"""In-manifest suppressions: the annotation, end-of-line and line-above comments, unused ones."""

from __future__ import annotations

from mclint.suppress import COMMENT, UNUSED_RULE, comment_marks
from mclint.suppress.policy import Policy, apply_policy
from tests.adversarial import MEGABYTE, adversarial_texts, search_seconds

ANNOTATED = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    mclint.io/ignore: "aws-identity-irsa-role, aws-network-lb-internal"
    mclint.io/ignore-reason: EKS-only service
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
    eks.amazonaws.com/sts-regional-endpoints: "true"
"""

COMMENTED = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  # mclint: ignore[aws-storage-class-name] gp3 exists on every cluster we run
  storageClassName: gp3
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data2
spec:
  storageClassName: gp3  # mclint: ignore[aws-storage-class-name]
  accessModes: [ReadWriteOnce]  # mclint: ignore[azure-storage-class-name] stale
"""


def test_comment_marks_are_found_in_bytes():
    marks = comment_marks(COMMENTED.encode(), "m.yaml")
    assert [(m.line, m.target_line, m.rules, m.reason) for m in marks] == [
        (6, 7, ("aws-storage-class-name",), "gp3 exists on every cluster we run"),
        (14, 14, ("aws-storage-class-name",), ""),
        (15, 15, ("azure-storage-class-name",), "stale"),
    ]


def test_a_comment_line_is_read_in_one_pass_however_long_its_runs():
    """`# mclint: ignore[x] a` then a megabyte of spaces took minutes: the reason and the spaces
    after it could each claim the same spaces."""
    spent, text = search_seconds(
        lambda line: comment_marks(line, "x.yaml"),
        adversarial_texts(COMMENT, MEGABYTE, "# mclint: ignore[x] a"),
        encode=True,
    )
    assert spent < 1.0, text
    (mark,) = comment_marks(b"x: 1  # mclint: ignore[a, b]   why   " + b" " * 100_000 + b"\n", "x.yaml")
    assert (mark.rules, mark.reason, mark.target_line) == (("a", "b"), "why", 1)


def test_files_without_marker_pay_nothing():
    assert comment_marks(b"kind: Pod\n# ignore[aws-x]\n", "m.yaml") == []


def test_annotation_suppresses_listed_rules_only(scan_text):
    applied = apply_policy(scan_text(ANNOTATED), Policy()).result
    assert [(f.rule_id, f.line) for f in applied.findings] == [("aws-identity-irsa-settings", 10)]
    assert [(s.finding.rule_id, s.how, s.reason) for s in applied.suppressed] == [
        ("aws-identity-irsa-role", "annotation", "EKS-only service")
    ]
    [notice] = applied.notices
    assert (notice.rule_id, notice.line, notice.severity.label) == (UNUSED_RULE, 7, "info")
    assert "ignore[aws-network-lb-internal]" in notice.message


def test_annotation_all_suppresses_everything_on_the_object(scan_text):
    text = ANNOTATED.replace('"aws-identity-irsa-role, aws-network-lb-internal"', "all")
    applied = apply_policy(scan_text(text), Policy()).result
    assert list(applied.findings) == []
    assert sorted(s.finding.rule_id for s in applied.suppressed) == [
        "aws-identity-irsa-role",
        "aws-identity-irsa-settings",
    ]
    assert applied.notices == []


def test_comments_suppress_their_line_and_report_stale_ones(scan_text):
    raw = scan_text(COMMENTED)
    assert sorted((f.rule_id, f.line) for f in raw.findings) == [
        ("aws-storage-class-name", 7),
        ("aws-storage-class-name", 14),
    ]
    applied = apply_policy(raw, Policy()).result
    assert list(applied.findings) == []
    assert [(s.finding.line, s.how, s.reason) for s in applied.suppressed] == [
        (7, "comment", "gp3 exists on every cluster we run"),
        (14, "comment", ""),
    ]
    assert [(n.rule_id, n.line) for n in applied.notices] == [(UNUSED_RULE, 15)]


def test_comment_does_not_reach_other_lines(scan_text):
    text = COMMENTED.replace("we run\n", "we run\n\n")  # a blank line between the comment and its target
    applied = apply_policy(scan_text(text), Policy()).result
    assert [(f.rule_id, f.line) for f in applied.findings] == [("aws-storage-class-name", 8)]
    assert (UNUSED_RULE, 6) in [(n.rule_id, n.line) for n in applied.notices]
