"""digitnet draw: run in a pseudo-terminal, driven by the mouse reports and keys a terminal
sends, and checked by what it shows, what it saves and the terminal it leaves behind."""

from __future__ import annotations

import os
import re
import select
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest

# pseudo-terminals: POSIX only (digitnet draw says so elsewhere)
termios = pytest.importorskip("termios", reason="needs a POSIX terminal")
import fcntl
import pty

from click.testing import CliRunner
from PIL import Image

from digitnet.cli import cli
from digitnet.cli.draw_cmd import RESTORE
from digitnet.saved import shipped
from digitnet.show import drawing

END = drawing.FRAME_END.encode()


class Terminal:
    """``digitnet draw`` on a pseudo-terminal of the given size; the test is the terminal."""

    def __init__(self, cwd, cols: int = 100, rows: int = 34, **env: str) -> None:
        self.master, self.slave = pty.openpty()
        self.resize(cols, rows)
        self.modes = termios.tcgetattr(self.slave)
        environ = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **env}
        environ.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "digitnet", "draw"],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            cwd=cwd,
            env=environ,
            start_new_session=True,
        )
        self.screen = b""

    def resize(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read(self, until: bytes = END, timeout: float = 10.0) -> bytes:
        """Output up to and including ``until`` (or all there is, at the end)."""
        end = time.monotonic() + timeout
        start = len(self.screen)
        while time.monotonic() < end:
            if until in self.screen[start:]:
                break
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                if self.process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.screen += chunk
        return self.screen[start:]

    def send(self, data: bytes, wait: bool = True) -> bytes:
        os.write(self.master, data)
        return self.read() if wait else b""

    def sync(self) -> bytes:
        """Everything drawn so far, read to the end: '?' redraws with the key help, so the
        frame that shows it is the last one (frames can lag behind events on a busy box)."""
        os.write(self.master, b"?")
        return self.read(until=drawing.HELP[:20].encode())  # the line may be cut

    def finish(self, key: bytes = b"q") -> int:
        """Send a key that ends the session; read everything until the process is gone (a
        frame fills the terminal's buffer: unread, it would hold the program up)."""
        os.write(self.master, key)
        return self.drain()

    def drain(self) -> int:
        end = time.monotonic() + 10
        while self.process.poll() is None and time.monotonic() < end:
            self.read(until=b"\x00", timeout=0.1)
        self.read(until=b"\x00", timeout=0.3)  # whatever it printed last
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


def mouse(button: int, x: float, y: float, press: bool = True) -> bytes:
    """A mouse report at grid cell (x, y), as xterm's SGR mode sends it (1-based column and
    row; the canvas starts after its border, each cell two columns wide)."""
    return f"\x1b[<{button};{int(2 + x * 2)};{int(2 + y)}{'M' if press else 'm'}".encode()


def stroke(term: Terminal, points: list[tuple[float, float]], button: int = 0) -> None:
    """Press, drag through the points one report at a time (each redraws), release."""
    term.send(mouse(button, *points[0]))
    for x, y in points[1:]:
        term.send(mouse(button + 32, x, y))
    term.send(mouse(button, *points[-1], press=False), wait=False)
    term.sync()


def answers(screen: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"answer: (\d) \(\d\.\d\d\)", screen)]


ONE = [(14.0, 5.0 + k) for k in range(0, 19)]  # a vertical stroke, top to bottom


@pytest.fixture
def term(tmp_path):
    t = Terminal(tmp_path)
    assert b"draw a digit" in t.read()
    yield t
    t.close()


def test_a_stroke_drawn_with_the_mouse_is_read_and_saved(term, tmp_path):
    stroke(term, ONE)
    assert answers(term.screen)[-1] == "1"
    term.send(b"s")
    assert term.finish() == 0
    saved = tmp_path / "digitnet-drawing-1.png"
    assert f"saved ./{saved.name}".encode() in term.screen.split(RESTORE.encode())[-1]
    ink = 1 - np.asarray(Image.open(saved), dtype=float) / 255  # black ink on white
    assert ink.shape == (280, 280)
    assert ink[60:230, 135:145].mean() > 0.9  # along the stroke: x 14, y 5 to 23 cells
    assert ink[:, :100].max() == 0 and ink[:, 190:].max() == 0  # nowhere else
    assert shipped.load().forward(_inputs(saved)[None]).argmax() == 1


