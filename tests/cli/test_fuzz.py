"""Fuzz the whole CLI with mutated real manifests from ../shared/corpus: byte flips, truncations,
deleted lines, broken indentation, injected YAML syntax. Never a traceback, always exit 0 or 1.

MCLINT_FUZZ_CASES sets the number of cases (default 300, a few seconds), MCLINT_FUZZ_SEED the
random seed (default fixed, so a failure reproduces).
"""

from __future__ import annotations

import json
import os
import random

import pytest

from tests.cli.runner import run
from tests.conftest import CORPUS

CASES = int(os.environ.get("MCLINT_FUZZ_CASES", "300"))
SEED = int(os.environ.get("MCLINT_FUZZ_SEED", "20261125"))
INJECTIONS = [b"&a ", b"*a", b"<<: *a\n", b"!!python/object:os.system ", b"{{ .Values.x }}", b"\t", b"\x00",
              b"\xff\xfe", b"---\n", b"? ", b"- ", b": ", b"[", b"}", b"'", b'"', b"|\n", b"%YAML 1.1\n"]  # fmt: skip


def corpus_files() -> list:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return [p for p in files if p.stat().st_size < 20_000]


def mutate(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        if choice == 0 and data:
            position = rng.randrange(len(data))
            data = data[:position] + bytes([rng.randrange(256)]) + data[position + 1 :]
        elif choice == 1:
            data = data[: rng.randrange(len(data) + 1)]
        elif choice == 2 and len(lines) > 1:
            del lines[rng.randrange(len(lines))]
            data = b"\n".join(lines)
        elif choice == 3 and lines:
            index = rng.randrange(len(lines))
            lines[index] = b" " * rng.randint(1, 5) + lines[index]
            data = b"\n".join(lines)
        else:
            position = rng.randrange(len(data) + 1)
            data = data[:position] + rng.choice(INJECTIONS) + data[position:]
        lines = data.split(b"\n")
    return data


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_mutated_corpus_manifests_never_crash_the_cli(tmp_path):
    rng = random.Random(SEED)
    sources = corpus_files()
    batch = 25
    for start in range(0, CASES, batch):
        folder = tmp_path / f"batch{start}"
        folder.mkdir()
        for case in range(start, min(start + batch, CASES)):
            source = rng.choice(sources)
            (folder / f"case{case}{source.suffix}").write_bytes(mutate(source.read_bytes(), rng))
        code, out, err = run(["scan", str(folder), "--format", "json", "--no-progress", "--render", "off"])
        assert "Traceback" not in out + err and "internal error" not in err, err
        assert code in (0, 1)
        report = json.loads(out)
        assert all(e["file"].startswith(str(folder)) for e in report["errors"])
        assert not [e for e in report["errors"] if e["message"].startswith("rule ")]  # no rule crashed
