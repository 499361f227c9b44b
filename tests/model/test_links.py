"""Links resolve by namespace and name as the API server would; nothing outside the tree is guessed."""

from __future__ import annotations

from mclint.api import scan
from mclint.model.links import build_links

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


def test_links_by_namespace_with_unset_namespace_as_default(tmp_path, ruleset):
    path = tmp_path / "objects.yaml"
    path.write_text(OBJECTS, encoding="utf-8")
    links = build_links(scan([str(path)], ruleset).facts)
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


def test_alternative_manifests_of_one_app_link_within_their_own_file(tmp_path, ruleset):
    """A quickstart and an all-in-one file deploy the same app: each file's objects link to each other."""
    (tmp_path / "quickstart.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "all-in-one.yaml").write_text(APP, encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "deployment.yaml").write_text(APP.split("---\n")[1], encoding="utf-8")
    links = build_links(scan([str(tmp_path)], ruleset).facts)
    refs = {(f.ref.kind, f.ref.file.rsplit("/", 1)[-1]): f.ref for f in links.facts.values()}
    for name in ("quickstart.yaml", "all-in-one.yaml"):
        deployment = refs[("Deployment", name)]
        assert links.affected_workloads(refs[("Ingress", name)]) == [deployment]
        assert links.affected_workloads(refs[("Service", name)]) == [deployment]
        assert links.affected_workloads(refs[("ServiceAccount", name)]) == [deployment]


def test_a_link_without_a_match_nearby_goes_to_the_closest_subtree(tmp_path, ruleset):
    """An overlay's Ingress whose Service sits in the app's base, not in an unrelated app elsewhere."""
    ingress, service = APP.split("---\n")[3], APP.split("---\n")[2]
    (tmp_path / "app/k8s/overlays/prod").mkdir(parents=True)
    (tmp_path / "app/k8s/base").mkdir(parents=True)
    (tmp_path / "other-app").mkdir()
    (tmp_path / "app/k8s/overlays/prod/ingress.yaml").write_text(ingress, encoding="utf-8")
    (tmp_path / "app/k8s/base/service.yaml").write_text(service, encoding="utf-8")
    (tmp_path / "other-app/service.yaml").write_text(service, encoding="utf-8")
    links = build_links(scan([str(tmp_path)], ruleset).facts)
    (ingress_ref,) = [r for r in links.facts if r.kind == "Ingress"]
    assert [s.file.split(str(tmp_path) + "/")[-1] for s in links.ingress_backends[ingress_ref]] == [
        "app/k8s/base/service.yaml"
    ]


SERVED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      imagePullSecrets: [{name: registry}]
      containers:
        - name: web
          image: ghcr.io/example/web:1
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
      volumes:
        - name: vault
          csi:
            driver: secrets-store.csi.k8s.io
            volumeAttributes: {secretProviderClass: web-secrets}
        - name: bundle
          projected:
            sources: [{configMap: {name: ca-bundle}}]
---
apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: web-secrets, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ca-bundle, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-node-reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated, namespace: shop}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: other, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: other}
"""


def test_a_workload_is_served_by_its_secrets_config_rbac_routes_gateway_scaler_and_budget(tmp_path, ruleset):
    path = tmp_path / "web.yaml"
    path.write_text(SERVED, encoding="utf-8")
    links = build_links(scan([str(path)], ruleset).facts)
    (web,) = links.workloads()
    assert sorted((r.kind, r.name) for r in links.serving(web)) == [
        ("ClusterRole", "node-reader"),
        ("ClusterRoleBinding", "web-node-reader"),
        ("ConfigMap", "ca-bundle"),
        ("Gateway", "edge"),
        ("HTTPRoute", "web"),
        ("HorizontalPodAutoscaler", "web"),
        ("PodDisruptionBudget", "web"),
        ("Secret", "db"),
        ("Secret", "registry"),
        ("SecretProviderClass", "web-secrets"),
        ("Service", "web"),
    ]
    secret = next(r for r in links.facts if r.kind == "Secret" and r.name == "db")
    assert links.affected_workloads(secret) == [web.ref]


CLAIMS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
spec:
  storageClassName: fast
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: blog
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  template:
    spec:
      containers: [{name: cart, image: "cart:1"}]
      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: posts
  namespace: blog
spec:
  template:
    spec:
      containers: [{name: posts, image: "posts:1"}]
      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}, {name: e, persistentVolumeClaim: {claimName: data}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: blog
spec:
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {storageClassName: fast}
  template:
    spec:
      containers: [{name: db, image: "postgres:16"}]
"""


def test_a_claim_reaches_the_workloads_of_its_namespace_that_mount_it_and_a_class_those_whose_claims_use_it(
    tmp_path, ruleset
):
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    links = build_links(scan([str(path)], ruleset).facts)
    refs = {(f.ref.kind, f.ref.namespace, f.ref.name): f.ref for f in links.facts.values()}
    cart, posts, db = (
        refs[("Deployment", "shop", "cart")],
        refs[("Deployment", "blog", "posts")],
        refs[("StatefulSet", "blog", "db")],
    )
    assert links.affected_workloads(refs[("PersistentVolumeClaim", "shop", "data")]) == [cart]
    assert links.affected_workloads(refs[("PersistentVolumeClaim", "blog", "data")]) == [posts]  # mounted twice, once
    assert links.affected_workloads(refs[("StorageClass", "", "fast")]) == [cart, db]
