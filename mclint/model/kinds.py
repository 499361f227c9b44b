"""Where each kind keeps its pod template, written once so no rule works out pod-spec paths itself."""

from __future__ import annotations

PodPath = tuple[str, ...]
"""Keys from the object root to the pod template (the mapping holding `metadata` and `spec`)."""

POD_TEMPLATE_PATHS: dict[str, PodPath] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    # Well-known custom workloads; keyed "group/Kind" so a CRD that reuses a kind name is not misread.
    "argoproj.io/Rollout": ("spec", "template"),
    "serving.knative.dev/Service": ("spec", "template"),
    "serving.knative.dev/Configuration": ("spec", "template"),
    "apps.kruise.io/CloneSet": ("spec", "template"),
    "apps.kruise.io/StatefulSet": ("spec", "template"),
    "apps.kruise.io/DaemonSet": ("spec", "template"),
    "apps.kruise.io/AdvancedCronJob": ("spec", "template", "jobTemplate", "spec", "template"),
    "apps.openshift.io/DeploymentConfig": ("spec", "template"),
    "kubeflow.org/Notebook": ("spec", "template"),
}

CORE_GROUPS = frozenset(("", "apps", "batch", "extensions"))

BUILT_IN_GROUPS = frozenset(
    (
        *CORE_GROUPS,
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "policy",
        "autoscaling",
        "apiextensions.k8s.io",
        "admissionregistration.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "node.k8s.io",
        "certificates.k8s.io",
        "gateway.networking.k8s.io",
        "snapshot.storage.k8s.io",
    )
)
"""Groups whose kinds never hold a pod template unless the table above says so: not searched by shape."""

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")

KUSTOMIZE_GROUP = "kustomize.config.k8s.io"
NOT_KUBERNETES_GROUPS = frozenset((KUSTOMIZE_GROUP, "config.kubernetes.io"))
"""kustomization.yaml and KRM function configs look like objects but never reach a cluster."""

VALUES_KIND = "HelmValues"
"""The pseudo-kind of Helm values read outside a rendered chart."""

PATCH_KIND = "JsonPatch"
"""The pseudo-kind of a JSON 6902 patch file (a list of operations), read where its values land."""


def template_path(group: str, kind: str, extra: dict[str, PodPath] | None = None) -> PodPath | None:
    """The pod template path for a kind, or None when the table does not know it."""
    tables = (extra, POD_TEMPLATE_PATHS) if extra else (POD_TEMPLATE_PATHS,)
    for table in tables:
        qualified = f"{group}/{kind}"
        if qualified in table:
            return table[qualified]
        if group in CORE_GROUPS and kind in table:
            return table[kind]
    return None
