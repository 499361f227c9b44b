"""The build cache: each kustomization root's build, kept between runs, keyed by everything the build reads.

A key is a hash of the renderer (its binary, and its version when it is a script), the wrapper's flags,
the root's place, and the content of every file the build reads: each kustomization of its chain, every
path they name (resources, patches, generator files, CRDs, configurations, replacements, openapi),
found the way kustomize finds them (relative to the kustomization, links followed), a missing one
counted as missing, and the whole directory of a kustomization whose generators, transformers or Helm
charts may read files no field names. An edit to any of them, or a new file where one was missing,
makes a new key; nothing else is trusted.

An entry holds the build's outcome and, per object, the digest of its content and its build metadata.
A small object's content is held in the entry itself (most are a few hundred bytes, and a file each was
most of a cold scan's cache writes); a larger one is stored once by digest, so the CRDs every overlay
repeats take their room once. Every read is checked (the entry's checksum, which covers the contents it
holds, and each stored content against its digest): a corrupt or truncated entry is a miss, and the
root is built again. Writes go to a temporary file renamed into place, so a
concurrent run never reads half an entry. Past a size cap, the entries used least recently go first.

Where: `$MCLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/mclint`, else `~/.cache/mclint`, under `kustomize/`;
`MCLINT_NO_CACHE=1` or `--no-cache` turns it off, `MCLINT_CACHE_SIZE` sets the cap (bytes, or with K,
M or G).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from mclint import __version__
from mclint.cache import cache_dir
from mclint.discover import walk_folders
from mclint.render.documents import BuiltDocument
from mclint.render.kustomize import BUILD_METADATA, KUSTOMIZATION_NAMES, PLUGIN_KEYS, Kustomization
from mclint.render.paths import real_path

FORMAT = 2
"""The layout of entries and keys; a change makes every old entry a miss."""
MAGIC = b"mclint-build %d\n" % FORMAT
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
SIZE_VARIABLE = "MCLINT_CACHE_SIZE"
LARGE_FILE = 64 * 1024 * 1024
"""Files larger than this enter a key by size, time and inode rather than content."""
INLINE_BYTES = 8 * 1024
"""Contents up to this size are held in their build's entry rather than stored by digest: 97% of the
corpus's built objects, and one file written per build instead of four."""
STALE_SECONDS = 3600
"""Temporary files this old are leftovers of a run that was killed."""


Position = tuple[str, str, str, int, int]
"""(source file, kind, name, document index, line): where a built object sits in the file it came from."""


class CachedBuild(NamedTuple):
    """A build as the cache keeps it: where its wrapper was (origins are relative to it), its outcome,
    each object's (content digest, build metadata), and where its objects sit in their source files
    (those files are part of the key, so this holds as long as the entry does)."""

    wrapper: Path
    ok: bool
    stderr: bytes
    documents: list[tuple[bytes, bytes]]
    positions: list[Position]
    inline: Mapping[bytes, bytes] = MappingProxyType({})
    """The contents the entry holds itself, by digest (INLINE_BYTES); the others are stored by digest."""


class FileDigests:
    """What each path a build reads holds, read once per scan however many roots share it."""

    def __init__(self) -> None:
        self._seen: dict[Path, str] = {}

    def of(self, path: Path) -> str:
        found = self._seen.get(path)
        if found is None:
            found = self._seen[path] = _describe(path)
        return found

    def tree(self, directory: Path) -> str:
        """Every file under a directory (links to directories not followed, tool folders skipped)."""
        lines = []
        for folder, files in walk_folders(directory):
            for name in files:
                path = folder / name
                lines.append(f"{path.relative_to(directory).as_posix()!r} {self.of(path)}")
        return "\n".join(lines)


def _describe(path: Path) -> str:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return "missing"
    real = real_path(path)
    if stat.S_ISDIR(info.st_mode):
        names = [name for name in KUSTOMIZATION_NAMES if os.path.lexists(os.path.join(real, name))]
        return f"directory {real!r} {names}"
    if not stat.S_ISREG(info.st_mode):
        return f"special {stat.S_IFMT(info.st_mode)}"
    if info.st_size > LARGE_FILE:
        return f"file {real!r} {info.st_size} {info.st_mtime_ns} {info.st_ino}"
    try:
        content = _blake2b(Path(real).read_bytes(), digest_size=20).hexdigest()
    except OSError as error:
        return f"unreadable {error.errno}"
    return f"file {real!r} {content}"


