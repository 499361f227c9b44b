"""Work shared with forked processes, its results read back in order: how a large tree is linted.

multiprocessing's Pool did this before. It costs a small tree more than it saves: importing it takes
20-30 ms, it runs three threads in the main process (one unpickles every result while the main
thread merges, and they take turns at the GIL), and its workers tear the interpreter down on exit.
Here each worker is a plain fork that reads the numbers of the pieces it is to do from a pipe and
writes each piece's results, pickled, to a pipe of its own; the main process keeps every worker two
pieces ahead and reads the results with select(). The main process lints too: whenever no worker
has sent anything, it does the next piece no worker was given. So N processes are N - 1 forks, and
a piece it does is neither pickled nor read back (on two CPUs, one fork and the main process against
two forks: the 300-file tree 0.341 -> 0.322 s, the bench tree 1.163 -> 1.111 s, medians of
alternating runs). Only the main process decides what runs: a piece a worker took but never sent
back (the worker died) is done in the main process, so a lost worker costs time, never results.

Forked workers inherit everything the main process holds (compiled rules, closures): nothing but
piece numbers and plain results crosses the pipes. Where os.fork does not exist the caller lints in
one process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Iterator

QUEUED = 2
"""Pieces each worker holds: one it works on, one it starts as soon as it is done."""

_HEADER = struct.Struct("<iQ")
"""(piece number, length of the pickled results) before each piece's results."""
_NUMBER = struct.Struct("<i")
_READ = 1 << 20


def in_order(count: int, processes: int, work: Callable[[int], list]) -> Iterator[list]:
    """work(0), work(1), ... work(count - 1), done by `processes` processes: this one and forked
    workers, yielded in that order. This process takes the next piece whenever no worker has a
    result for it, and does any piece a worker could not finish."""
    workers: list[_Worker] = []
    try:
        for _ in range(processes - 1):
            workers.append(_Worker.start(work, [fd for w in workers for fd in (w.tasks, w.results)]))
    except OSError:  # no more processes or memory for one: the workers there are (or this process) do it all
        pass
    try:
        yield from _Collect(count, workers, work).results()
    finally:
        for worker in workers:
            worker.stop()


class _Worker:
    __slots__ = ("buffer", "outstanding", "pid", "results", "tasks")

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid, self.tasks, self.results = pid, tasks, results
        self.outstanding: list[int] = []
        """Pieces sent and not yet back, in the order sent."""
        self.buffer = bytearray()

    @classmethod
    def start(cls, work: Callable[[int], list], others: list[int]) -> _Worker:
        """A forked worker; `others` are the earlier workers' pipes, which it closes."""
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        _widen(result_write)
        try:
            pid = os.fork()
        except OSError:
            for fd in (task_read, task_write, result_read, result_write):
                os.close(fd)
            raise
        if pid == 0:  # the worker: never returns
            for fd in (task_write, result_read, *others):
                os.close(fd)
            _serve(task_read, result_write, work)
        os.close(task_read)
        os.close(result_write)
        return cls(pid, task_write, result_read)

    def send(self, number: int) -> None:
        os.write(self.tasks, _NUMBER.pack(number))  # 4 bytes: never a partial write
        self.outstanding.append(number)

    def receive(self) -> list[tuple[int, list]] | None:
        """The pieces whose results are now complete; None once the worker has closed its pipe."""
        data = os.read(self.results, _READ)
        if not data:
            return None
        self.buffer += data
        done = []
        while len(self.buffer) >= _HEADER.size:
            number, length = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + length
            if len(self.buffer) < end:
                break
            done.append((number, pickle.loads(memoryview(self.buffer)[_HEADER.size : end])))
            del self.buffer[:end]
            self.outstanding.remove(number)
        return done

    def stop(self) -> None:
        """Gone, and waited for: killed, since one still busy (an early stop) is not waited on."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        for fd in (self.tasks, self.results):
            with contextlib.suppress(OSError):
                os.close(fd)


def _serve(tasks: int, results: int, work: Callable[[int], list]) -> None:
    """A worker's life: pieces until it is stopped (killed), or its task pipe closes because the main
    process is gone; then out, with no interpreter teardown (nothing of the main process's may run
    twice, no buffer it inherited flushed twice)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
        while True:
            number = os.read(tasks, _NUMBER.size)
            if len(number) < _NUMBER.size:
                break
            (number,) = _NUMBER.unpack(number)
            data = pickle.dumps(work(number), pickle.HIGHEST_PROTOCOL)
            _write_all(results, _HEADER.pack(number, len(data)) + data)
    except BaseException:  # the main process does the piece again, and reports what fails
        code = 1
    finally:
        os._exit(code)


def _widen(fd: int) -> None:
    """A result pipe as large as Linux allows an unprivileged process (1 MiB by default): a worker
    writes a piece's results whole while the main process merges, instead of waiting for it."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass  # another system, or a lower limit: the default pipe, and some waiting


PIPE_BYTES = 1 << 20


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Collect:
    """The main process's side: keeps the workers fed and hands results out in order."""

    def __init__(self, count: int, workers: list[_Worker], work: Callable[[int], list]) -> None:
        self.count, self.work = count, work
        self.next = 0
        """The first piece no worker has been given."""
        self.done: dict[int, list] = {}
        self.live = list(workers)
        """The workers not yet found gone."""

    def results(self) -> Iterator[list]:
        for worker in self.live:
            self._feed(worker)
        for due in range(self.count):
            while due not in self.done:
                self._wait()
            yield self.done.pop(due)

    def _feed(self, worker: _Worker) -> None:
        while len(worker.outstanding) < QUEUED and self.next < self.count:
            try:
                worker.send(self.next)
            except OSError:  # the worker is gone: the piece stays for another, or for this process
                return
            self.next += 1

    def _wait(self) -> None:
        """Read what the workers have sent; with nothing sent yet and a piece no worker was given,
        do that piece here (else wait for them)."""
        left = self.next < self.count
        readable = select.select([w.results for w in self.live], [], [], 0 if left else None)[0] if self.live else []
        if not readable:
            if left:
                self.done[self.next] = self.work(self.next)
                self.next += 1
            return
        for worker in [w for w in self.live if w.results in readable]:
            done = worker.receive()
            if done is None:  # it is gone: what it owed is done here
                self.live.remove(worker)
                for number in worker.outstanding:
                    self.done[number] = self.work(number)
                continue
            self.done.update(done)
            self._feed(worker)
