#!/usr/bin/env python3
"""mclint against the parse floor, measured side by side in one run (these machines are noisy).

Usage: python bench/bench.py [--files 2000] [--rounds 3] [--out bench/out]

- throughput: `mclint scan TREE -f json` (default --jobs, and --jobs 1) against
  ../shared/bench/floor.py on the same tree (make_corpus.py, 5 documents a file); best of N, alternating.
- memory: peak RSS of the scan on the tree and on a tree twice as large (it should stay flat).
- start-up: one file, the pre-commit case, against yamllint on the same file (when installed).
- small trees: `mclint scan TREE` with default options on a 300-file tree (1,500 documents) against
  checkov's kubernetes framework on the same files, when checkov is installed (CHECKOV=path or on
  PATH); best of two each, alternating.
Targets: wall ≤ 1.5x floor with the default workers; the small tree in at most 1/30 of checkov's
time; one file no slower than yamllint; peak RSS < 150 MB and flat (under 10% growth as the tree
doubles). The last table gives each target's verdict for this run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--small", type=int, default=300, help="files in the small tree (checkov's target)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tree = make_tree(args.out, args.files)
    double = make_tree(args.out, args.files * 2)
    report = args.out / "report.json"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}"
    )
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
        small_results = best(pair, 2)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