def _blake2b(data: bytes, digest_size: int = 64):
    """hashlib's BLAKE2b, imported on first use: a scan with nothing to build hashes nothing."""
    import hashlib

    return hashlib.blake2b(data, digest_size=digest_size)


def build_key(root: Kustomization, chain: list[Kustomization], renderer: str, digests: FileDigests) -> str:
    """The key of a root's build: the renderer and flags, and what every file the build reads holds."""
    parts = [f"{__version__} {FORMAT} {renderer} {BUILD_METADATA} {str(root.directory)!r}"]
    for item in sorted(chain, key=lambda k: k.directory.as_posix()):
        parts.append(f"kustomization {digests.of(item.directory)} {digests.of(item.file)}")
        for key, path in item.named:
            parts.append(f"{key} {str(path)!r} {digests.of(path)}")
            if key in PLUGIN_KEYS and os.path.isdir(path):
                parts.append(digests.tree(path))
        if item.opaque:
            parts.append(digests.tree(item.directory))
    return _blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


class BuildCache:
    """Build outcomes under one directory: entries/ by key, documents/ by content digest."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.wrote = False
        self._folders: set[Path] = set()
        """Folders made (or found) by this run's writes: each is made once, not once per file."""
        self._stored: set[bytes] = set()
        """Digests of documents this run stored or found stored (overlays repeat their base's objects)."""
        self._partials = itertools.count()
        self._run = os.urandom(6).hex()

    @classmethod
    def open(cls, enabled: bool = True) -> BuildCache | None:
        """The cache where mclint keeps its caches, unless turned off."""
        base = cache_dir() if enabled else None
        return None if base is None else cls(base / "kustomize", max_bytes())

    def _entry(self, key: str) -> Path:
        return self.directory / "entries" / key[:2] / key

    def _document(self, digest: bytes) -> Path:
        name = digest.hex()
        return self.directory / "documents" / name[:2] / name

    def read(self, key: str) -> CachedBuild | None:
        """The build stored under `key`, or None when there is none or it does not check out."""
        path = self._entry(key)
        try:
            data = path.read_bytes()
            os.utime(path)  # least recently used goes first
        except OSError:
            return None
        return _parse_entry(data, key)

    def document(self, digest: bytes) -> bytes | None:
        """An object's content, or None when missing or not what its digest says (then it is removed,
        so the rebuild stores it afresh)."""
        path = self._document(digest)
        try:
            content = path.read_bytes()
        except OSError:
            return None
        if _blake2b(content, digest_size=20).digest() != digest:
            _remove(path)
            return None
        return content

    def write(self, key: str, build: CachedBuild, documents: list[BuiltDocument]) -> None:
        """Store a finished build and the contents of its objects (best effort: a cache that cannot be
        written is no cache)."""
        body = {
            "key": key,
            "wrapper": os.fsdecode(build.wrapper),
            "ok": build.ok,
            "stderr": base64.b64encode(build.stderr).decode("ascii"),
            "documents": [_document_row(d) for d in documents],
            "positions": [list(position) for position in build.positions],
        }
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogateescape")
        try:
            for document in documents:
                if _held_inline(document) or document.digest in self._stored:
                    continue
                target = self._document(document.digest)
                if not target.exists():
                    self._write_atomically(target, document.content)
                self._stored.add(document.digest)
            self._write_atomically(self._entry(key), MAGIC + _blake2b(text).hexdigest().encode() + b"\n" + text)
            self.wrote = True
        except OSError:
            pass

    def _write_atomically(self, target: Path, data: bytes) -> None:
        """Write beside the target and rename into place, so a concurrent run never reads half a file. The
        temporary name is this run's token and a counter: tempfile's random names and checks, and a mkdir
        per file, were about half the cost of a cold scan's thousand writes."""
        folder = target.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        partial = folder / f".{target.name[:8]}-{self._run}-{next(self._partials)}"
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(partial, target)
        except BaseException:
            _remove(partial)
            raise

    def evict(self) -> None:
        """Keep the cache under its cap: drop the least recently used entries, then documents no entry names."""
        try:
            entries, documents = self._inventory()
        except OSError:
            return
        named: dict[str, int] = {}
        for entry in entries:
            for name in entry.documents:
                named[name] = named.get(name, 0) + 1
        now = time.time()
        for name, document in list(documents.items()):
            if name not in named and now - document.used > STALE_SECONDS:  # a writer may be about to name it
                _remove(document.path)
                del documents[name]
        total = sum(d.size for d in documents.values()) + sum(e.size for e in entries)
        for entry in sorted(entries, key=lambda e: (e.used, e.path.name)):
            if total <= self.max_bytes:
                break
            total -= entry.size
            _remove(entry.path)
            for name in entry.documents:
                named[name] -= 1
                if named[name] == 0 and name in documents:
                    document = documents.pop(name)
                    total -= document.size
                    _remove(document.path)

    def _inventory(self) -> tuple[list[_Stored], dict[str, _Stored]]:
        """The entries (with the documents each names) and the documents (by digest); stale temporary
        files and entries that do not check out are removed on the way."""
        now = time.time()
        entries = []
        for path, info in _files(self.directory / "entries", now):
            parsed = _parse_entry(path.read_bytes(), path.name)
            if parsed is None:
                _remove(path)
            else:
                names = [digest.hex() for digest, _ in parsed.documents if digest not in parsed.inline]
                entries.append(_Stored(path, info.st_size, info.st_mtime, names))
        documents = {
            path.name: _Stored(path, info.st_size, info.st_mtime, [])
            for path, info in _files(self.directory / "documents", now)
        }
        return entries, documents


