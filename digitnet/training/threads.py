"""How many BLAS threads a network's training uses: one for a small network, one per core
for a wide one.

A small network's matrix products are too small for threads to pay, and idle BLAS threads
spin: on a machine whose cores are shared, the lesson's 16-16 trained 3.4 times slower with
two threads than with one. A wide network's products gain from every core.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence

# The widest hidden layer from which threads pay: measured one epoch at a time, in turn, with
# `benchmarks/train_speed.py --blas-threads` (docs/decisions.md, "BLAS threads").
THREADS_FROM = 64
# Set by the user, these choose the threads themselves, and digitnet leaves them be.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_threads(sizes: Sequence[int]) -> int:
    """The threads for a network of these layer sizes (input first, output last)."""
    widest = max(sizes[1:-1], default=0)
    return 1 if widest < THREADS_FROM else os.cpu_count() or 1


@contextlib.contextmanager
def for_network(sizes: Sequence[int]) -> Iterator[None]:
    """Run the block with blas_threads(sizes) BLAS threads, unless the user chose them."""
    if any(var in os.environ for var in THREAD_VARIABLES):
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=blas_threads(sizes), user_api="blas"):
        yield
