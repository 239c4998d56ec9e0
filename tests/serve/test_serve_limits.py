"""digitnet serve holds: bounded bodies, work, connections and time."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from serve_helpers import request

from digitnet.serve.api import Api, json_reply

THREE = (Path(__file__).resolve().parents[2] / "digitnet" / "samples" / "three.png").read_bytes()


class HeldApi(Api):
    """The real endpoints, but /api/predict waits until the test lets it go: work that
    takes as long as the test says."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()
        self.started = threading.Semaphore(0)

    def predict(self, picture, query):
        self.started.release()
        self.go.wait(20)
        return json_reply({"held": True})


def raw(server, data: bytes, wait: float = 5.0) -> bytes:
    """Send bytes on a socket and read what comes back until the server closes."""
    with socket.create_connection(server.server_address[:2], timeout=wait) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_a_body_over_the_limit_is_413_before_it_is_read(small_server):
    server = small_server(max_bytes=1000)
    # the headers announce 10 MB; only the headers are sent: the answer comes anyway
    head = b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
    reply = raw(server, head)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b'{"error": "the request is 10,000,000 bytes, over the limit of 1,000"}' in reply
    assert b"Connection: close" in reply
    assert request(server, "POST", "/api/predict", THREE[:1000]).status == 422  # at the limit
    assert request(server, "POST", "/api/predict", THREE[:1001]).status == 413


def test_a_body_without_its_length_is_411(small_server):
    server = small_server()
    chunked = (
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nabcd\r\n0\r\n\r\n"
    )
    reply = raw(server, chunked)
    assert reply.startswith(b"HTTP/1.1 411 ")
    assert b"send the picture with a Content-Length" in reply
    reply = raw(server, b"POST /api/read HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 411 ")


def test_a_client_that_stalls_gets_408_within_the_timeout(small_server):
    server = small_server(timeout=0.5)
    started = time.monotonic()
    head = b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + THREE[:100]
    reply = raw(server, head)
    took = time.monotonic() - started
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert b"the picture did not arrive in time" in reply
    assert 0.4 < took < 3


def test_a_client_that_sends_nothing_is_dropped(small_server):
    server = small_server(timeout=0.3)
    with socket.create_connection(server.server_address[:2], timeout=5) as s:
        started = time.monotonic()
        assert s.recv(100) == b""  # closed by the server, not left hanging
        assert time.monotonic() - started < 3


def test_work_past_the_timeout_is_504(small_server):
    api = HeldApi()
    server = small_server(api=api, timeout=0.3)
    started = time.monotonic()
    r = request(server, "POST", "/api/predict", THREE)
    assert (r.status, r.json()) == (504, {"error": "not answered within 0.3 s"})
    assert time.monotonic() - started < 3
    api.go.set()


def test_overload_is_503_not_a_queue_without_end(small_server):
    api = HeldApi()
    server = small_server(api=api, max_in_flight=2, queue_wait=0.2)
    with ThreadPoolExecutor(6) as pool:
        held = [pool.submit(request, server, "POST", "/api/predict", THREE) for _ in range(2)]
        for _ in range(2):
            assert api.started.acquire(timeout=10)  # both slots are taken
        started = time.monotonic()
        shed = [pool.submit(request, server, "POST", "/api/predict", THREE) for _ in range(4)]
        for f in shed:
            r = f.result()
            assert r.status == 503
            assert r.json()["error"] == "busy: 2 requests in flight; try again"
            assert r.headers["retry-after"] == "1"
        assert time.monotonic() - started < 3
        # pages and the model list need no slot of their own... but /api/model does work:
        assert request(server, "GET", "/").status == 200
        api.go.set()
        assert [f.result().json() for f in held] == [{"held": True}] * 2
    assert request(server, "POST", "/api/read", THREE).status in (200, 422)  # slots came back


def test_connections_over_the_limit_are_503_and_closed(small_server):
    server = small_server(max_connections=2, timeout=5)
    idle = [socket.create_connection(server.server_address[:2]) for _ in range(2)]
    try:
        time.sleep(0.2)
        reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 503 ")
        assert b"too many connections; try again" in reply
    finally:
        for s in idle:
            s.close()
    time.sleep(0.3)
    assert request(server, "GET", "/").status == 200


def test_a_kept_alive_connection_answers_request_after_request(server):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        for _ in range(3):
            conn.request("POST", "/api/predict", body=THREE)
            r = conn.getresponse()
            assert (r.status, r.getheader("Connection")) == (200, None)
            assert b'"digit": 3' in r.read()
        conn.request("GET", "/api/nothing", body=b"12345")  # a body it ignores, read anyway
        r = conn.getresponse()
        assert r.status == 404
        r.read()
        conn.request("GET", "/api/config")
        assert conn.getresponse().status == 200
    finally:
        conn.close()


def test_malformed_requests_get_json_errors(server):
    reply = raw(server, b"NONSENSE\r\n\r\n")
    assert reply.split(b"\r\n")[0].startswith(b"HTTP/1.1 400")
    assert b'{"error": ' in reply
    reply = raw(server, b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 70000 + b"\r\n\r\n")
    assert reply.split(b" ")[1] == b"431"
    bad_form = b"--x\r\nno headers here"
    r = request(
        server,
        "POST",
        "/api/predict",
        bad_form,
        {"Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert r.status == 400 and "form" in r.json()["error"]


def test_a_form_with_a_text_field_before_the_file_uses_the_file(server):
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="3.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + THREE
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    r = request(server, "POST", "/api/predict", body, headers)
    assert r.status == 200
    assert (r.json()["path"], r.json()["digit"]) == ("3.png", 3)


def test_the_pixel_limit_is_the_commands(tmp_path):
    from click.testing import CliRunner
    from serve_helpers import running

    from digitnet.cli import cli
    from digitnet.serve import make_server

    picture = tmp_path / "three.png"
    picture.write_bytes(THREE)
    result = CliRunner().invoke(
        cli, ["predict", str(picture), "--max-pixels", "1000", "--format", "json"]
    )
    expected = result.stdout.strip().replace(str(picture), "-")
    assert "over the limit" in expected or "pixels" in expected
    with running(make_server("127.0.0.1", 0, max_pixels=1000, quiet=True)) as server:
        r = request(server, "POST", "/api/predict", THREE)
        assert r.status == 422
        assert r.body.decode().strip() == expected
        assert request(server, "POST", "/api/network", THREE).status == 422