class _Stored(NamedTuple):
    path: Path
    size: int
    used: float
    documents: list[str]


def max_bytes() -> int:
    """The cap from MCLINT_CACHE_SIZE (bytes, or a number with K, M or G), else the default."""
    raw = os.environ.get(SIZE_VARIABLE, "").strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(raw[-1:], 1)
    number = raw[:-1] if scale > 1 else raw
    return int(number) * scale if number.isdigit() else DEFAULT_MAX_BYTES


def _parse_entry(data: bytes, key: str) -> CachedBuild | None:
    if not data.startswith(MAGIC):
        return None
    checksum, _, text = data[len(MAGIC) :].partition(b"\n")
    if _blake2b(text).hexdigest().encode() != checksum:
        return None
    try:
        body = json.loads(text.decode("utf-8", "surrogateescape"))
        if body["key"] != key:
            return None
        documents, inline = [], {}
        for row in body["documents"]:
            if len(row) not in (2, 3):
                return None
            digest = bytes.fromhex(row[0])
            documents.append((digest, base64.b64decode(row[1], validate=True)))
            if len(row) == 3:
                inline[digest] = base64.b64decode(row[2], validate=True)
        positions = [(str(p), str(k), str(n), int(i), int(line)) for p, k, n, i, line in body["positions"]]
        stderr = base64.b64decode(body["stderr"], validate=True)
        return CachedBuild(Path(body["wrapper"]), bool(body["ok"]), stderr, documents, positions, inline)
    except (ValueError, KeyError, TypeError):
        return None


def _document_row(document: BuiltDocument) -> list[str]:
    """An object as its entry lists it: digest and build metadata, and its content when small."""
    row = [document.digest.hex(), base64.b64encode(document.metadata).decode("ascii")]
    if _held_inline(document):
        row.append(base64.b64encode(document.content).decode("ascii"))
    return row


def _held_inline(document: BuiltDocument) -> bool:
    """Whether the entry holds the object's content itself (INLINE_BYTES) rather than naming a stored one."""
    return len(document.content) <= INLINE_BYTES


def _files(directory: Path, now: float):
    """(path, stat) of the cache files under a directory; leftover temporary files are removed."""
    if not directory.is_dir():
        return
    for folder in sorted(directory.iterdir()):
        for entry in os.scandir(folder) if folder.is_dir() else ():
            info = entry.stat(follow_symlinks=False)
            if entry.name.startswith("."):
                if now - info.st_mtime > STALE_SECONDS:
                    _remove(Path(entry.path))
            elif stat.S_ISREG(info.st_mode):
                yield Path(entry.path), info


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
