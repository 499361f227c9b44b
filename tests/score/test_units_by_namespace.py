"""Units built a namespace at a time from facts on disk are the units of the whole tree at once."""

from __future__ import annotations

import pytest

from mclint import api, spool
from mclint.model import factstore
from mclint.model.factstore import FactsStore
from mclint.model.links import build_links, ref_order
from mclint.score import units as units_module
from mclint.score.units import Units

TREE = {
    "a/web.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: runner
      containers: [{name: web, image: web:1, envFrom: [{configMapRef: {name: cfg}}]}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec: {selector: {app: web}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: a}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  rules: [{backendRefs: [{name: web}]}]
""",
    "a/serving.yaml": """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: a}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: a}
spec: {storageClassName: fast}
""",
    "b/api.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: b}
spec:
  template:
    spec:
      serviceAccountName: runner
      containers: [{name: api, image: api:1}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: b}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: b}
spec: {scaleTargetRef: {kind: Deployment, name: api}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reads, namespace: b}
subjects: [{kind: ServiceAccount, name: runner, namespace: a}]
roleRef: {kind: Role, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: b}
""",
    "cluster.yaml": """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone}
subjects:
- {kind: ServiceAccount, name: runner, namespace: a}
- {kind: ServiceAccount, name: runner, namespace: b}
roleRef: {kind: ClusterRole, name: viewer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec: {template: {spec: {containers: [{name: plain, image: plain:1}]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unused}
""",
}


def whole_tree_members(facts) -> tuple[list, dict]:
    """The units as one Links over every fact gives them."""
    links = build_links(facts)
    workloads = sorted(links.workloads(), key=lambda w: ref_order(w.ref))
    joined: dict = {}
    for number, workload in enumerate(workloads):
        joined.setdefault(workload.ref, []).append(number)
        for ref in links.serving(workload):
            joined.setdefault(ref, []).append(number)
    return [w.ref for w in workloads], {ref: tuple(numbers) for ref, numbers in joined.items()}


@pytest.fixture
def scanned(ruleset, tmp_path):
    for name, text in TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return api.scan([str(tmp_path)], ruleset)


@pytest.mark.parametrize("on_disk", [False, True])
def test_units_by_namespace_are_the_whole_trees_units(scanned, monkeypatch, on_disk):
    if on_disk:  # every batch goes to disk and runs of memberships are merged from several batches
        monkeypatch.setattr(factstore, "BUFFERED", 2)
        monkeypatch.setattr(units_module, "RUN_BATCH", 1)
        monkeypatch.setattr(units_module, "MEMBERS_BATCH", 2)
        monkeypatch.setattr(units_module, "WORKLOADS_BATCH", 1)
        monkeypatch.setattr(spool, "MEMORY_BYTES", 0)
    facts = list(scanned.facts)
    workloads, expected = whole_tree_members(facts)
    units = Units(FactsStore(facts))
    assert list(units.workloads) == workloads
    assert [ref.name for ref in workloads] == ["web", "api", "plain"]
    assert units.members() == expected
    assert all(units.of(ref) == numbers for ref, numbers in sorted(expected.items()))
    by_name = {(ref.kind, ref.name): numbers for ref, numbers in expected.items()}
    web, api_ = workloads.index(next(w for w in workloads if w.name == "web")), 1
    assert by_name["ClusterRoleBinding", "everyone"] == (web, api_)  # serves both namespaces' workloads
    assert by_name["Role", "reader"] == (web,)  # bound in b to a's account
    assert by_name["Gateway", "edge"] == (web,)  # in infra, reached by a's route
    assert by_name["StorageClass", "fast"] == (web,)
    assert by_name["HorizontalPodAutoscaler", "api"] == (api_,)
    assert ("ConfigMap", "unused") not in by_name
    assert list(units.stateful) == [1, 0, 0]


def test_the_fact_store_gives_back_every_fact_in_order_from_disk(scanned, monkeypatch):
    monkeypatch.setattr(factstore, "BUFFERED", 2)
    monkeypatch.setattr(spool, "MEMORY_BYTES", 0)
    facts = list(scanned.facts)
    store = FactsStore(facts)
    assert len(store) == len(facts) == 17
    assert list(store) == facts
    assert sorted(store.workloads(), key=ref_order) == sorted((f.ref for f in facts if f.workload), key=ref_order)
    namespaces = dict(store.namespaces())
    assert sorted(namespaces) == ["a", "b", "default", "infra"]
    shared = [f for f in facts if f.ref.kind in factstore.ACROSS_NAMESPACES]
    assert [f for f in namespaces["a"] if f in shared] == shared  # joined to every namespace, in order
    assert {f.namespace for f in namespaces["b"] if f not in shared} == {"b"}
