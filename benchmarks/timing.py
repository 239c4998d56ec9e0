"""Helpers for the benchmarks: run commands alternately and keep the best and median times.

The machine is shared and noisy, so every comparison is a ratio measured in one run, the
competitors taking turns so that a slow moment hurts both alike.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence


def run_command(cmd: Sequence[str], stdin: bytes | None = None) -> float:
    """Wall time of one run of a command, its output thrown away; fails if it fails."""
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def alternate(jobs: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Run each job ``repeat`` times, taking turns; return every time per job."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            times[name].append(job())
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:8.1f} ms   best {min(times) * 1000:8.1f} ms"


def median(times: list[float]) -> float:
    return statistics.median(times)
