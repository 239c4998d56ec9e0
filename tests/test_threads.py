"""BLAS threads by network size: one for a small network, one per core for a wide one."""

from __future__ import annotations

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from digitnet.training import threads


def blas() -> list[int]:
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.mark.parametrize(
    "sizes, expected",
    [
        ([784, 16, 16, 10], 1),
        ([784, 63, 10], 1),
        ([784, 10], 1),
        ([784, 64, 10], os.cpu_count()),
        ([784, 600, 600, 10], os.cpu_count()),
        ([784, 16, 600, 10], os.cpu_count()),
    ],
)
def test_threads_follow_the_widest_hidden_layer(sizes, expected):
    assert threads.blas_threads(sizes) == expected


def test_training_a_small_network_runs_on_one_thread(monkeypatch):
    for var in threads.THREAD_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    np.ones((2, 2)) @ np.ones((2, 2))  # BLAS loaded
    if not blas() or os.cpu_count() == 1:
        pytest.skip("no BLAS thread pool to limit, or one core")
    before = blas()
    with threads.for_network([784, 16, 16, 10]):
        assert set(blas()) == {1}
    with threads.for_network([784, 600, 600, 10]):
        assert set(blas()) == {os.cpu_count()}
    assert blas() == before


def test_threads_the_user_chose_are_left_alone(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    before = blas()
    with threads.for_network([784, 16, 16, 10]):
        assert blas() == before
