"""``digitnet serve`` as a user starts and stops it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitnet.cli import cli
from digitnet.serve.workers import pids

THREE = Path(__file__).resolve().parents[2] / "digitnet" / "samples" / "three.png"


class Started:
    """A ``digitnet serve`` process, and the address it printed."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digitnet", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.url = None
        deadline = (
            time.monotonic() + 60
        )  # a deadline, not a timing: a loaded 2-core machine starts slowly
        while time.monotonic() < deadline and self.url is None:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if m := re.search(r"serving (http://\S+) \(Ctrl-C stops\)", line):
                self.url = m.group(1)

    def stop(self, sig=signal.SIGINT) -> tuple[int, list[str]]:
        self.proc.send_signal(sig)
        _, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, self.lines + err.splitlines()


@pytest.fixture
def started():
    made: list[Started] = []

    def start(*args: str) -> Started:
        made.append(Started(*args))
        return made[-1]

    yield start
    for s in made:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.communicate()


def test_serve_answers_and_ctrl_c_stops_it_cleanly(started):
    s = started()
    assert s.url and s.url.startswith("http://127.0.0.1:")
    page = urllib.request.urlopen(s.url, timeout=10).read()
    assert b"<title>digitnet" in page
    req = urllib.request.Request(s.url + "api/predict", data=THREE.read_bytes(), method="POST")
    assert b'"digit": 3' in urllib.request.urlopen(req, timeout=30).read()
    code, lines = s.stop(signal.SIGINT)
    assert code == 0
    assert lines[-1] == "digitnet: stopped"
    assert not any("Traceback" in line for line in lines)
    assert any('"POST /api/predict HTTP/1.1" 200' in line for line in lines)  # the log


def test_one_process_stops_on_ctrl_c_too(started):
    s = started("--workers", "1", "--quiet")
    assert s.url
    assert pids(s.proc.pid) == []
    assert s.stop(signal.SIGINT)[:1] == (0,)


def test_a_dead_server_process_is_replaced_and_none_outlives_the_first(started):
    s = started("--workers", "3", "--quiet")
    time.sleep(1)
    first = [p for p in pids(s.proc.pid) if b"spawn_main" in _cmdline(p)]
    assert len(first) == 2
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = [p for p in pids(s.proc.pid) if b"spawn_main" in _cmdline(p)]
        if len(now) == 2 and first[0] not in now:
            break
        time.sleep(0.2)
    assert len(now) == 2 and first[0] not in now
    for _ in range(20):  # every process answers: the connections spread over them
        req = urllib.request.Request(s.url + "api/predict", data=THREE.read_bytes())
        assert b'"digit": 3' in urllib.request.urlopen(req, timeout=30).read()
    code, lines = s.stop(signal.SIGINT)
    assert code == 0
    assert "digitnet: a server process stopped (signal 9); starting another" in lines
    time.sleep(0.5)
    assert not any(os.path.exists(f"/proc/{p}") for p in now)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_sigterm_stops_it_with_143(started):
    s = started("--quiet")
    assert s.url
    others = pids(s.proc.pid)
    code, lines = s.stop(signal.SIGTERM)
    assert code == 143
    assert not any("Traceback" in line for line in lines)
    time.sleep(0.5)
    assert not any(os.path.exists(f"/proc/{p}") for p in others)


def test_another_host_prints_a_warning(started):
    s = started("--host", "0.0.0.0", "--quiet")
    assert s.lines[0] == (
        "digitnet: warning: listening on 0.0.0.0: anyone who can reach this machine can use "
        "the server (no password, no TLS)"
    )
    assert s.url.startswith("http://0.0.0.0:")
    assert s.stop()[0] == 0
    quiet = started("--quiet")
    assert not any("warning" in line for line in quiet.lines)
    assert quiet.stop()[0] == 0


def test_open_starts_the_users_browser_on_the_page(tmp_path, monkeypatch):
    seen = tmp_path / "opened"
    monkeypatch.setenv("BROWSER", f"sh -c 'echo %s > {seen}'")
    s = Started("--open", "--quiet", "--workers", "1")
    try:
        deadline = time.monotonic() + 20
        while not seen.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen.read_text().strip() == s.url
    finally:
        s.stop()


def test_a_bad_model_fails_at_start_in_one_line(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    for model, words in [
        (str(bad), "bad.npz: not a valid .npz model file (not a zip archive)"),
        ("nonesuch", "nonesuch: no such model; use one of default, lesson, large"),
    ]:
        r = subprocess.run(
            [sys.executable, "-m", "digitnet", "serve", "--port", "0", "--model", model],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 1
        assert len(r.stderr.splitlines()) == 1
        assert words in r.stderr


def test_a_port_in_use_fails_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"digitnet: cannot listen on 127.0.0.1 port {port}: Address already in use"
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["--port", "70000"], "Invalid value for '--port'"),
        (["--timeout", "0"], "Invalid value for '--timeout'"),
        (["--max-in-flight", "0"], "Invalid value for '--max-in-flight'"),
        (["--max-bytes", "-1"], "Invalid value for '--max-bytes'"),
    ],
)
def test_usage_errors(args, words):
    result = CliRunner().invoke(cli, ["serve", *args])
    assert result.exit_code == 2
    assert words in result.stderr


def test_help_teaches_the_page_the_api_and_the_defaults():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for words in [
        "POST /api/predict",
        "POST /api/read",
        "GET  /api/model",
        "curl --data-binary @three.png http://127.0.0.1:8000/api/predict",
        "It listens on 127.0.0.1, this machine only",
        "Exit status:",
    ]:
        assert words in result.output
    listed = CliRunner().invoke(cli, ["--help"]).output
    assert "serve" in listed
