#!/usr/bin/env python3
"""mclint against the parse floor, measured side by side in one run (these machines are noisy).

Usage: python bench/bench.py [--files 2000] [--rounds 3] [--out bench/out]

- throughput: `mclint scan TREE -f json` (default --jobs, and --jobs 1) against
  ../shared/bench/floor.py on the same tree (make_corpus.py, 5 documents a file); best of N, alternating.
- memory: peak RSS of the scan on the tree and on a tree twice as large (it should stay flat).
- start-up: one file, the pre-commit case, against yamllint on the same file (when installed).
- small trees: `mclint scan TREE` with default options on a 300-file tree (1,500 documents) against
  checkov's kubernetes framework on the same files, when checkov is installed (CHECKOV=path or on
  PATH); best of --rounds (three) each, alternating, as the issue counts every ratio.
- rendered (`--section rendered`): Kustomize rendering on a synthetic tree (a base with a 2.5 MB CRD
  and an IRSA-bound app, ten overlays that only set a namespace) and on ../shared/corpus: the
  builds alone (mclint's own wrapper builds, two at a time), a cold scan (empty build cache), a warm
  scan and a raw scan (`--render off`), each round in turn, with the default --jobs and --jobs 1;
  whether cold and warm findings are identical; mclint's own peak RSS and the renderer's, apart; and
  the cold scan's CPU seconds (mclint, its workers and the renderers) over the builds' alone. The
  cold ratios are judged as the other throughput figures are, best of the rounds: the best cold scan
  over the best builds alone, per --jobs value (the machine's speed swings by a third from one minute
  to the next, and each round's figures are one of each); every round's own ratio is printed too.
Targets: wall ≤ 1.5x floor with the default workers; the small tree in at most 1/30 of checkov's
time; one file no slower than yamllint; peak RSS < 150 MB and flat (under 10% growth as the tree
doubles). Rendered (issue 18): cold ≤ 1.25x the builds alone; warm ≤
2x raw + 0.5 s; identical findings cold and warm; mclint's own peak RSS ≤ 150 MB. The tables give
each target's verdict for this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = (REPO.parent / "shared" / "bench").resolve()
PYTHON = sys.executable
FLAT = 0.10
"""Memory is "flat" when the doubled tree's peak RSS is within 10% of the tree's: what stays is
the interpreter, the rules and one file's tree; what grows is only the list of file names."""


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and the child's peak RSS in KB (ru_maxrss of the waited-for process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) if after > before else after


def peak_rss(command: list[str]) -> int:
    """Peak RSS in KB of one command, read by /usr/bin/time when present: the largest single process
    of the run (the main process or a worker), not a sum."""
    if shutil.which("/usr/bin/time") is None:
        return 0
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, check=False)
    return int(proc.stderr.strip().splitlines()[-1])


