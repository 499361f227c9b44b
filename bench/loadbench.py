#!/usr/bin/env python3
"""The loader alone against the parse floor, in one process: mclint.load.load_bytes over every file
of the benchmark tree, against PyYAML's CSafeLoader compose (what ../shared/bench/floor.py does).

Usage: python bench/loadbench.py [--files 2000] [--rounds 25] [--out bench/out]
       valgrind --tool=callgrind python bench/loadbench.py --once 200 [--floor]

Each round times both (CPU time, the cyclic GC off as the CLI runs it) and keeps their ratio; the
median of those ratios is the figure to read on a shared, noisy machine. `--once N` loads the first
N files once and exits, for an instruction count: subtract the same command with `--once 0`.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = (HERE.parent.parent / "shared" / "bench").resolve()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--once", type=int, default=None, metavar="N")
    parser.add_argument("--floor", action="store_true", help="with --once: run the floor instead")
    args = parser.parse_args()
    tree = args.out / f"tree-{args.files}"
    if not tree.is_dir():
        subprocess.run(
            [sys.executable, str(SHARED / "make_corpus.py"), str(tree), "--files", str(args.files)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    files = [p.read_bytes() for p in sorted(tree.rglob("*.yaml"))]

    import yaml

    from mclint.load import load_bytes

    def floor(datas) -> None:
        for data in datas:
            for _ in yaml.compose_all(data, Loader=yaml.CSafeLoader):
                pass

    def mclint(datas) -> None:
        for data in datas:
            load_bytes(data)

    gc.disable()
    if args.once is not None:
        run = floor if args.floor else mclint
        run(files[-20:])  # warm up on other files than those counted
        run(files[: args.once])
        return 0
    ratios = []
    best = {"floor": float("inf"), "mclint": float("inf")}
    for _ in range(args.rounds):
        seconds = {}
        for name, run in (("floor", floor), ("mclint", mclint)):
            start = time.process_time()
            run(files)
            seconds[name] = time.process_time() - start
            best[name] = min(best[name], seconds[name])
            gc.collect()
        ratios.append(seconds["mclint"] / seconds["floor"])
    print(f"{len(files)} files, {args.rounds} rounds (CPU seconds)")
    print(f"floor (PyYAML CSafeLoader compose): best {best['floor']:.3f}")
    print(f"mclint.load.load_bytes: best {best['mclint']:.3f}")
    print(f"ratio: median {statistics.median(ratios):.3f}, best-of-each {best['mclint'] / best['floor']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
