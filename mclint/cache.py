"""mclint's cache of what it derives from its own files, so a one-file scan does not re-parse 130 KB
of rules: the shipped rule packs, validated (mclint.rules.registry), the table of coupling classes the
workload line reads (mclint.score.workloads), what the string rules' patterns give their index
(mclint.rules.literals), what `re` compiles the rules' expressions to (mclint.rules.expressions),
the migration mappings (mclint.plan.mappings), the libyaml release PyYAML runs (mclint.load.pyyaml),
and the Kustomize build cache's folder (mclint.render.cache).

The cache holds plain data only (JSON: each rule's texts, kinds, template and its parameters), never
Python code (the expressions' records are `re`'s pattern code, which CPython validates before running), and
is keyed by the mclint version and each pack's length and checksum: an edited pack misses and is parsed.
It lives in $MCLINT_CACHE_DIR, else $XDG_CACHE_HOME/mclint, else ~/.cache/mclint;
MCLINT_NO_CACHE=1 turns it off. Any problem reading or writing it is the same as a miss.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from mclint import __version__

CACHE_FILE = "rule-packs.json"


def cache_dir() -> Path | None:
    if os.environ.get("MCLINT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("MCLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mclint"


def pack_key(blobs: list[tuple[str, bytes]]) -> str:
    """The version, and each pack's name, length and CRC-32: an edit that keeps both length and
    checksum is a one-in-four-billion chance, and zlib costs a one-file scan nothing to import
    where hashlib's OpenSSL costs milliseconds."""
    import zlib

    parts = [__version__]
    for name, data in blobs:
        parts.append(f"{name}:{len(data)}:{zlib.crc32(data):08x}")
    return "|".join(parts)


def read(key: str, name: str = CACHE_FILE, kind: type = list) -> object | None:
    """The cached records for this key (rule records unless `name` says otherwise), or None on a
    miss, on any problem, or when they are not of `kind`."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        cached = json.loads((directory / name).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or cached.get("key") != key or not isinstance(cached.get("rules"), kind):
        return None
    return cached["rules"]


def write(key: str, records: object, name: str = CACHE_FILE) -> None:
    """Best effort: written beside and renamed, so a concurrent reader never sees half a file."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f"{name}.{os.getpid()}"
        partial.write_text(json.dumps({"key": key, "rules": records}), encoding="utf-8")
        os.replace(partial, directory / name)
    except OSError:
        pass


def derived(name: str, source: str, data: bytes, build: Callable[[bytes], dict]) -> dict:
    """What `build` makes of the file `source` (its bytes `data`): from the cache file `name` while
    the file is unchanged (pack_key), else built, and kept when JSON gives it back as it is (string
    keys, no dates or sets)."""
    key = pack_key([(source, data)])
    made = read(key, name, dict)
    if made is None:
        made = build(data)
        if json.loads(json.dumps(made)) == made:
            write(key, made, name)
    return made
