"""The score is a mean over deployable units: a workload with what serves it, or an object serving none."""

from __future__ import annotations

import pytest

from mclint import api
from mclint.config import Config
from mclint.plan import inventory_of
from mclint.score import score, unit_scores
from mclint.score.workloads import WorkloadRanks, workload_counts
from tests.conftest import CORPUS, needs_corpus

PLAN = "fixtures/plan/"

SHARED_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: jobs
  annotations:
    iam.gke.io/gcp-service-account: jobs@example-project.iam.gserviceaccount.com
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: jobs
          restartPolicy: OnFailure
          containers: [{name: nightly, image: "ghcr.io/example/nightly:1"}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hourly
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: jobs
          restartPolicy: OnFailure
          containers: [{name: hourly, image: "ghcr.io/example/hourly:1"}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
data: {a: b}
"""


def report_of(ruleset, paths: list[str]):
    return api.finish(api.scan(paths, ruleset), Config(), None, "", [])


def test_a_workload_with_everything_serving_it_is_one_unit_with_one_coupling(ruleset, in_repo):
    """IRSA on the ServiceAccount, 20 ConfigMaps, a Role and its RoleBinding: one unit, one high
    coupling. As a mean over its 24 objects it scored 97."""
    report = report_of(ruleset, ["fixtures/units/irsa-deployment-with-config-and-rbac.yaml"])
    assert (report.card.overall, report.card.units) == (50, 1)
    (unit,) = unit_scores(report.result.objects, report.result.findings, report.units)
    assert (unit.obj.kind, unit.obj.name, unit.members, unit.penalty) == ("Deployment", "orders", 24, 10)
    assert report.card.workloads == {
        "total": 1,
        "portable": 0,
        "portable-with-config": 1,
        "stateful": 0,
        "provider-bound": 0,
    }


def test_a_shared_object_counts_in_every_unit_it_serves_and_an_unlinked_one_alone(scan_text, ruleset):
    result = scan_text(SHARED_ACCOUNT)
    report = api.finish(result, Config(), None, "", [])
    # two CronJobs each need the coupled account (50 each), the ConfigMap serves nobody (100)
    assert report.card.units == 3
    assert report.card.overall == 66  # floor((50 + 50 + 100) / 3); per object it was 87
    members = {ref.name: numbers for ref, numbers in report.units.members().items()}
    assert len(members["jobs"]) == 2 and "unrelated" not in members


def test_the_scans_workload_counts_are_the_inventorys(ruleset, in_repo):
    report = report_of(ruleset, [PLAN])
    inventory = inventory_of([PLAN], ruleset)
    assert report.card.workloads == {"total": len(inventory.workloads), **inventory.counts()}
    assert report.card.workloads["total"] > 5


def test_the_scores_pass_counts_the_workloads_as_a_pass_of_their_own(ruleset, in_repo):
    """finish() feeds the workload classes from the score's pass; workload_counts reads the findings alone."""
    report = report_of(ruleset, [PLAN])
    findings = list(report.result.findings)
    assert report.card.workloads == workload_counts(report.units, findings)
    ranks = WorkloadRanks(report.units)
    score(report.result.objects, findings, units=report.units, ranks=ranks)
    counts = ranks.counts()
    assert counts == report.card.workloads and counts["provider-bound"] > 0 and counts["stateful"] > 0


@needs_corpus()
@pytest.mark.slow
@pytest.mark.parametrize("repository", ["GoogleCloudPlatform+bank-of-anthos", "Azure-Samples+aks-store-demo"])
def test_on_real_repositories_the_workload_line_agrees_with_inventory(ruleset, repository):
    path = str(CORPUS / repository)
    report = report_of(ruleset, [path])
    inventory = inventory_of([path], ruleset)
    assert report.card.workloads == {"total": len(inventory.workloads), **inventory.counts()}
    assert report.card.units < len(report.result.objects)
