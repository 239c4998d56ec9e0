"""A real digitnet server on 127.0.0.1 and a free port, in a thread of the test process."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from serve_helpers import running

from digitnet.serve import Limits, Server, make_server


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with running(make_server("127.0.0.1", 0, quiet=True, limits=Limits())) as s:
        yield s


@pytest.fixture
def small_server():
    """A server with tight limits, made by the test: make(api=..., **limits)."""
    made: list[Server] = []

    def make(api=None, **limits) -> Server:
        s = make_server("127.0.0.1", 0, quiet=True, limits=Limits(**limits))
        if api is not None:
            s.api = api
        made.append(s)
        thread = threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        s.thread = thread
        return s

    yield make
    for s in made:
        s.shutdown()
        s.server_close()
        s.thread.join(10)