def best(commands: dict[str, list[str]], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():  # alternate, so load spikes hit every contender
            times[name].append(run(command)[0])
    return {name: min(values) for name, values in times.items()}


def make_tree(out: Path, files: int) -> Path:
    tree = out / f"tree-{files}"
    if not tree.is_dir():
        subprocess.run(
            [PYTHON, str(SHARED / "make_corpus.py"), str(tree), "--files", str(files)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return tree


def mclint(*args: str) -> list[str]:
    return [PYTHON, "-m", "mclint", "scan", "--no-progress", *args]


def compile_bytecode() -> None:
    """Write mclint's bytecode before anything is timed, as `pip install` does for an installed copy.

    An editable checkout under PYTHONDONTWRITEBYTECODE=1 (this machine's environment sets it) never
    writes it, so each timed run compiled every module edited since: with 65 such modules, a one-file
    scan took about 0.16 s here instead of 0.10 s, a cost no installed mclint pays."""
    package = REPO / "mclint"
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(package)], stdout=subprocess.DEVNULL, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--small", type=int, default=300, help="files in the small tree (checkov's target)")
    parser.add_argument("--section", choices=("all", "lint", "rendered"), default="all")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}"
    )
    if args.section in ("all", "lint"):
        lint_section(args)
    if args.section in ("all", "rendered"):
        rendered_section(args)
    return 0


def lint_section(args) -> None:
    tree = make_tree(args.out, args.files)
    double = make_tree(args.out, args.files * 2)
    report = args.out / "report.json"
    print(f"tree: {tree} ({args.files} files, {args.files * 5} documents)")

    contenders = {
        "floor.py (libyaml compose)": [PYTHON, str(SHARED / "floor.py"), str(tree)],
        "mclint (default --jobs)": mclint(str(tree), "-f", "json", "-o", str(report)),
        "mclint --jobs 1": mclint(str(tree), "-f", "json", "-o", str(report), "--jobs", "1"),
    }
    results = best(contenders, args.rounds)
    floor = results["floor.py (libyaml compose)"]
    print("\n| what | best wall (s) | x floor |\n|---|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} |")

    rss: dict[tuple[str, str], float] = {}
    print("\n| peak RSS | MB |\n|---|---|")
    for label, target in (("1x", tree), ("2x", double)):
        for jobs in ("1", "0"):
            kb = peak_rss(mclint(str(target), "-f", "json", "-o", str(report), "--jobs", jobs))
            rss[label, jobs] = kb / 1024
            print(f"| mclint, {label} tree, --jobs {jobs} (largest process of the run) | {kb / 1024:.1f} |")

    one = args.out / "one.yaml"
    one.write_text((REPO / "fixtures" / "aws" / "irsa-service-account.yaml").read_text())
    scripts = Path(PYTHON).parent
    single = {
        "mclint one file": [str(scripts / "mclint"), "scan", "--no-progress", str(one)]
    }  # the pre-commit hook's command
    yamllint = scripts / "yamllint" if (scripts / "yamllint").exists() else shutil.which("yamllint")
    if yamllint:
        single["yamllint one file"] = [str(yamllint), str(one)]
    one_results = best(single, max(args.rounds, 5))
    print("\n| pre-commit case | best wall (s) |\n|---|---|")
    for name, seconds in one_results.items():
        print(f"| {name} | {seconds:.3f} |")

    verdicts = [
        ("wall <= 1.5x floor (default --jobs)", results["mclint (default --jobs)"] / floor, 1.5),
        ("peak RSS < 150 MB (1x tree)", max(rss["1x", "1"], rss["1x", "0"]), 150.0),
        *(
            (
                f"RSS growth 1x -> 2x tree, --jobs {jobs} (flat: < {FLAT:.0%})",
                rss["2x", jobs] / rss["1x", jobs] - 1,
                FLAT,
            )
            for jobs in ("1", "0")
        ),
    ]
    if "yamllint one file" in one_results:
        ratio = one_results["mclint one file"] / one_results["yamllint one file"]
        verdicts.append(("one file: mclint / yamllint <= 1", ratio, 1.0))
    checkov = os.environ.get("CHECKOV") or shutil.which("checkov")
    if checkov:
        small = make_tree(args.out, args.small)
        pair = {
            "mclint scan SMALL": [PYTHON, "-m", "mclint", "scan", "--no-progress", str(small)],
            "checkov": [checkov, "-d", str(small), "--framework", "kubernetes", "--quiet", "--compact"],
        }
        small_results = best(pair, args.rounds)
        print(f"\n| small tree: {args.small} files, {args.small * 5} documents | best wall (s) |\n|---|---|")
        for name, seconds in small_results.items():
            print(f"| {name} | {seconds:.3f} |")
        ratio = small_results["mclint scan SMALL"] / small_results["checkov"]
        verdicts.append(("small tree: mclint / checkov <= 1/30", ratio, 1 / 30))
    else:
        print("\ncheckov: not installed (set CHECKOV=/path/to/checkov, e.g. from a separate venv)")

    print("\n| target | measured | limit | verdict |\n|---|---|---|---|")
    for name, value, limit in verdicts:
        ok = value <= limit if "<=" in name else value < limit
        print(f"| {name} | {value:.3f} | {limit:.4g} | {'met' if ok else 'NOT MET'} |")


# --- rendering (issue 18) --------------------------------------------------------------------

OVERLAYS = 10
CRD_PROPERTIES = 2600
"""Properties in the synthetic CRD's schema: about 2.5 MB of YAML."""

MEASURED = """\
import json, resource, sys, time
from mclint.entry import main
start = time.perf_counter()
code = main(sys.argv[2:])
wall = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime
open(sys.argv[1], "w").write(json.dumps({"wall": wall, "own_kb": own.ru_maxrss, "own_cpu": cpu, "children_kb": kids.ru_maxrss, "children_cpu": kids.ru_utime + kids.ru_stime, "code": code}))
"""
"""Runs mclint in-process and writes its wall time, its own peak RSS and its children's (workers,
renderers) to a file."""

BUILDS_ALONE = """\
import json, resource, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from mclint.render import kustomize
from mclint.render.tools import kustomize_command
roots = [Path(line) for line in Path(sys.argv[2]).read_text().splitlines()]
command = kustomize_command()
start = time.perf_counter()
with ThreadPoolExecutor(2) as pool:
    runs = list(pool.map(lambda root: kustomize.build(root, command)[0], roots))
wall = time.perf_counter() - start
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
out = sum(len(run.stdout) for run in runs)
open(sys.argv[1], "w").write(json.dumps({"wall": wall, "children_kb": kids.ru_maxrss, "cpu": kids.ru_utime + kids.ru_stime, "ok": sum(r.ok for r in runs), "bytes": out}))
"""
"""The builds mclint runs for a tree (its own roots, through its own wrapper), two at a time, and nothing else."""


def make_rendered_tree(out: Path) -> Path:
    """A base with a CRD of about 2.5 MB, an IRSA-bound ServiceAccount and its Deployment, and ten
    overlays that only set a namespace (the same bytes on every machine)."""
    tree = out / "rendered"
    if (tree / "base" / "kustomization.yaml").is_file():
        return tree
    (tree / "base").mkdir(parents=True, exist_ok=True)
    properties = "".join(
        f"""                field{i:04d}:
                  type: object
                  description: Settings of part {i} of the widget, as the operator reconciles them on every change.
                  properties:
                    name: {{type: string, description: The name of part {i}; unique within the widget.}}
                    replicas: {{type: integer, minimum: 0, description: How many copies of part {i} run.}}
                    selector:
                      type: object
                      additionalProperties: {{type: string}}
                      description: Labels that pick the pods of part {i}.
"""
        for i in range(CRD_PROPERTIES)
    )
    (tree / "base" / "crd.yaml").write_text(
        f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.bench.example.com
spec:
  group: bench.example.com
  names: {{kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
{properties}"""
    )
    (tree / "base" / "app.yaml").write_text(
        """apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  replicas: 2
  selector:
    matchLabels: {app: orders}
  template:
    metadata:
      labels: {app: orders}
    spec:
      serviceAccountName: orders
      containers:
      - name: orders
        image: ghcr.io/example/orders:1.4.2
"""
    )
    (tree / "base" / "kustomization.yaml").write_text("resources:\n- crd.yaml\n- app.yaml\n")
    for n in range(1, OVERLAYS + 1):
        overlay = tree / "overlays" / f"team-{n:02d}"
        overlay.mkdir(parents=True, exist_ok=True)
        (overlay / "kustomization.yaml").write_text(f"namespace: team-{n:02d}\nresources:\n- ../../base\n")
    return tree


def buildable_roots(tree: Path) -> list[Path]:
    """The roots mclint builds for `tree` (remote or broken ones left out), as mclint finds them."""
    sys.path.insert(0, str(REPO))
    from mclint.render import kustomize

    found = kustomize.find_kustomizations(tree)
    known = {k.directory: k for k in found}
    roots = []
    for root in kustomize.build_roots(found, tree):
        chain = kustomize.chain(root, known)
        if not any(k.remote or k.problem or k.special for k in chain):
            roots.append(root.directory)
    return sorted(set(roots), key=lambda p: p.as_posix())


def measured(command: list[str], scratch: Path, env: dict[str, str] | None = None) -> dict:
    result = scratch / "measured.json"
    result.unlink(missing_ok=True)
    subprocess.run(
        [PYTHON, "-c", MEASURED, str(result), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return json.loads(result.read_text())


def findings_of(report: Path) -> list:
    data = json.loads(report.read_text())
    return [data["findings"], data["errors"], data.get("overlays"), data["summary"], data["score"]]


def rendered_case(name: str, tree: Path, args, scratch: Path) -> list[tuple[str, float, float, str]]:
    """Each round and --jobs value: the builds alone, then a cold, a warm and a raw scan, in turn."""
    roots = scratch / f"{name}-roots.txt"
    roots.write_text("\n".join(str(p) for p in buildable_roots(tree)))
    verdicts = []
    print(f"\n{name}: {tree} ({len(roots.read_text().splitlines())} roots to build)")
    print(
        "| round | jobs | builds alone (s) | cold (s) | cold / builds | warm (s) | raw (s) | warm limit "
        "(2x raw + 0.5) | identical cold/warm | mclint CPU cold / warm / raw (s) | own peak RSS cold / warm "
        "(MB) | renderer peak RSS (MB) | CPU: builds alone / cold, all processes (s) | cold / builds, CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    times: dict[str, dict[str, list[float]]] = {jobs: {} for jobs in ("0", "1")}
    for round_ in range(1, args.rounds + 1):
        reports = {}
        for jobs in ("0", "1"):
            alone_file = scratch / "alone.json"
            subprocess.run([PYTHON, "-c", BUILDS_ALONE, str(alone_file), str(roots)], check=True, cwd=REPO)
            alone = json.loads(alone_file.read_text())
            cache = Path(tempfile.mkdtemp(prefix="mclint-bench-cache-", dir=scratch))
            env = {"MCLINT_CACHE_DIR": str(cache)}
            runs = {}
            for phase in ("cold", "warm", "raw"):
                report = scratch / f"{name}-{phase}-{jobs}.json"
                extra = ["--render", "off"] if phase == "raw" else []
                command = ["scan", "--no-progress", str(tree), "-f", "json", "-o", str(report), "--jobs", jobs, *extra]
                runs[phase] = measured(command, scratch, env)
                reports[phase, jobs] = findings_of(report)
            shutil.rmtree(cache, ignore_errors=True)
            identical = reports["cold", jobs] == reports["warm", jobs]
            cold, warm, raw = runs["cold"]["wall"], runs["warm"]["wall"], runs["raw"]["wall"]
            limit = 2 * raw + 0.5
            cpu = " / ".join(f"{runs[phase]['own_cpu']:.1f}" for phase in ("cold", "warm", "raw"))
            cold_cpu = runs["cold"]["own_cpu"] + runs["cold"]["children_cpu"]
            print(
                f"| {round_} | {'default' if jobs == '0' else 1} | {alone['wall']:.2f} | {cold:.2f} | "
                f"{cold / alone['wall']:.2f} | {warm:.2f} | {raw:.2f} | {limit:.2f} | {'yes' if identical else 'NO'} | "
                f"{cpu} | {runs['cold']['own_kb'] / 1024:.0f} / {runs['warm']['own_kb'] / 1024:.0f} | "
                f"{alone['children_kb'] / 1024:.0f} | {alone['cpu']:.1f} / {cold_cpu:.1f} | {cold_cpu / alone['cpu']:.2f} |"
            )
            label = f"{name}, round {round_}, --jobs {'default' if jobs == '0' else 1}"
            figures = {"alone": alone["wall"], "cold": cold, "alone cpu": alone["cpu"], "cold cpu": cold_cpu}
            for measure, value in figures.items():
                times[jobs].setdefault(measure, []).append(value)
            verdicts.append((f"{label}: warm - (2x raw + 0.5 s) <= 0", warm - limit, 0.0))
            verdicts.append((f"{label}: cold and warm findings differ <= 0", 0.0 if identical else 1.0, 0.0))
            own = max(runs["cold"]["own_kb"], runs["warm"]["own_kb"]) / 1024
            verdicts.append((f"{label}: mclint's own peak RSS (MB) <= 150", own, 150.0))
        same_jobs = reports["cold", "0"] == reports["cold", "1"]
        verdicts.append(
            (f"{name}, round {round_}: findings differ between --jobs values <= 0", 0.0 if same_jobs else 1.0, 0.0)
        )
    return cold_verdicts(name, times) + verdicts


def cold_verdicts(name: str, times: dict[str, dict[str, list[float]]]) -> list[tuple[str, float, float]]:
    """Per --jobs value, the best cold scan over the best builds alone (wall and CPU); how many single
    rounds were over the limit is printed beside them."""
    verdicts = []
    for jobs, measured in times.items():
        label = f"{name}, --jobs {'default' if jobs == '0' else 1}, best of {len(measured['cold'])} rounds"
        for unit, alone, cold in (("wall", "alone", "cold"), ("CPU seconds, all processes", "alone cpu", "cold cpu")):
            rounds = [c / a for a, c in zip(measured[alone], measured[cold], strict=True)]
            over = sum(ratio > 1.25 for ratio in rounds)
            print(
                f"{label}, {unit}: best cold {min(measured[cold]):.2f} / best builds alone "
                f"{min(measured[alone]):.2f} = {min(measured[cold]) / min(measured[alone]):.3f}; single rounds "
                f"{', '.join(f'{r:.2f}' for r in rounds)} ({over} over 1.25)"
            )
            verdicts.append(
                (f"{label}: cold / builds alone, {unit} <= 1.25", min(measured[cold]) / min(measured[alone]), 1.25)
            )
    return verdicts


def rendered_section(args) -> None:
    scratch = args.out / "rendered-scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    verdicts = rendered_case("synthetic", make_rendered_tree(args.out), args, scratch)
    if args.corpus.is_dir():
        verdicts += rendered_case("corpus", args.corpus.resolve(), args, scratch)
    else:
        print(f"\n{args.corpus}: not present, corpus rows left out")
    print("\n| target (issue 18) | measured | limit | verdict |\n|---|---|---|---|")
    for name, value, limit in verdicts:
        print(f"| {name} | {value:.3f} | {limit:g} | {'met' if value <= limit else 'NOT MET'} |")


if __name__ == "__main__":
    raise SystemExit(main())
