"""Serving from several processes that accept on one listening socket.

Python runs one thread at a time in a process, so a second process on a second core
answers more small pictures a second than more threads do (benchmarks/serve_load.py).
The first process listens and serves; the others are started with the socket, and started
again if one dies. Each has its own models, threads and --max-in-flight.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading

from digitnet.serve.server import Limits, Server

WATCH_EVERY = 0.5  # seconds between looks at the other processes, and at the first from them


def serve(server: Server, workers: int) -> None:
    """Serve until stopped (Ctrl-C, SIGTERM), with ``workers`` - 1 more processes beside
    this one; stops them all on the way out."""
    server.socket.setblocking(False)  # an accept another process won returns, not waits
    context = multiprocessing.get_context("spawn")  # a fresh process: no threads forked
    api = server.api
    args = (server.socket, api.default, api.max_pixels, server.limits, server.quiet, os.getpid())
    others = [_start(context, args) for _ in range(workers - 1)]
    stopping = threading.Event()

    def watch() -> None:
        while not stopping.wait(WATCH_EVERY):
            for i, proc in enumerate(others):
                if not proc.is_alive() and not stopping.is_set():
                    code = proc.exitcode
                    why = f"signal {-code}" if code is not None and code < 0 else f"status {code}"
                    print(
                        f"digitnet: a server process stopped ({why}); starting another",
                        file=sys.stderr,
                    )
                    others[i] = _start(context, args)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stopping.set()
        for proc in others:
            proc.terminate()
        for proc in others:
            proc.join(5)
            if proc.is_alive():
                proc.kill()


def pids(server_pid: int) -> list[int]:
    """The processes serving beside the first (for tests and benchmarks)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{server_pid}/task")
    except OSError:
        return []
    for task in tasks:  # a process started again is the child of the watching thread
        try:
            with open(f"/proc/{server_pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
        except OSError:
            continue
    return sorted(found)


def _start(context, args) -> multiprocessing.Process:
    proc = context.Process(target=_other, args=args, daemon=True)
    proc.start()
    return proc


def _other(listening, model, max_pixels: int, limits: Limits, quiet: bool, parent: int) -> None:
    """One more server process: the first one stops it (SIGTERM); Ctrl-C at the terminal
    is the first one's to handle; it ends by itself if the first one is gone."""
    from digitnet.serve.api import Api

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def orphaned() -> None:
        while os.getppid() == parent:
            threading.Event().wait(WATCH_EVERY)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    server = Server(listening.getsockname()[:2], Api(model, max_pixels), limits, listening)
    server.quiet = quiet
    server.serve_forever(poll_interval=0.2)
