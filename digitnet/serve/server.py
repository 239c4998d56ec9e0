"""The HTTP side of ``digitnet serve``: the standard library's threading server, with
every request bounded in size, time and number.

Routes: ``GET /`` and ``/static/NAME`` (the page, held in memory: no request reads a
file), ``GET /api/config|model|weights.png`` and ``POST /api/predict|read|network|steps``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WorkTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from digitnet.limits import (
    MAX_CONNECTIONS,
    MAX_IN_FLIGHT,
    MAX_REQUEST_BYTES,
    QUEUE_WAIT,
    REQUEST_TIMEOUT,
)
from digitnet.serve.api import Api, Picture, Reply, RequestError, error_reply
from digitnet.version import __version__

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# The page loads nothing from elsewhere, and nothing may frame it.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Each route and the Api method that answers it: GETs take the query, POSTs a picture too.
GET_ROUTES = {"/api/config": "config", "/api/model": "model", "/api/weights.png": "weights"}
POST_ROUTES = {
    "/api/predict": "predict",
    "/api/read": "read",
    "/api/network": "network",
    "/api/steps": "steps",
}


class Limits(NamedTuple):
    max_bytes: int = MAX_REQUEST_BYTES
    max_in_flight: int = MAX_IN_FLIGHT
    queue_wait: float = QUEUE_WAIT
    timeout: float = REQUEST_TIMEOUT
    max_connections: int = MAX_CONNECTIONS


def static_files(folder: str = STATIC_DIR) -> dict[str, tuple[str, bytes]]:
    """The page's files by URL path, read once: a request can only name one of these."""
    files = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        kind = TYPES.get(os.path.splitext(name)[1])
        if kind and os.path.isfile(path):
            with open(path, "rb") as f:
                files[f"/static/{name}"] = (kind, f.read())
    files["/"] = files["/static/index.html"]
    return files


class Server(ThreadingHTTPServer):
    """A thread per connection (at most ``limits.max_connections``), and at most
    ``limits.max_in_flight`` requests worked on at once."""

    daemon_threads = True  # a connection left open never keeps Ctrl-C from stopping it
    block_on_close = False
    quiet = False  # no line a request on stderr

    def __init__(
        self,
        address: tuple[str, int],
        api: Api,
        limits: Limits,
        listening: socket.socket | None = None,
    ) -> None:
        """Listen on ``address``, or accept on ``listening``: a socket another process of
        the same server listens on (see digitnet.serve.workers)."""
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.api, self.limits = api, limits
        self.files = static_files()
        self.slots = threading.BoundedSemaphore(limits.max_in_flight)
        self.connections = threading.BoundedSemaphore(limits.max_connections)
        self.work = ThreadPoolExecutor(limits.max_in_flight, thread_name_prefix="digitnet")
        super().__init__(address, Handler, bind_and_activate=listening is None)
        if listening is not None:
            self.socket.close()
            self.socket = listening
            self.server_address = listening.getsockname()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        if not self.connections.acquire(blocking=False):
            _refuse(request, "too many connections; try again")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def server_close(self) -> None:
        super().server_close()
        self.work.shutdown(wait=False, cancel_futures=True)

    def run(self, func, *args) -> Reply:
        """``func(*args)`` on a work thread, once a slot is free: 503 when none frees up
        within the queue wait, 504 when the work takes longer than the timeout (its slot
        stays taken until it really ends, so overload is still seen)."""
        if not self.slots.acquire(timeout=self.limits.queue_wait):
            busy = f"busy: {self.limits.max_in_flight} requests in flight; try again"
            return error_reply(503, busy)
        try:
            future = self.work.submit(func, *args)
        except RuntimeError:  # shutting down
            self.slots.release()
            return error_reply(503, "the server is stopping")
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return future.result(timeout=self.limits.timeout)
        except WorkTimeout:
            return error_reply(504, f"not answered within {self.limits.timeout:g} s")


def _refuse(sock, message: str) -> None:
    body = json.dumps({"error": message}).encode() + b"\n"
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.sendall(head.encode() + body)


_date: list = [None, ""]  # (second, its Date header): shared by the handlers' threads


