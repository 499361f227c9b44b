"""One walk per object finds couplings wherever they are written, once per line, at the exact line."""

from __future__ import annotations

from collections import Counter

from tests.conftest import CORPUS, needs_corpus


def found(scan_text, text: str, name: str = "manifest.yaml") -> Counter:
    return Counter((f.rule_id, f.line) for f in scan_text(text, name).findings)


RAYCLUSTER = """apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: tpu
spec:
  workerGroupSpecs:
    - groupName: tpu
      template:
        spec:
          nodeSelector:
            cloud.google.com/gke-tpu-accelerator: tpu-v4-podslice
          containers:
            - name: worker
              image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/ray:2.9
"""


def test_a_pod_template_inside_a_custom_resource_is_read_like_a_deployments(scan_text):
    assert found(scan_text, RAYCLUSTER) == Counter({("gcp-scheduling-accelerator", 11): 1, ("aws-registry-ecr", 14): 1})


def test_the_field_path_names_the_place_in_the_custom_resource(scan_text):
    fields = {f.rule_id: f.field for f in scan_text(RAYCLUSTER).findings}
    assert fields["aws-registry-ecr"] == "spec.workerGroupSpecs[0].template.spec.containers[0].image"


SCRIPT = """apiVersion: v1
kind: ConfigMap
metadata:
  name: job
data:
  run.sh: |
    #!/bin/sh
    # psql -h old.abcdefghijkl.us-east-1.rds.amazonaws.com
    echo start
    aws s3 cp out.tar s3://results-bucket/out.tar
"""


def test_a_match_in_a_block_scalar_lands_on_its_own_line_and_comment_lines_are_skipped(scan_text):
    assert found(scan_text, SCRIPT) == Counter({("aws-managed-service-s3", 10): 1})
    (finding,) = scan_text(SCRIPT).findings
    assert finding.column == 5


FOLDED = """apiVersion: v1
kind: ConfigMap
metadata:
  name: job
data:
  note: >
    results go to
    s3://results-bucket/out
"""


def test_a_folded_block_scalar_is_read_line_by_line_from_the_source(scan_text):
    assert found(scan_text, FOLDED) == Counter({("aws-managed-service-s3", 8): 1})


def test_an_annotation_rule_and_a_string_rule_on_one_line_give_one_finding(scan_text):
    text = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
"""
    assert found(scan_text, text) == Counter({("aws-identity-irsa-role", 6): 1})


def test_a_custom_resource_definition_holds_no_coupling(scan_text):
    text = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          properties:
            nodeSelector:
              description: "for example cloud.google.com/gke-nodepool: pool-1 or s3://bucket"
              type: object
"""
    assert found(scan_text, text) == Counter()


def test_helm_values_outside_a_chart_are_read_with_every_rule(scan_text):
    text = """serviceAccount:
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/lbc
image:
  repository: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller
nodeSelector:
  cloud.google.com/gke-nodepool: system
"""
    result = scan_text(text, "helm-values/lbc.yaml")
    assert Counter((f.rule_id, f.line) for f in result.findings) == Counter(
        {("aws-identity-irsa-role", 3): 1, ("aws-registry-ecr", 5): 1, ("gcp-scheduling-node-label", 7): 1}
    )
    assert {(f.obj.kind, f.obj.name) for f in result.findings} == {("HelmValues", "lbc")}
    assert list(result.objects) == []  # values are not deployed objects: scored only through their findings


def test_a_kustomizations_inline_patches_are_read_at_their_lines(scan_text):
    text = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: app
        annotations:
          iam.gke.io/gcp-service-account: app@proj.iam.gserviceaccount.com
  - target: {kind: Job}
    patch: |-
      - op: add
        path: /spec/template/spec/nodeSelector
        value:
          cloud.google.com/gke-accelerator: nvidia-l4
images:
  - name: app
    newName: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app
