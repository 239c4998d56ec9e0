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

AHEAD = 2  # tasks in flight per worker: enough to keep it busy, few to lose if it dies
MAX_RESTARTS = 3  # new pools after a worker died, before giving up
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
    """End a pool now: its workers are killed, not waited for (Ctrl-C, a closed pipe)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def ordered(
    func: Callable[[Any], Any],
    tasks: Iterable,
    jobs: int,
    lost: Callable[[Any, str], Any],
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> Iterator:
    """``func(task)`` for every task in up to ``jobs`` worker processes (no more than there
    are tasks), yielded in the tasks' order. A task whose worker died yields ``lost(task,
    reason)`` instead."""
    from concurrent.futures.process import BrokenProcessPool

    tasks = iter(tasks)
    first = [t for _, t in zip(range(jobs * AHEAD), tasks, strict=False)]
    if not first:
        return
    workers = min(jobs, len(first))
    queue: deque = deque(first)  # tasks not yet sent
    pool = _pool(workers, initializer, initargs)
    pending: deque = deque()  # (task, future), in order
    restarts = 0
    try:
        while True:
            while len(pending) < workers * AHEAD:
                task = queue.popleft() if queue else next(tasks, _END)
                if task is _END:
                    break
                pending.append((task, pool.submit(func, task)))
            if not pending:
                return
            task, future = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                yield lost(task, WORKER_DIED)
                while pending:  # every task in flight went down with the pool
                    yield lost(pending.popleft()[0], WORKER_DIED)
                _stop(pool)
                restarts += 1
                if restarts > MAX_RESTARTS:
                    raise DigitnetError(
                        f"worker processes died {restarts} times; stopped (try --jobs 1)"
                    ) from None
                pool = _pool(workers, initializer, initargs)
    finally:
        _stop(pool)


_END = object()
