"""Links resolve by namespace and name as the API server would; nothing outside the tree is guessed."""

from __future__ import annotations

from mclint.plan.facts import collect_facts
from mclint.plan.links import build_links

OBJECTS = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  template:
    metadata:
      labels: {app: api, tier: web}
    spec:
      serviceAccountName: api
      containers: [{name: api, image: "api:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: other
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      serviceAccountName: api
      containers: [{name: api, image: "api:1"}]
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
---
apiVersion: v1
kind: Service
metadata:
  name: headless
spec:
  clusterIP: None
"""


def test_links_by_namespace_with_unset_namespace_as_default(tmp_path):
    path = tmp_path / "objects.yaml"
    path.write_text(OBJECTS, encoding="utf-8")
    links = build_links(collect_facts([str(path)]))
    refs = {(f.ref.kind, f.ref.namespace, f.ref.name): f.ref for f in links.facts.values()}
    account = refs[("ServiceAccount", "", "api")]
    in_default = refs[("Deployment", "default", "api")]
    assert links.affected_workloads(account) == [in_default]
    assert links.service_accounts[("other", "api")] == [refs[("Deployment", "other", "api")]]
    assert links.affected_workloads(refs[("Service", "", "api")]) == [in_default]
    assert links.affected_workloads(refs[("Service", "", "headless")]) == []
    assert links.routes_to(in_default) == [refs[("Service", "", "api")]]


APP = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: "web:1"}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
"""


def test_alternative_manifests_of_one_app_link_within_their_own_file(tmp_path):
    """A quickstart and an all-in-one file deploy the same app: each file's objects link to each other."""
    (tmp_path / "quickstart.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "all-in-one.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "deployment.yaml").write_text(APP.split("---\n")[1], encoding="utf-8")
    links = build_links(collect_facts([str(tmp_path)]))
    refs = {(f.ref.kind, f.ref.file.rsplit("/", 1)[-1]): f.ref for f in links.facts.values()}
    for name in ("quickstart.yaml", "all-in-one.yaml"):
        deployment = refs[("Deployment", name)]
        assert links.affected_workloads(refs[("Ingress", name)]) == [deployment]
        assert links.affected_workloads(refs[("Service", name)]) == [deployment]
        assert links.affected_workloads(refs[("ServiceAccount", name)]) == [deployment]


def test_a_link_without_a_match_nearby_goes_to_the_closest_subtree(tmp_path):
    """An overlay's Ingress whose Service sits in the app's base, not in an unrelated app elsewhere."""
    ingress, service = APP.split("---\n")[3], APP.split("---\n")[2]
    (tmp_path / "app/k8s/overlays/prod").mkdir(parents=True)
    (tmp_path / "app/k8s/base").mkdir(parents=True)
    (tmp_path / "other-app").mkdir()
    (tmp_path / "app/k8s/overlays/prod/ingress.yaml").write_text(ingress, encoding="utf-8")
    (tmp_path / "app/k8s/base/service.yaml").write_text(service, encoding="utf-8")
    (tmp_path / "other-app/service.yaml").write_text(service, encoding="utf-8")
    links = build_links(collect_facts([str(tmp_path)]))
    (ingress_ref,) = [r for r in links.facts if r.kind == "Ingress"]
    assert [s.file.split(str(tmp_path) + "/")[-1] for s in links.ingress_backends[ingress_ref]] == [
        "app/k8s/base/service.yaml"
    ]
