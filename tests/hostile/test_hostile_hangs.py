"""No hangs: dying workers, Ctrl-C with workers, FIFOs and process substitution, and
downloads from a server that misbehaves on 127.0.0.1 (issue 26, points 9, 10 and 12)."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile_helpers import THREE, Run, answered, digitnet

from digitnet.data import download


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def _start(args: list[str]) -> subprocess.Popen:
    """digitnet with pipes for its input and output, its errors to a file (read at the end:
    a full error pipe would hold it up)."""
    import tempfile

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed in _finish)
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitnet", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
    )
    proc.errors = errors
    return proc


def _finish(proc: subprocess.Popen, more: bytes, timeout: float = 60) -> tuple[bytes, bytes]:
    """Send the rest of the input, then everything it writes until it ends."""
    proc.stdin.write(more)
    proc.stdin.close()
    timer = threading.Timer(timeout, proc.kill)  # a hang fails the test, not the suite
    timer.start()
    out = proc.stdout.read()
    proc.wait()
    timer.cancel()
    proc.errors.seek(0)
    err = proc.errors.read()
    proc.errors.close()
    return out, err


@pytest.fixture
def many(tmp_path) -> list[str]:
    """1,280 pictures of a 3 (hard links to one file)."""
    os.link(THREE, tmp_path / "src.png")
    names = []
    for i in range(1280):
        name = tmp_path / f"{i:05d}.png"
        os.link(tmp_path / "src.png", name)
        names.append(str(name))
    return names


@pytest.mark.slow  # six runs of 100 pictures in worker processes
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGSEGV])
@pytest.mark.parametrize("command", ["predict", "read"])
def test_a_killed_worker_costs_its_pictures_and_the_rest_are_answered(many, sig, command):
    """Names come on a pipe; once answers flow, one worker is killed. Every name still gets
    an answer or an error, in order, and the command ends with status 1 within seconds."""
    proc = _start([command, "-j", "2", "-T", "-", "-H"])
    half = len(many) // 2 if command == "predict" else 40
    proc.stdin.write("".join(f"{n}\n" for n in many[:half]).encode())
    proc.stdin.flush()
    first = proc.stdout.readline()  # answers flow: the workers are up
    assert first.endswith(b"\t3\n"), first
    workers = _children(proc.pid)
    assert len(workers) == 2
    os.kill(workers[0], sig)
    rest = many[half:] if command == "predict" else many[half : 2 * half]
    out, err = _finish(proc, "".join(f"{n}\n" for n in rest).encode())
    out = first + out
    assert proc.returncode == 1
    run = Run(subprocess.CompletedProcess([], 1, out, err))
    assert "Traceback" not in run.err
    answers = [line.split("\t")[0] for line in run.out.splitlines()]
    lost = [line.split(": ")[1] for line in run.err_lines]
    assert all(
        line.endswith("a worker process died (killed, or out of memory) while reading it")
        for line in run.err_lines
    ), run.err
    names = many[:half] + rest
    assert sorted(answers + lost) == sorted(names)  # every name once: answered or lost
    assert 0 < len(lost) < len(names) // 2
    assert answers[-1] == names[-1]  # a new worker went on to the end


def test_ctrl_c_with_workers_prints_one_line_and_no_traceback(many):
    proc = _start(["predict", "-j", "2", "-T", "-"])
    proc.stdin.write("".join(f"{n}\n" for n in many[:600]).encode())
    proc.stdin.flush()
    assert proc.stdout.readline().endswith(b"\t3\n")
    for pid in [*_children(proc.pid), proc.pid]:  # what a terminal's Ctrl-C does
        os.kill(pid, signal.SIGINT)
        time.sleep(0.2)  # the workers have had it before the parent stops them
    _, err = _finish(proc, b"", timeout=30)
    assert proc.returncode == 130
    assert err.decode().strip() == "digitnet: interrupted"


def test_jobs_has_an_upper_bound(tmp_path):
    run = digitnet("predict", "-j", 300, THREE)
    assert run.status == 2
    run.one_error("--jobs", "300")


def pid_of(task) -> int:
    return os.getpid()


@pytest.mark.parametrize("tasks, jobs, most", [(2, 8, 2), (1, 64, 1), (30, 3, 3)])
def test_no_more_workers_than_there_is_work_for(tasks, jobs, most):
    """--jobs 300 once forked 300 processes for two files."""
    from digitnet import batch

    pids = list(batch.ordered(pid_of, range(tasks), jobs, lambda t, why: None, count=tasks))
    assert len(pids) == tasks and None not in pids
    assert 1 <= len(set(pids)) <= most and os.getpid() not in pids


def test_predict_jobs_with_two_files_starts_one_worker(tmp_path, monkeypatch):
    """Two files are one chunk: a pool of one, whatever --jobs says."""
    from digitnet import batch
    from digitnet.predicting import classify as predict
    from digitnet.saved import shipped

    sizes = []
    real = batch.Workers.__init__

    def spy(self, count, *args):
        sizes.append(count)
        real(self, count, *args)

    monkeypatch.setattr(batch.Workers, "__init__", spy)
    got = list(predict.answers(shipped.load(), [str(THREE)] * 2, 10**6, jobs=8))
    assert [a.digit for a in got] == [3, 3] and sizes == [1]


def test_a_fifo_among_files_is_read_once(tmp_path, good):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(THREE.read_bytes())

    threading.Thread(target=feed, daemon=True).start()
    run = digitnet("predict", good[0], fifo, good[1], timeout=20)
    assert run.status == 0, run.err
    answered(run, [good[0], fifo, good[1]])


def test_process_substitution_is_read_as_a_stream(tmp_path):
    cmd = f'"{sys.executable}" -m digitnet predict <(cat "{THREE}")'
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"3\n"


# ---- downloads from a server on 127.0.0.1 that misbehaves ------------------------------


class Misbehaving(http.server.BaseHTTPRequestHandler):
    """/slow: a byte every 0.5 s; /huge: claims 5 GB; /bomb: a gzip bomb; else 404."""

    bomb = b""

    def log_message(self, *args):
        pass

    def do_GET(self):
        kind = self.path.strip("/").split("/")[0]
        if kind == "slow":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):  # bounded: at most 100 s, ended by the client sooner
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif kind == "huge":
            self.send_response(200)
            self.send_header("Content-Length", str(5 << 30))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(bytes(1 << 20))
        elif kind == "bomb":
            self.send_response(200)
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
        else:
            self.send_error(404)


@pytest.fixture(scope="module")
def server():
    Misbehaving.bomb = gzip.compress(bytes(300_000_000), compresslevel=9)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


NAME = "t10k-labels-idx1-ubyte.gz"  # known: 10,008 bytes of content, 4,542 gzipped


def test_a_trickling_server_is_given_up_on_at_its_deadline(server, tmp_path, monkeypatch):
    monkeypatch.setattr(download, "DEADLINE_BASE", 2.0)
    monkeypatch.setattr(download, "MIN_RATE", 10**7)
    seconds = download._caps(NAME)[2]
    started = time.monotonic()
    with pytest.raises(download.DataError, match="too slow"):
        download.download(tmp_path / "d", [f"{server}/slow/"], {NAME: "0" * 32})
    assert seconds - 0.5 < time.monotonic() - started < seconds + 3
    assert not (tmp_path / "d").exists()  # the folder it made is gone, with no .part


def test_a_huge_content_length_is_refused_before_anything_is_written(server, tmp_path):
    run = digitnet(
        "data", "download", "--dir", tmp_path / "d", "--mirror", f"{server}/huge/", "-q", timeout=30
    )
    assert run.status == 1
    assert "offers 5,368,709,120 bytes" in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "d").exists()


def test_a_gzip_bomb_is_refused_without_inflating_it(server, tmp_path):
    """Every file served as a 300 MB gzip bomb: each refused one chunk past its known size."""
    target = tmp_path / "d"
    target.mkdir()
    (target / "mine.txt").write_text("kept")
    started = time.monotonic()
    run = digitnet("data", "download", "--dir", target, "--mirror", f"{server}/bomb/", "-q")
    assert time.monotonic() - started < 20
    assert run.status == 1 and "Traceback" not in run.err
    failures = [line for line in run.err_lines if "no mirror gave a valid copy" in line]
    assert len(failures) == 4
    for name, (size, _) in download.SIZES.items():
        assert any(name in f and f"decompresses to over {size:,} bytes" in f for f in failures)
    assert sorted(p.name for p in target.iterdir()) == ["mine.txt"]  # no file, no .part
    assert (target / "mine.txt").read_text() == "kept"


def test_a_killed_download_leaves_no_part_file_for_long(tmp_path, server):
    """SIGTERM cleans up at once; a SIGKILL's .part is removed by the next download."""
    target = tmp_path / "d"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "digitnet",
                "data",
                "download",
                "--dir",
                str(target),
                "--mirror",
                f"{server}/slow/",
                "-q",
            ],
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not list(target.glob(".*.part")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(target.glob(".*.part"))
        proc.send_signal(sig)
        proc.wait(timeout=10)
        if sig == signal.SIGTERM:
            assert proc.returncode == 143
            assert not target.exists()  # the .part and the folder it made are gone
    assert list(target.glob(".*.part"))  # a kill runs no cleanup ...
    download.remove_leftovers(target, "train-images-idx3-ubyte.gz")
    assert not list(target.glob(".*.part"))  # ... the next download's does