"""
    assert found(scan_text, text, "overlay/kustomization.yaml") == Counter(
        {("gcp-identity-workload-identity", 11): 1, ("gcp-scheduling-accelerator", 17): 1, ("aws-registry-ecr", 20): 1}
    )


def test_a_helmrelease_values_are_read_with_every_rule(scan_text):
    text = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress
spec:
  values:
    controller:
      service:
        annotations:
          service.beta.kubernetes.io/aws-load-balancer-type: nlb
"""
    assert found(scan_text, text) == Counter({("aws-network-lb-annotation", 10): 1})


def test_an_argo_cd_applications_helm_values_string_is_read_at_its_lines(scan_text):
    text = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    helm:
      values: |
        ingress:
          className: alb
"""
    assert found(scan_text, text) == Counter({("aws-network-alb-ingress-class-name", 10): 1})


def test_an_affinity_term_that_keeps_pods_away_from_provider_nodes_binds_nothing(scan_text):
    text = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  template:
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: eks.amazonaws.com/compute-type
                    operator: NotIn
                    values: [fargate]
                  - key: cloud.google.com/gke-nodepool
                    operator: In
                    values: [system]
      containers:
        - name: agent
          image: agent:1
"""
    assert found(scan_text, text) == Counter({("gcp-scheduling-node-label", 16): 1})


def test_a_json_patch_file_is_read_where_its_values_land(scan_text):
    text = """- op: add
  path: /spec/template/spec/containers/-
  value:
    name: cloud-sql-proxy
    image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.0
- op: add
  path: /metadata/annotations/eks.amazonaws.com~1role-arn
  value: arn:aws:iam::111122223333:role/app
"""
    result = scan_text(text, "components/proxy/add-container.yaml")
    assert Counter((f.rule_id, f.line) for f in result.findings) == Counter(
        {
            ("gcp-managed-service-cloud-sql-proxy", 5): 1,
            ("gcp-registry-google-public", 5): 1,
            ("aws-identity-irsa-role", 7): 1,
        }
    )
    assert {f.field for f in result.findings} == {
        "spec.template.spec.containers['-'].image",
        "metadata.annotations['eks.amazonaws.com/role-arn']",
    }


def test_an_item_a_strategic_merge_patch_deletes_binds_nothing(scan_text):
    text = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: GOOGLE_APPLICATION_CREDENTIALS
              $patch: delete
          nodeSelector:
            $patch: delete
            cloud.google.com/gke-nodepool: pool
"""
    assert found(scan_text, text) == Counter()


def test_argo_cd_helm_values_kept_in_an_app_of_apps_values_file_are_read(scan_text):
    text = """labels:
  env: dev
apps:
  - name: web
    helm:
      values: |
        serviceAccount:
          annotations:
            iam.gke.io/gcp-service-account: web@proj.iam.gserviceaccount.com
"""
    assert found(scan_text, text, "argo/values.yaml") == Counter({("gcp-identity-workload-identity", 9): 1})


class _Check:
    """A stand-in FieldCheck: a value expression and no key domain."""

    domains = None

    def __init__(self, value_pattern: str | None) -> None:
        self.value_pattern = value_pattern

    def matches(self, key, value) -> bool:
        import re

        return self.value_pattern is None or re.search(self.value_pattern, value) is not None


def _group(*patterns):
    from mclint.rules.checker import Group, Member

    return Group([Member(f"rule-{i}", _Check(p)) for i, p in enumerate(patterns)])


def test_a_groups_joined_expression_compiles_on_the_first_value_it_meets():
    import re

    group = _group(r"\.amazonaws\.com", r"gs://", None)
    assert not isinstance(group.gate, re.Pattern)
    assert [m.rule for m in group.matches("k", "s3.amazonaws.com")] == ["rule-0", "rule-2"]
    assert isinstance(group.gate, re.Pattern) and group.gate.pattern == r"(?:\.amazonaws\.com)|(?:gs://)"
    assert [m.rule for m in group.matches("k", "gs://b")] == ["rule-1", "rule-2"]


def test_valued_rules_whose_expressions_cannot_be_joined_are_tried_on_every_value_after_the_others():
    group = _group(r"(?P<host>a)x", None, r"(?P<host>b)x")  # one group name twice: the joined form is refused
    assert [m.rule for m in group.matches("k", "bx")] == ["rule-1", "rule-2"]
    assert group.gate is None and [m.rule for m in group.always] == ["rule-1", "rule-0", "rule-2"]
    assert [m.rule for m in group.matches("k", "ax")] == ["rule-1", "rule-0"]
    assert [m.rule for m in group.matches("k", "cc")] == ["rule-1"]


TWO_ACCOUNTS = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: first
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app
---
apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    app: second
  name: second
  annotations:
    team: payments
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app
"""


