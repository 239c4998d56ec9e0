"""Talking to a real digitnet server: start one, send it requests, drive a browser on it.

benchmarks/serve_reaction.py drives the browser with these too."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from digitnet.serve import Server


class Response(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def request(server: Server, method: str, path: str, body: bytes | None = None, headers=None):
    """One request on a new connection, as a client would send it."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def multipart(name: str, data: bytes, field: str = "image") -> tuple[bytes, dict[str, str]]:
    """A form with one file, as a browser or ``curl -F`` sends it."""
    boundary = "digitnet-test-boundary-7f3a"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Flags for a headless Chromium on a machine with no internet and no GPU, as root.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(width: int = 1280, height: int = 1200):
    """Debian's Chromium, headless, driven by Selenium through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def stroke(driver, points, kind: str = "mouse") -> None:
    """One stroke through ``points`` (x, y in 0..1 of the pad), with a mouse, a finger or
    a pen: real pointer events, as a person's hand makes them."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    pad = driver.find_element("id", "pad")
    rect = pad.rect
    kinds = {
        "mouse": interaction.POINTER_MOUSE,
        "touch": interaction.POINTER_TOUCH,
        "pen": interaction.POINTER_PEN,
    }
    actions = ActionBuilder(driver, mouse=PointerInput(kinds[kind], kind), duration=10)
    pointer = actions.pointer_action

    def at(p):
        return round(rect["x"] + p[0] * rect["width"]), round(rect["y"] + p[1] * rect["height"])

    pointer.move_to_location(*at(points[0]))
    pointer.pointer_down()
    for a, b in zip(points, points[1:], strict=False):
        for t in range(1, 7):
            pointer.move_to_location(
                *at((a[0] + (b[0] - a[0]) * t / 6, a[1] + (b[1] - a[1]) * t / 6))
            )
    pointer.pointer_up()
    actions.perform()