class Handler(BaseHTTPRequestHandler):
    """One connection's requests: routes, bounded bodies, JSON errors."""

    server: Server
    server_version = f"digitnet/{__version__}"

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        # formatted once a second: for every answer it was a large share of a small
        # picture's time (docs/decisions.md, "The Date header, formatted once a second")
        second = int(time.time() if timestamp is None else timestamp)
        if _date[0] != second:
            _date[:] = [second, super().date_time_string(second)]
        return _date[1]

    protocol_version = "HTTP/1.1"  # keep-alive: a client reuses its connection
    # the headers and the body go out as two writes: with Nagle's algorithm the second waits
    # for the client's delayed ACK (docs/decisions.md, "disable_nagle_algorithm")
    disable_nagle_algorithm = True

    def setup(self) -> None:
        self.timeout = self.server.limits.timeout  # a client that stalls is dropped
        super().setup()

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """Errors found by http.server itself (a bad request line, a header too long) as
        JSON like every other error."""
        self.close_connection = True
        self.request_version = self.protocol_version  # a garbled request line too gets a status
        self._send(error_reply(code, message or self.responses.get(code, ("error",))[0]))

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    do_DELETE = do_PATCH = do_OPTIONS = do_PUT

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        known = path in self.server.files or path in GET_ROUTES or path in POST_ROUTES
        allowed = "POST" if path in POST_ROUTES else "GET, HEAD"
        if not known:
            self._discard_body()
            reply = error_reply(404, f"no such page: {path[:200]}")
        elif method not in allowed:
            self._discard_body()
            reply = error_reply(405, f"{path} takes {allowed}")
        elif path in self.server.files:
            kind, body = self.server.files[path]
            reply = Reply(200, kind, body)
        else:
            started = time.perf_counter()
            reply = self._api(path, query)
            # how long the answer took here, shown by a browser's developer tools
            self.timing = f"work;dur={(time.perf_counter() - started) * 1000:.1f}"
        allow = allowed if reply.status == 405 else None
        self._send(reply, head_only=method == "HEAD", allow=allow)

    def _api(self, path: str, query: dict[str, str]) -> Reply:
        api = self.server.api
        try:
            if path == "/api/config":  # no work: answered at once, even when busy
                return api.config()
            if path in GET_ROUTES:
                return self.server.run(getattr(api, GET_ROUTES[path]), query)
            endpoint = getattr(api, POST_ROUTES[path])
            return self.server.run(_answered, endpoint, self._picture(), query)
        except RequestError as e:
            self.close_connection = True  # the body may be left unread: start afresh
            return error_reply(e.status, str(e))

    def _picture(self) -> Picture:
        """The uploaded picture: the whole body, or a multipart form's first file."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise RequestError(411, "send the picture with a Content-Length")
        try:
            size = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestError(411, "send the picture with a Content-Length") from None
        if size < 0:
            raise RequestError(400, "Content-Length cannot be negative")
        limit = self.server.limits.max_bytes
        if size > limit:
            raise RequestError(413, f"the request is {size:,} bytes, over the limit of {limit:,}")
        if size == 0:
            raise RequestError(400, "no picture: send its bytes as the body, or as a form file")
        try:
            data = self.rfile.read(size)
        except TimeoutError:
            raise RequestError(408, "the picture did not arrive in time") from None
        if len(data) < size:
            raise RequestError(400, "the request ended before its Content-Length")
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("multipart/form-data"):
            return _form_file(kind, data)
        return Picture("-", data)

    def _discard_body(self) -> None:
        """Read a body that will not be used, so the connection stays in step; a large one
        closes the connection instead."""
        try:
            size = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            size = -1
        if 0 <= size <= 1 << 16:
            try:
                self.rfile.read(size)
                return
            except TimeoutError:
                pass
        self.close_connection = True

    def _send(self, reply: Reply, head_only: bool = False, allow: str | None = None) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for key, value in HEADERS.items():
                self.send_header(key, value)
            if getattr(self, "timing", None):
                self.send_header("Server-Timing", self.timing)
                self.timing = None
            if allow:
                self.send_header("Allow", allow)
            if reply.status == 503:
                self.send_header("Retry-After", "1")
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head_only:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client went away: nothing to tell it


def _answered(endpoint, picture: Picture, query: dict[str, str]) -> Reply:
    """An endpoint's reply, with a bad query or a picture too large for memory as errors."""
    try:
        return endpoint(picture, query)
    except RequestError as e:
        return error_reply(e.status, str(e))
    except MemoryError:
        from digitnet.errors import OUT_OF_MEMORY

        return error_reply(422, OUT_OF_MEMORY)


def _form_file(content_type: str, body: bytes) -> Picture:
    """The first file of a multipart/form-data body (a browser's form or ``curl -F``)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise RequestError(400, "a multipart form without parts")
    parts = list(message.iter_parts())
    for part in sorted(parts, key=lambda p: p.get_filename() is None):  # files first
        data = part.get_payload(decode=True)
        if data:
            return Picture(os.path.basename(part.get_filename() or "-"), data)
    raise RequestError(400, "the form holds no file: send the picture as a form file")
