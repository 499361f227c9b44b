"""Fuzz the whole CLI with mutated real manifests from ../shared/corpus: byte flips, truncations,
deleted lines, broken indentation, injected YAML syntax, hostile values (lone surrogates, control
characters, terminal escapes, markup), long runs of one character, and link loops, dangling links,
links out of the tree, FIFOs and devices beside them. Never a traceback, always exit 0 or 1, and
every format's report well-formed.

MCLINT_FUZZ_CASES sets the number of cases (default 300, a few seconds), MCLINT_FUZZ_SEED the
random seed (default fixed, so a failure reproduces).
"""

from __future__ import annotations

import json
import os
import random
import xml.etree.ElementTree as ET

import pytest

from tests.cli.runner import run
from tests.conftest import CORPUS

CASES = int(os.environ.get("MCLINT_FUZZ_CASES", "300"))
SEED = int(os.environ.get("MCLINT_FUZZ_SEED", "20261125"))
INJECTIONS = [b"&a ", b"*a", b"<<: *a\n", b"!!python/object:os.system ", b"{{ .Values.x }}", b"\t", b"\x00",
              b"\xff\xfe", b"---\n", b"? ", b"- ", b": ", b"[", b"}", b"'", b'"', b"|\n", b"%YAML 1.1\n"]  # fmt: skip


HOSTILE_VALUES = [r"arn\ud800", r"x\n::error::forged", r"\e[31mred\e]8;;https://evil\a", r"x\x01\x7f",
                  r"x\\[/] \\[link=https://evil]", r"\r# heading [a](https://evil) ![](x) @org/team | `t`",
                  r"\u202eevil", r"\udfff\ud83d\ude00"]  # fmt: skip
RUNS = [b" ", b"a", b"-", b"0", b":", b"/", b".", b"x=", b"{{", b"\\"]
FORMATS = ["text", "concise", "markdown", "junit", "sarif", "html", "github", "gitlab"]


def corpus_files() -> list:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return [p for p in files if p.stat().st_size < 20_000]


def mutate(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(8)
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
        elif choice == 4:
            position = rng.randrange(len(data) + 1)
            data = data[:position] + rng.choice(INJECTIONS) + data[position:]
        elif choice == 5 and lines:
            data = _hostile_value(lines, rng)
        else:
            position = rng.randrange(len(data) + 1)
            data = data[:position] + rng.choice(RUNS) * rng.randint(1_000, 20_000) + data[position:]
        lines = data.split(b"\n")
    return data


def _hostile_value(lines: list[bytes], rng: random.Random) -> bytes:
    """One `key: value` line's value replaced by a double-quoted hostile string (YAML escapes)."""
    keyed = [i for i, line in enumerate(lines) if b": " in line]
    index = rng.choice(keyed) if keyed else rng.randrange(len(lines))
    key = lines[index].split(b": ", 1)[0] if keyed else b"key"
    lines[index] = key + b': "' + rng.choice(HOSTILE_VALUES).encode() + b'"'
    return b"\n".join(lines)


def _special_entries(folder, rng: random.Random) -> None:
    """A few links and special files among the cases, as a hostile tree holds them."""
    outside = folder.parent / f"{folder.name}-outside.yaml"
    outside.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside-secret}\n")
    makers = [
        lambda: (os.symlink("loop-b.yaml", folder / "loop-a.yaml"), os.symlink("loop-a.yaml", folder / "loop-b.yaml")),
        lambda: os.symlink("self", folder / "self"),
        lambda: os.symlink("nowhere.yaml", folder / "dangling.yaml"),
        lambda: os.symlink(outside, folder / "leak.yaml"),
        lambda: os.symlink("/dev/zero", folder / "zero.yaml"),
        lambda: os.mkfifo(folder / "fifo.yaml"),
    ]
    for make in rng.sample(makers, rng.randint(0, 3)):
        make()


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
        _special_entries(folder, rng)
        code, out, err = run(["scan", str(folder), "--format", "json", "--no-progress", "--render", "off"])
        assert "Traceback" not in out + err and "internal error" not in err, err
        assert code in (0, 1)
        report = json.loads(out)
        assert all(e["file"].startswith(str(folder)) for e in report["errors"])
        assert not [e for e in report["errors"] if e["message"].startswith("rule ")]  # no rule crashed
        assert "outside-secret" not in out
        _check_format(folder, rng.choice(FORMATS))


def _check_format(folder, fmt: str) -> None:
    code, out, err = run(["scan", str(folder), "--format", fmt, "--no-progress", "--render", "off"])
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert code in (0, 1)
    assert "\x1b" not in out and "\r" not in out  # no raw terminal escape or carriage return from a value
    assert not [line for line in out.splitlines() if line.startswith("::error::forged")]
    if fmt == "junit":
        ET.fromstring(out)
    elif fmt in ("sarif", "gitlab"):
        json.loads(out)