def _inputs(path):
    from digitnet.predicting import one_digit

    return one_digit.inputs(str(path)).astype(np.float64)


def test_the_screen_shows_what_the_network_sees_and_its_layers(term):
    stroke(term, [(6, 6), (22, 6), (19, 11), (16, 16), (14, 20), (12, 24)])  # a 7
    last = term.screen.split(b"\x1b[H")[-1].decode()
    assert "what the network sees (28x28):" in last
    assert "hidden layer 1:" in last and "hidden layer 2:" in last
    bars = re.findall(r"^.*? (\d) [\u2588\u2589-\u258f ]{20} (\d\.\d\d)( <)?", last, re.M)
    assert len(bars) == 10
    best = max(bars, key=lambda b: float(b[1]))
    assert best[2] == " <" and f"answer: {best[0]}" in last


def test_erase_undo_and_clear(term, tmp_path):
    stroke(term, ONE)
    stroke(term, ONE, button=2)  # the right button erases
    term.send(b"s")
    stroke(term, ONE)
    term.send(b"u")  # undo the second stroke: still erased
    term.send(b"s")
    stroke(term, ONE)
    screen = term.send(b"c")
    assert b"draw a digit" in screen and b"cleared" in screen
    assert term.finish() == 0
    for k in (1, 2):
        ink = 1 - np.asarray(Image.open(tmp_path / f"digitnet-drawing-{k}.png"), float) / 255
        assert ink.max() < 0.05  # drawn, then erased by a stroke as wide


def test_keyboard_only(term, tmp_path):
    term.send(b"\x1b[A" * 9)  # from the middle (14, 14) up to (14, 5)
    assert b"pen down" in term.send(b" ")
    for _ in range(18):
        term.send(b"\x1b[B")
    term.send(b" ")
    term.sync()
    assert answers(term.screen)[-1] == "1"
    term.send(b"s")
    assert term.finish() == 0
    ink = 1 - np.asarray(Image.open(tmp_path / "digitnet-drawing-1.png"), float) / 255
    assert ink[60:230, 138:143].mean() > 0.9


def test_switching_models(term):
    stroke(term, ONE)
    screen = term.send(b"m")
    assert b"model lesson" in screen
    large = term.send(b"m")
    assert b"model large" in large
    assert b"hidden layer 1 (20 of 600):" in large  # a wide layer: its most active neurons
    assert b"model default" in term.send(b"m")


def test_esc_quits(term):
    assert term.finish(b"\x1b") == 0
    assert term.screen.split(END)[-1].startswith(RESTORE.encode())


def test_help_and_resize(term):
    assert drawing.HELP.encode() in term.send(b"?")
    term.resize(120, 40)
    term.process.send_signal(signal.SIGWINCH)
    assert b"\x1b[2J" in term.read()  # cleared and drawn again at the new size


def test_ctrl_c_restores_the_terminal(term):
    stroke(term, ONE)
    assert term.finish(b"\x03") == 130
    assert term.screen.split(END)[-1].startswith(RESTORE.encode())
    assert termios.tcgetattr(term.slave) == term.modes  # raw mode undone


def test_a_killed_session_restores_the_terminal(term):
    term.process.send_signal(signal.SIGTERM)
    term.drain()
    assert RESTORE.encode() in term.screen
    assert termios.tcgetattr(term.slave) == term.modes


def compact_mouse(button: int, x: float, y: float, press: bool = True) -> bytes:
    """A mouse report on the 80x24 layout's canvas: a column a cell, a row two cells."""
    return f"\x1b[<{button};{int(2 + x)};{int(2 + y / 2)}{'M' if press else 'm'}".encode()


