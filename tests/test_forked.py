"""mclint.forked: pieces done by forked workers come back in order, and nothing is lost when a worker is."""

from __future__ import annotations

import os

import pytest

from mclint import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="children are counted through /proc")


def test_every_piece_comes_back_in_order_done_by_this_process_and_the_workers():
    parent = os.getpid()
    results = list(forked.in_order(60, 3, lambda number: [number, os.getpid()]))
    assert [number for number, _ in results] == list(range(60))
    doers = {pid for _, pid in results}
    assert parent in doers and len(doers) == 3  # two forked workers (given the first pieces) and this one


def test_one_process_forks_no_worker():
    parent = os.getpid()
    assert forked.in_order(5, 1, lambda number: [number, os.getpid()]).__next__() == [0, parent]
    assert list(forked.in_order(5, 1, lambda number: [number, os.getpid()])) == [[n, parent] for n in range(5)]


def test_a_result_larger_than_a_pipe_arrives_whole():
    big = "x" * 3_000_000
    results = list(forked.in_order(3, 2, lambda number: [number, big]))
    assert [number for number, _ in results] == [0, 1, 2] and all(text == big for _, text in results)


def test_the_pieces_a_dead_worker_owed_are_done_by_the_main_process():
    parent = os.getpid()

    def work(number):
        if number == 0 and os.getpid() != parent:
            os._exit(3)  # a worker killed mid-piece: the first pieces go to the workers
        return [number, os.getpid() == parent]

    results = list(forked.in_order(40, 2, work))
    assert [number for number, _ in results] == list(range(40))
    assert dict(results)[0] is True and dict(results)[1] is True  # what the worker owed, done here


def test_with_every_worker_gone_the_main_process_does_it_all():
    parent = os.getpid()

    def work(number):
        if os.getpid() != parent:
            os._exit(1)
        return [number]

    assert [r[0] for r in forked.in_order(25, 3, work)] == list(range(25))


@needs_proc
def test_an_error_in_a_piece_is_raised_where_the_scan_can_report_it():
    def work(number):
        if number == 7:
            raise ValueError("piece 7")
        return [number]

    with pytest.raises(ValueError, match="piece 7"):
        list(forked.in_order(20, 2, work))
    assert _children() == []


@needs_proc
def test_stopping_early_leaves_no_worker_behind():
    results = forked.in_order(500, 2, lambda number: [number])
    assert next(results) == [0]
    results.close()
    assert _children() == []


def _children() -> list[int]:
    """Children of this process still there (running or not yet waited for)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append(int(entry))
    return found


def test_where_no_process_can_be_forked_the_main_process_does_it_all(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    assert [r[0] for r in forked.in_order(10, 2, lambda number: [number])] == list(range(10))
    if before:
        assert len(os.listdir("/proc/self/fd")) == before  # no pipe left open
