"""``digitnet serve``: the lesson's network in a web page, and a JSON API over the same
code as the command line.

:func:`make_server` builds a server that ``serve_forever()`` runs; the page's files are in
``static/``, the endpoints in :mod:`digitnet.serve.api`.
"""

from __future__ import annotations

from digitnet.limits import MAX_PIXELS
from digitnet.serve.api import Api
from digitnet.serve.server import LOCAL_HOSTS, Limits, Server

__all__ = ["LOCAL_HOSTS", "Limits", "Server", "make_server", "serve"]


def make_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    model: str | None = None,
    max_pixels: int = MAX_PIXELS,
    limits: Limits | None = None,
    quiet: bool = False,
) -> Server:
    """A server bound to host:port (port 0: a free one), its models loaded; a bad model
    raises ModelFileError and a port in use OSError, before anything is served."""
    server = Server((host, port), Api(model, max_pixels), limits or Limits())
    server.quiet = quiet
    return server


def serve(server: Server, workers: int = 1) -> None:
    """Serve until Ctrl-C or SIGTERM, in ``workers`` processes (see serve.workers)."""
    if workers <= 1:
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
        return
    from digitnet.serve import workers as processes

    try:
        processes.serve(server, workers)
    finally:
        server.server_close()