def test_an_80x24_terminal_draws_a_7_and_survives_a_resize(tmp_path):
    t = Terminal(tmp_path, cols=80, rows=24)
    try:
        t.read()
        seven = [(7, 5), (21, 5), (18, 10), (15, 16), (13, 21), (12, 24)]
        t.send(compact_mouse(0, *seven[0]))
        for a, b in zip(seven, seven[1:], strict=False):
            for k in range(1, 4):
                x, y = a[0] + (b[0] - a[0]) * k / 3, a[1] + (b[1] - a[1]) * k / 3
                t.send(compact_mouse(32, x, y))
        t.send(compact_mouse(0, *seven[-1], press=False), wait=False)
        screen = t.sync()
        assert answers(t.screen)[-1] == "7"
        last = screen.split(b"\x1b[H")[-1].decode()
        visible = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line) for line in last.split("\r\n")]
        assert len(visible) <= 24 and max(len(line) for line in visible) <= 80
        assert visible[0].startswith("\u250c") and "the network sees:" in visible[0]
        # smaller than 80x24: said in place; grown back: the drawing is all there again
        t.resize(60, 20)
        os.kill(t.process.pid, signal.SIGWINCH)
        small = t.read(until=b"draw needs 80x24")
        assert b"the terminal is 60x20; draw needs 80x24" in small
        t.resize(80, 24)
        os.kill(t.process.pid, signal.SIGWINCH)
        t.read()
        assert answers(t.sync())[-1] == "7"
        assert t.finish() == 0
    finally:
        t.close()


def test_the_80x24_layout_fits_for_every_model_and_depth():
    d = drawing.Drawing()
    d.begin(drawing.Point(14, 4))
    d.extend(drawing.Point(14, 24))
    for model in ("default", "lesson", "large"):
        reading = d.seen_by(shipped.load(model))
        for depth in ("24bit", "256", "16", "none"):
            for cursor in (None, drawing.Point(0.5, 27.5), drawing.Point(27.5, 0.5)):
                lines = drawing.frame(d, reading, model, depth, cursor, "pen down", "compact")
                visible = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
                assert len(lines) == drawing.COMPACT_ROWS
                assert max(len(line) for line in visible) < drawing.COMPACT_COLS
                assert visible[-2].startswith("answer: 1")
                assert (depth == "none") == ("\x1b" not in "".join(lines))


def test_too_small_a_terminal_is_refused(tmp_path):
    t = Terminal(tmp_path, cols=79, rows=24)
    try:
        assert t.drain() == 1
        out = t.screen
        need = f"{drawing.COMPACT_COLS}x{drawing.COMPACT_ROWS}"
        assert f"digitnet: the terminal is 79x24; draw needs at least {need}".encode() in out
        assert b"\x1b[?1049h" not in out  # it never took the screen
    finally:
        t.close()


def test_a_dumb_terminal_is_refused(tmp_path):
    t = Terminal(tmp_path, TERM="dumb")
    try:
        assert t.drain() == 1
        assert b"TERM=dumb" in t.screen
    finally:
        t.close()


def test_not_a_terminal_is_refused():
    result = CliRunner().invoke(cli, ["draw"])
    assert result.exit_code == 1
    assert result.stderr == "digitnet: draw needs a terminal (standard input and output)\n"


@pytest.mark.parametrize(
    "env, depth",
    [
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "24bit"),
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "xterm"}, "16"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "none"),
        ({"TERM": "dumb"}, "none"),
    ],
)
def test_colours_follow_the_terminal(env, depth):
    from digitnet.show.terminal import color_depth

    assert color_depth(env) == depth
    d = drawing.Drawing()
    d.begin(drawing.Point(14, 5))
    d.extend(drawing.Point(14, 23))
    lines = drawing.frame(d, d.seen_by(shipped.load()), "default", depth)
    text = "\n".join(lines)
    codes = {"24bit": "\x1b[48;2;", "256": "\x1b[48;5;", "16": "\x1b[10"}
    if depth == "none":
        assert "\x1b" not in text and "@" in text
    else:
        assert codes[depth] in text
    assert all(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) <= drawing.MIN_COLS for line in lines)


def test_while_the_pen_moves_the_several_digit_checks_wait_for_it_to_lift():
    """Those checks run the number reader (up to 0.1 s a frame): made when the pen lifts."""
    import math

    net = shipped.load()
    d = drawing.Drawing()
    for cx in (8.5, 19.5):  # two touching zeros
        ring = [
            drawing.Point(
                cx + 4.5 * math.sin(t / 10 * math.pi), 14 - 6 * math.cos(t / 10 * math.pi)
            )
            for t in range(21)
        ]
        d.begin(ring[0])
        for p in ring[1:]:
            d.extend(p)
    moving, lifted = d.seen_by(net, moving=True), d.seen_by(net)
    assert moving.refusal is None and int(moving.layers[-1].argmax()) in range(10)
    assert lifted.refusal == "several digits touching (2): use 'digitnet read' for numbers"
