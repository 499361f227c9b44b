"""The pre-commit case stays cheap: a one-file scan imports none of the heavy or optional parts.

Timing lives in bench/bench.py; this checks the cause that regresses silently, an eager import.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

HEAVY = (
    "click",
    "dataclasses",
    "inspect",
    "jsonpath_ng",
    "rich",
    "importlib.metadata",
    "multiprocessing",
    "hashlib",
    "mclint.cli",
    "mclint.render",
    "mclint.plan",
    "mclint.split",
)

PROBE = """
import contextlib, io, json, sys
from mclint.entry import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["scan", "fixtures/aws/irsa-service-account.yaml", "fixtures/aws/alb-ingress.yaml"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_a_one_file_scan_imports_nothing_it_does_not_use(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MCLINT_CACHE_DIR": str(tmp_path), "NO_COLOR": "1"}
    for _ in range(2):  # the second run reads the rule-pack cache the first one wrote
        proc = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        probe = json.loads(proc.stdout.strip().splitlines()[-1])
        assert probe["code"] == 1  # findings: the scan really ran
        loaded = [m for m in probe["modules"] if m.startswith(HEAVY)]
        assert loaded == [], f"imported on a one-file scan: {loaded}"
