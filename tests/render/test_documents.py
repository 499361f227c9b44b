"""A build's output as documents: build metadata taken out before hashing, read back apart, CRD heads."""

from __future__ import annotations

from mclint.render.documents import crd_head, read_build_metadata, split_documents

NAMESPACE_TRANSFORMER = """\
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../../tree/overlays/{overlay}/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: NamespaceTransformer
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
{transformer}    config.kubernetes.io/origin: |
      path: ../../tree/base/crd.yaml
  name: widgets.example.com
spec:
  group: example.com
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: |-
          a schema

          ---
          with a separator line inside
        type: object
"""

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  annotations:
{transformer}    config.kubernetes.io/origin: |
      path: '../../tree/base/ov #x/sa.yaml'
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
  name: orders
  namespace: team-{overlay}
"""


def build_output(overlay: str) -> bytes:
    transformer = NAMESPACE_TRANSFORMER.format(overlay=overlay)
    documents = [CRD.format(transformer=transformer), SERVICE_ACCOUNT.format(transformer=transformer, overlay=overlay)]
    return "---\n".join(documents).encode()


def test_the_same_object_built_by_two_overlays_has_one_digest():
    crd_a, sa_a = split_documents(build_output("a"))
    crd_b, sa_b = split_documents(build_output("b"))
    assert crd_a.digest == crd_b.digest  # only the overlay's transformer annotation told them apart
    assert sa_a.digest != sa_b.digest  # the namespace differs
    assert crd_a.metadata != crd_b.metadata


def test_build_annotations_are_taken_out_and_an_emptied_annotations_key_goes():
    crd, service_account = split_documents(build_output("a"))
    assert crd.content.decode().splitlines()[:4] == [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata:",
        "  name: widgets.example.com",
    ]
    assert b"\n          ---\n" in crd.content  # a separator inside a block scalar is not a document break
    assert service_account.content.decode().splitlines()[3:6] == [
        "  annotations:",
        "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders",
        "  name: orders",
    ]


def test_build_metadata_is_read_as_yaml_with_quoted_paths():
    _, service_account = split_documents(build_output("a"))
    metadata = read_build_metadata(service_account.metadata)
    assert metadata.origin == "path: '../../tree/base/ov #x/sa.yaml'\n"
    assert metadata.transformations.startswith("- configuredIn: ../../tree/overlays/a/kustomization.yaml\n")


def test_a_document_in_another_layout_is_kept_whole():
    text = b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}\n'
    (document,) = split_documents(text)
    assert (document.content, document.metadata) == (text, b"")


def test_a_crd_head_is_its_apiversion_kind_and_metadata_and_other_kinds_have_none():
    crd, service_account = split_documents(build_output("a"))
    head = crd_head(crd.content)
    assert head == (
        b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
    )
    assert crd_head(service_account.content) is None