def test_an_answer_remembered_from_one_object_lands_on_the_next_objects_own_place(scan_text):
    findings = [f for f in scan_text(TWO_ACCOUNTS).findings if f.rule_id == "aws-identity-irsa-role"]
    assert [(f.obj.name, f.line, f.column, f.field) for f in findings] == [
        ("first", 6, 5, "metadata.annotations['eks.amazonaws.com/role-arn']"),
        ("second", 16, 5, "metadata.annotations['eks.amazonaws.com/role-arn']"),
    ]


def test_a_groups_remembered_answers_stay_bounded_and_agree_with_a_fresh_match(ruleset):
    from mclint.rules.checker import MAX_REMEMBERED_MATCHES

    checker = ruleset.checker("ServiceAccount", False)
    group = next(g for g in checker.groups() if "eks.amazonaws.com" in g.by_domain)
    for index in range(3 * MAX_REMEMBERED_MATCHES):
        group.matched("eks.amazonaws.com/role-arn", f"arn:aws:iam::123456789012:role/app{index}")
        assert len(group.remembered) <= MAX_REMEMBERED_MATCHES
    for key, value in (("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/x"), ("team", "payments"), ("team", None)):
        fresh = tuple(group.matches(key, value))
        assert group.matched(key, value) == fresh
        assert group.matched(key, value) == fresh  # remembered now
    assert [m.rule.id for m in group.matched("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/x")] == [
        "aws-identity-irsa-role"
    ]


def _manifests(paths) -> list:
    from mclint.load import load_bytes
    from mclint.load.text import FileText
    from mclint.model import manifests_from_document

    found = []
    for path in paths:
        data = path.read_bytes()
        text = FileText(data)
        for document in load_bytes(data).documents:
            found.extend(manifests_from_document(document, str(path), {}, text))
    return found


def _cold_and_warm(manifests) -> tuple[list, list]:
    """Each object's findings with no answer remembered (as the first object of a scan meets them),
    then with every answer of every object remembered, when the walk passes over most keys."""
    from mclint.rules.engine import RuleSet
    from mclint.rules.registry import load_rules

    rules = RuleSet(load_rules(plugins=False))
    cold = []
    for manifest in manifests:
        for group in rules.checker(manifest.kind, manifest.pod is not None).groups():
            group.remembered.clear()
        cold.append(sorted(rules.check(manifest)))
    warm = [sorted(rules.check(manifest)) for manifest in manifests]
    return cold, warm


def test_the_keys_the_walk_passes_over_on_remembered_answers_hold_no_finding_on_any_fixture():
    from tests.conftest import FIXTURES

    cold, warm = _cold_and_warm(_manifests(sorted(FIXTURES.rglob("*.yaml"))))
    assert sum(map(len, cold)) > 300
    assert cold == warm


@needs_corpus()
def test_the_keys_the_walk_passes_over_on_remembered_answers_hold_no_finding_in_the_corpus():
    cold, warm = _cold_and_warm(_manifests(sorted(CORPUS.rglob("*.yaml"))))
    assert sum(map(len, cold)) > 3000
    assert cold == warm
