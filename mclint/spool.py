"""An ordered, append-only sequence that keeps at most a few thousand items in memory.

A scan's findings and objects grow with the tree; reports only ever read them front to back. A
Spool writes full batches (pickled, or through a Codec) to an anonymous temporary file and reads
them back on each iteration, so the memory a scan holds stays flat however large the tree,
and small scans never touch the disk.
"""

from __future__ import annotations

import heapq
import marshal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

BATCH = 4096
"""Items held in memory before a batch goes to disk: a few MB of findings."""


class Codec(NamedTuple):
    """How a batch becomes bytes and back; pickle when a spool has none. Findings use marshal on
    plain tuples, which is about twice as fast as pickling named tuples and enums."""

    encode: Callable[[list], bytes]
    decode: Callable[[bytes], list]


def _pickle():
    import pickle

    return pickle


class EncodedRun(NamedTuple):
    """Items in key order, encoded as a Spool's batch: the bytes, how many, the first and last keys."""

    data: bytes
    count: int
    first: object
    last: object


class Spool(Generic[T]):
    """Items in `key` order whatever order they were added in.

    Callers add in order (files are linted in sorted order); an item that arrives out of order is
    kept aside in memory and merged back when reading, so the order never depends on that.
    """

    def __init__(
        self,
        items: Iterable[T] = (),
        key: Callable[[T], object] | None = None,
        codec: Codec | None = None,
        batch: int | None = None,
    ) -> None:
        self._key = key
        self._batch = batch
        """Items per batch when not BATCH: fewer for large items (a file's source lines)."""
        self._buffer: list[T] = []
        self._batches: list[tuple[int, int]] = []
        self._store = Batches(codec)
        self._count = 0
        self._last: object = None
        self._stragglers: list[T] = []
        self.extend(items)

    def append(self, item: T) -> None:
        self.extend((item,))

    def extend(self, items: Iterable[T], *, in_order: bool = False) -> None:
        """Add items; `in_order` says they are a list already in key order among themselves (the
        caller sorted them by the same key), so only its first item is compared with what came
        before: a scan's merge adds each file's findings and objects this way, tens of thousands
        of comparisons fewer."""
        key = self._key
        if in_order and items and (not self._count or key is None or key(items[0]) >= self._last):
            self._extend_run(items)
            return
        for item in items:
            if key is not None:
                current = key(item)
                if self._count and current < self._last:
                    self._stragglers.append(item)
                    self._count += 1
                    continue
                self._last = current
            self._buffer.append(item)
            self._count += 1
            if len(self._buffer) >= (self._batch or BATCH):
                self._flush()

    def encoded(self, items: list[T]) -> EncodedRun:
        """`items` (in key order among themselves) as this spool stores a batch, for another process
        to hand to extend_encoded: a forked worker encodes its files' findings, the main process
        stores the bytes as they are."""
        if not items:
            return EncodedRun(b"", 0, None, None)
        key = self._key
        first, last = (key(items[0]), key(items[-1])) if key is not None else (None, None)
        return EncodedRun(self._store.encode(items), len(items), first, last)

    def extend_encoded(self, run: EncodedRun) -> bool:
        """Add a run `encoded` made (with this spool's codec); True when its bytes were kept as
        they are. A run that comes early is decoded and added through extend(), so the order never
        depends on it."""
        if not run.count:
            return True
        if self._count and self._key is not None and run.first < self._last:
            self.extend(self._store.decode(run.data))
            return False
        if self._buffer:  # what came before the run is stored before it
            self._flush()
        self._batches.append(self._store.write_encoded(run.data))
        self._count += run.count
        if self._key is not None:
            self._last = run.last
        return True

    def _extend_run(self, items: list[T]) -> None:
        if self._key is not None:
            self._last = self._key(items[-1])
        self._count += len(items)
        buffer, size = self._buffer, self._batch or BATCH
        buffer.extend(items)
        while len(buffer) >= size:  # the batches item-by-item adding makes, of exactly `size` items
            self._batches.append(self._store.write(buffer[:size]))
            del buffer[:size]

    def _flush(self) -> None:
        self._batches.append(self._store.write(self._buffer))
        self._buffer = []

    def _in_added_order(self) -> Iterator[T]:
        for batch in self._batches:
            yield from self._store.read(batch)
        yield from list(self._buffer)

    def __iter__(self) -> Iterator[T]:
        if not self._stragglers:
            return self._in_added_order()
        return heapq.merge(self._in_added_order(), sorted(self._stragglers, key=self._key), key=self._key)

    def __getitem__(self, index: int | slice):
        """For the Python API and tests: each lookup is a pass from the front, so loops should iterate."""
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("Spool index out of range")
        return next(islice(iter(self), index, None))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"Spool({self._count} item(s), {len(self._batches)} on disk)"

    def close(self) -> None:
        self._store.close()


class Batches:
    """Lists kept as bytes (through a Codec; pickle when given None), each read back by the (offset,
    length) its write returned: a Spool's batches, and the stores that group what they write (by
    namespace, by file) and so cannot be one Spool. The first MEMORY_BYTES stay in memory; past them
    everything goes to an anonymous temporary file, the bytes so far first, so the offsets hold. A
    small scan never touches the disk, nor imports tempfile (10-16 ms with shutil and random)."""

    __slots__ = ("_codec", "_file", "_memory")

    def __init__(self, codec: Codec | None = None) -> None:
        self._codec = codec
        self._file = None
        self._memory = bytearray()

    @property
    def on_disk(self) -> bool:
        return self._file is not None

    def encode(self, rows: list) -> bytes:
        return self._codec.encode(rows) if self._codec else _pickle().dumps(rows, -1)

    def decode(self, data: bytes) -> list:
        return self._codec.decode(data) if self._codec else _pickle().loads(data)

    def write(self, rows: list) -> tuple[int, int]:
        return self.write_encoded(self.encode(rows))

    def write_encoded(self, data: bytes) -> tuple[int, int]:
        """Keep bytes `encode` made (here or in another process with the same codec)."""
        if self._file is None:
            if len(self._memory) + len(data) <= MEMORY_BYTES:
                offset = len(self._memory)
                self._memory += data
                return offset, len(data)
            import tempfile

            self._file = tempfile.TemporaryFile(prefix="mclint-")  # noqa: SIM115 (lives as long as its store; see close)
            self._file.write(self._memory)
            self._memory = bytearray()
        offset = self._file.seek(0, 2)
        self._file.write(data)
        return offset, len(data)

    def read(self, batch: tuple[int, int]) -> list:
        offset, length = batch
        if self._file is None:
            data = self._memory[offset : offset + length]  # a copy: later writes may grow the buffer
        else:
            self._file.seek(offset)
            data = self._file.read(length)
        return self.decode(data)

    def close(self) -> None:
        self._memory = bytearray()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()


MEMORY_BYTES = 256 * 1024
"""Bytes a store keeps in memory before it makes its file: what a 300-file tree's link facts and
unit memberships take (190 KB and 197 KB on the benchmark's), and a fixed amount, so memory stays
flat however large the tree."""


MARSHAL = Codec(marshal.dumps, marshal.loads)
"""Plain values (tuples, strings, numbers) as marshal writes them."""
