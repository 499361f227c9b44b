"""Objects come out of documents with identity and their pod template found, whatever the kind."""

from __future__ import annotations

import pytest

from mclint.load import load_bytes
from mclint.model import manifests_from_document


def manifests(text: str, extra=None):
    loaded = load_bytes(text.encode())
    assert loaded.problems == []
    return [m for d in loaded.documents for m in manifests_from_document(d, "f.yaml", extra)]


POD = "metadata:\n  labels: {app: x}\nspec:\n  containers:\n  - name: c\n    image: nginx\n"


def nest(path: list[str], body: str) -> str:
    text = body
    for key in reversed(path):
        text = f"{key}:\n" + "".join(f"  {line}\n" for line in text.splitlines())
    return text


@pytest.mark.parametrize(
    ("api_version", "kind", "path", "expected_prefix"),
    [
        ("v1", "Pod", [], ""),
        ("apps/v1", "Deployment", ["spec", "template"], "spec.template."),
        ("apps/v1", "StatefulSet", ["spec", "template"], "spec.template."),
        ("apps/v1", "DaemonSet", ["spec", "template"], "spec.template."),
        ("apps/v1", "ReplicaSet", ["spec", "template"], "spec.template."),
        ("v1", "ReplicationController", ["spec", "template"], "spec.template."),
        ("batch/v1", "Job", ["spec", "template"], "spec.template."),
        ("batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template"], "spec.jobTemplate.spec.template."),
        ("argoproj.io/v1alpha1", "Rollout", ["spec", "template"], "spec.template."),
        ("serving.knative.dev/v1", "Service", ["spec", "template"], "spec.template."),
        ("apps.kruise.io/v1alpha1", "CloneSet", ["spec", "template"], "spec.template."),
        ("example.com/v1", "Whatever", ["spec", "template"], "spec.template."),
    ],
)
def test_pod_template_is_found_for_each_workload_kind(api_version, kind, path, expected_prefix):
    body = nest(path, POD) if path else POD.split("\n", 2)[2]  # a Pod's own metadata is the object's
    (m,) = manifests(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: w, namespace: ns}}\n{body}")
    assert (m.kind, m.name, m.namespace) == (kind, "w", "ns")
    assert m.pod is not None
    assert m.pod.path == expected_prefix
    (container,) = list(m.pod.containers())
    assert container.path == f"{expected_prefix}spec.containers[0]."


def test_init_and_ephemeral_containers_are_pod_containers():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: i, image: a}]\n"
    text += "  containers: [{name: c, image: b}]\n  ephemeralContainers: [{name: e, image: d}]\n"
    (m,) = manifests(text)
    assert [c.node["name"] for c in m.pod.containers()] == ["c", "i", "e"]


def test_service_is_not_a_workload_and_unknown_template_without_containers_is_not_either():
    assert manifests("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: []}\n")[0].pod is None
    text = "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\nspec: {template: {spec: {foo: 1}}}\n"
    assert manifests(text)[0].pod is None


def test_extra_workload_table_extends_the_known_kinds():
    text = "apiVersion: x.io/v1\nkind: Runner\nmetadata: {name: r}\nspec:\n  podTemplate:\n" + "".join(
        f"    {line}\n" for line in POD.splitlines()
    )
    (m,) = manifests(text, extra={"x.io/Runner": ("spec", "podTemplate")})
    assert m.pod is not None and m.pod.path == "spec.podTemplate."


def test_lists_are_expanded_and_non_kubernetes_documents_are_skipped(in_repo):
    assert [m.name for m in manifests((in_repo / "fixtures/loader/list-kind.yaml").read_text())] == ["a", "b", "c"]
    configs = manifests((in_repo / "fixtures/loader/not-kubernetes.yaml").read_text())
    # Helm values and a kustomization are read for couplings, but neither is a deployed object; the CI config is skipped
    assert [(m.kind, m.deployed) for m in configs] == [("HelmValues", False), ("Kustomization", False)]


def test_objects_keep_file_document_and_line():
    ms = manifests(
        "apiVersion: v1\nkind: A\nmetadata: {name: one}\n---\n\napiVersion: v1\nkind: B\nmetadata: {name: two}\n"
    )
    assert [(m.ref.document, m.ref.line, m.file) for m in ms] == [(0, 1, "f.yaml"), (1, 6, "f.yaml")]
