"""Work shared out to worker processes, its results in order, for predict and read.

A worker that dies (killed, out of memory, a crash in a decoder) must not hang the command:
the tasks it may have held are answered with an error, a new pool takes the rest, and after
MAX_RESTARTS deaths the command stops with an error instead of losing more.
"""

from __future__ import annotations

import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from digitnet.errors import DigitnetError

# Tasks in flight per worker: enough to keep it busy, few to lose if it dies; new pools
# after a worker died, before giving up (docs/decisions.md, "Worker processes").
AHEAD = 2
MAX_RESTARTS = 3
WORKER_DIED = "a worker process died (killed, or out of memory) while reading it"


def _quiet_worker(initializer: Callable | None, args: tuple) -> None:
    """Workers leave Ctrl-C to the parent, which stops them: no traceback from each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a killed worker dies, and is seen to
    if initializer is not None:
        initializer(*args)


def _pool(workers: int, initializer: Callable | None, args: tuple):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    return ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_quiet_worker, initargs=(initializer, args)
    )


def _stop(pool) -> None:
    """End a pool now: its workers are killed, not left to finish (Ctrl-C, a closed pipe)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    # waited for: its manager thread, left running, may wake a closed pipe at exit and
    # print a traceback (the workers are dead, so this returns at once)
    pool.shutdown(wait=True, cancel_futures=True)


def ordered(
    func: Callable[[Any], Any],
    tasks: Iterable,
    jobs: int,
    lost: Callable[[Any, str], Any],
    initializer: Callable | None = None,
    initargs: tuple = (),
    count: int | None = None,
) -> Iterator:
    """``func(task)`` for every task in up to ``jobs`` worker processes (no more than the
    ``count`` of tasks, where it is known), yielded in the tasks' order. A task whose worker
    died yields ``lost(task, reason)`` instead. The pool starts with the first task."""
    from concurrent.futures.process import BrokenProcessPool

    tasks = iter(tasks)
    first = next(tasks, _END)
    if first is _END:
        return
    workers = Workers(min(jobs, count or jobs), initializer, initargs)
    queue: deque = deque([first])  # tasks not yet sent
    pending: deque = deque()  # (task, future, the pool's generation), in order
    try:
        while True:
            while len(pending) < workers.count * AHEAD:
                task = queue.popleft() if queue else next(tasks, _END)
                if task is _END:
                    break
                pending.append((task, *workers.submit(func, task)))
            if not pending:
                return
            task, future, generation = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                yield lost(task, WORKER_DIED)
                workers.renew(generation)
    finally:
        workers.stop()


class Workers:
    """A process pool that is replaced when a worker dies, MAX_RESTARTS times at most."""

    def __init__(self, count: int, initializer: Callable | None, initargs: tuple) -> None:
        self.count, self.initializer, self.initargs = count, initializer, initargs
        self.generation = 0
        self.pool = _pool(count, initializer, initargs)

    def submit(self, func: Callable, task) -> tuple[Any, int]:
        """The future of ``func(task)`` and the generation of the pool it went to."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(func, task), self.generation
        except BrokenProcessPool:  # a worker died while idle
            self.renew(self.generation)
            return self.pool.submit(func, task), self.generation

    def renew(self, generation: int) -> None:
        """A new pool in place of the broken one of ``generation`` (once per generation:
        every task in flight on it fails alike)."""
        if generation != self.generation:
            return
        self.stop()
        self.generation += 1
        if self.generation > MAX_RESTARTS:
            raise DigitnetError(
                f"worker processes died {self.generation} times; stopped (try --jobs 1)"
            )
        self.pool = _pool(self.count, self.initializer, self.initargs)

    def stop(self) -> None:
        _stop(self.pool)


_END = object()


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter), as the items arrive."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker: tuple[Any, int] | None = None  # each worker process's network and pixel limit


def _start_worker(net: Any, max_pixels: int) -> None:
    global _worker
    _worker = (net, max_pixels)


def worker() -> tuple[Any, int]:
    """In a process of in_workers: the network and the pixel limit it was started with."""
    return _worker


def in_workers(func, names: Iterable[str], size: int, net: Any, max_pixels: int, jobs: int, lost):
    """``func(chunk)`` for each chunk of ``size`` names, in order, in ``jobs`` processes (no
    more than there are chunks) that each hold ``net`` and ``max_pixels`` for worker() to
    give back (see digitnet.batch.ordered)."""
    count = -(-len(names) // size) if isinstance(names, list) else None
    tasks = chunked(names, size)
    return ordered(func, tasks, jobs, lost, _start_worker, (net, max_pixels), count)
