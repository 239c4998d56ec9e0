"""``digitnet draw``: draw a digit with the mouse in the terminal and watch the network read it.

Plain escape sequences, no curses: the alternate screen, xterm's SGR mouse reports (button
presses, drags and releases, which tmux, iTerm2, GNOME Terminal, Windows Terminal and kitty
send) and raw keys. The terminal is put back as it was however the program ends.
"""

from __future__ import annotations

import os
import re
import signal
import sys

import click

from digitnet.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Command,
    exit_statuses,
    model_option,
)
from digitnet.errors import DigitnetError

SETUP = "\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1002h\x1b[?1006h"  # alternate screen, no
# cursor, mouse presses and drags, reported as SGR (any column, not just the first 223)
RESTORE = "\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[?25h\x1b[?1049l"
MOUSE = re.compile(rb"\x1b\[<(\d+);(\d+);(\d+)([Mm])")
ARROWS = {b"\x1b[A": (0, -1), b"\x1b[B": (0, 1), b"\x1b[C": (1, 0), b"\x1b[D": (-1, 0)}
ESC_WAIT = 0.05  # an Esc not followed by more bytes this soon is the Esc key, not a sequence
# A control sequence (ECMA-48 CSI): parameter bytes, intermediate bytes, one final byte.
# One that ends but is not a mouse report or an arrow is dropped, as terminals drop it.
CSI = re.compile(rb"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]")
CSI_SO_FAR = re.compile(rb"\x1b\[[\x30-\x3f]*[\x20-\x2f]*")  # a sequence still arriving
# A sequence left unfinished this long is dropped, so the keys after it work again; a
# report split over two reads completes far sooner (docs/decisions.md, "draw").
SEQUENCE_WAIT = 0.1


@click.command(
    cls=Command,
    epilog=exit_statuses(
        "quit with q or Esc",
        "not a terminal, or one too small, or the model could not be loaded",
    ),
)
@model_option
def draw(model) -> None:
    """Draw a digit with the mouse and watch the network light up, as in the lesson.

    The canvas is the lesson's 28x28 grid: draw with the left mouse button, erase with
    the right. Beside it, at every stroke: the 28x28 input the network sees (framed as
    'digitnet predict' frames a picture), each hidden layer's neurons lit by their
    activation, and the 10 output neurons as bars, the brightest marked.

    \b
    Keys:
      arrows   move the cursor (for terminals without a mouse)
      space    pen down / pen up at the cursor (moving with the pen down draws)
      c        clear            u  undo the last stroke
      s        save the drawing as digitnet-drawing-N.png (names printed on exit)
      m        switch model (default, lesson, large)
      ?        help             q or Esc  quit

    It needs a terminal of at least 80x24 characters (from 95x32 the canvas is drawn
    larger); a window made smaller says so in place until it grows. Colours follow what
    the terminal shows (24-bit with $COLORTERM, 256, 16, none with NO_COLOR).
    """
    from digitnet.saved import shipped
    from digitnet.show import drawing

    name = model or os.environ.get(shipped.MODEL_ENV) or shipped.DEFAULT
    net = shipped.load(name)  # a bad --model is reported first, terminal or not
    try:
        import termios  # noqa: F401  (raw keys and mouse reports: POSIX terminals only)
    except ImportError:
        raise DigitnetError(
            "digitnet draw needs a POSIX terminal (Linux, macOS, WSL); "
            "'digitnet serve' draws in a web page anywhere"
        ) from None
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise DigitnetError("draw needs a terminal (standard input and output)")
    if os.environ.get("TERM", "dumb") == "dumb":
        raise DigitnetError("draw needs a terminal that understands escape sequences (TERM=dumb)")
    size = os.get_terminal_size(sys.stdout.fileno())
    if drawing.layout_for(size.columns, size.lines) is None:
        raise DigitnetError(
            f"the terminal is {size.columns}x{size.lines}; draw needs at least "
            f"{drawing.COMPACT_COLS}x{drawing.COMPACT_ROWS}"
        )
    from digitnet.show.terminal import color_depth

    session = Session(net, name, color_depth())
    saved = session.run()
    for path in saved:
        click.echo(f"saved {path}")
    if session.interrupted:
        sys.exit(EXIT_INTERRUPTED)


class Session:
    """One drawing session: the terminal's state, the drawing, and the loop."""

    def __init__(self, net, name: str, depth: str) -> None:
        from digitnet.show import drawing

        self.net, self.name, self.depth = net, name, depth
        self.drawing = drawing.Drawing()
        self.cursor = drawing.Point(14.0, 14.0)
        self.pen_down = False
        self.status = ""
        self.saved: list[str] = []
        self.interrupted = False
        self.resized = True
        self.layout: str | None = "wide"
        self.moving = False  # the mouse is dragging the pen

    def run(self) -> list[str]:
        import termios
        import tty

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
        old_winch = signal.signal(signal.SIGWINCH, lambda *_: setattr(self, "resized", True))
        old_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_TERMINATED))
        try:
            tty.setraw(fd)
            self._write(SETUP)
            self._loop(fd)
        finally:  # whatever happened: the terminal as it was
            self._write(RESTORE)
            termios.tcsetattr(fd, termios.TCSADRAIN, before)
            signal.signal(signal.SIGWINCH, old_winch)
            signal.signal(signal.SIGTERM, old_term)
        return self.saved

    def _write(self, text: str) -> None:
        os.write(sys.stdout.fileno(), text.encode())

    def _loop(self, fd: int) -> None:
        import select

        self._redraw()
        pending = b""
        while True:
            if self.resized:
                self._redraw(clear=True)
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            pending += os.read(fd, 4096)
            if pending == b"\x1b":  # Esc, or the start of a sequence still on its way
                more, _, _ = select.select([fd], [], [], ESC_WAIT)
                if not more:
                    return
                pending += os.read(fd, 4096)
            pending, quit_now = self._handle(pending)
            while pending and not quit_now:  # an unfinished sequence: its rest, or a timeout
                more, _, _ = select.select([fd], [], [], SEQUENCE_WAIT)
                if not more:  # a lone Esc is the Esc key; anything else is dropped
                    quit_now, pending = pending == b"\x1b", b""
                    break
                pending, quit_now = self._handle(pending + os.read(fd, 4096))
            if quit_now:
                return
            self._redraw()

    def _handle(self, data: bytes) -> tuple[bytes, bool]:
        """Act on every complete key and mouse report in ``data``; return what is left
        (an incomplete sequence) and whether to quit."""
        from digitnet.show import drawing

        while data:
            if data.startswith(b"\x1b["):
                sequence = CSI.match(data)
                if sequence is None:
                    so_far = CSI_SO_FAR.match(data).end()
                    if so_far == len(data):
                        return data, False  # the rest of this sequence comes with the next read
                    data = data[so_far:]  # broken off by another byte: dropped, as terminals do
                    continue
                m = MOUSE.fullmatch(sequence[0])
                if m:
                    self._mouse(int(m[1]), int(m[2]), int(m[3]), m[4] == b"M")
                    data = data[m.end() :]
                    continue
                if sequence[0] not in ARROWS:  # not one of ours: dropped
                    data = data[sequence.end() :]
                    continue
            if data == b"\x1b":
                return data, False
            arrow = next((k for k in ARROWS if data.startswith(k)), None)
            if arrow:
                dx, dy = ARROWS[arrow]
                x = min(max(self.cursor.x + dx, 0.5), drawing.SIDE - 0.5)
                y = min(max(self.cursor.y + dy, 0.5), drawing.SIDE - 0.5)
                self.cursor = drawing.Point(x, y)
                if self.pen_down:
                    self.drawing.extend(self.cursor)
                data = data[len(arrow) :]
                continue
            key, data = data[:1], data[1:]
            if key in (b"q", b"\x1b"):
                return b"", True
            if key == b"\x03":  # Ctrl-C: the terminal is raw, so it comes as a key
                self.interrupted = True
                return b"", True
            self._key(key)
        return b"", False

    def _key(self, key: bytes) -> None:
        """A key that does not quit: clear, undo, save, next model, pen, help."""
        from digitnet.saved import shipped
        from digitnet.show import drawing

        if key == b"c":
            self.drawing.clear()
            self.status = "cleared"
        elif key == b"u":
            self.drawing.undo()
            self.status = "undone"
        elif key == b"s":
            try:
                path = self.drawing.save()
            except OSError as e:  # a full disk: say so, and keep the drawing
                self.status = f"not saved: {e.filename}: {e.strerror or e}"
            else:
                self.saved.append(path)
                self.status = f"saved {path}"
        elif key == b"m":
            names = shipped.names()
            self.name = (
                names[(names.index(self.name) + 1) % len(names)] if self.name in names else names[0]
            )
            self.net = shipped.load(self.name)
            self.status = f"model {self.name}"
        elif key == b" ":
            self.pen_down = not self.pen_down
            if self.pen_down:
                self.drawing.begin(self.cursor)
            self.status = "pen down" if self.pen_down else "pen up"
        elif key == b"?":
            self.status = drawing.HELP

    def _mouse(self, button: int, col: int, row: int, pressed: bool) -> None:
        """A mouse report: 1-based column and row; button 0 left, 2 right, +32 a drag."""
        from digitnet.show import drawing

        if self.layout is None or not pressed:
            self.moving = False  # the pen lifted: the next frame makes every check
            return
        at = drawing.grid_point(self.layout, col, row)  # the canvas starts after its border
        self.moving = bool(button & 32) and pressed
        if not (0 <= at.x < drawing.SIDE and 0 <= at.y < drawing.SIDE):
            return
        kind, drag = button & 3, bool(button & 32)
        if kind not in (0, 2):
            return
        if drag and self.drawing.strokes:
            self.drawing.extend(at)
        else:
            self.drawing.begin(at, ink=kind == 0)

    def _redraw(self, clear: bool = False) -> None:
        from digitnet.show import drawing

        if self.resized:
            size = os.get_terminal_size(sys.stdout.fileno())
            self.columns, self.layout = size.columns, drawing.layout_for(size.columns, size.lines)
            if self.layout is None:
                self.too_small = drawing.too_small(size.columns, size.lines)
            clear = True
        self.resized = False
        if self.layout is None:  # said in place until the window grows
            lines = self.too_small
        else:
            seen = self.drawing.seen_by(self.net, moving=self.moving)
            cursor = self.cursor if self.pen_down or self.status.startswith("pen") else None
            lines = drawing.frame(
                self.drawing, seen, self.name, self.depth, cursor, self.status, self.layout
            )
        text = ("\x1b[2J" if clear else "") + "\x1b[H" + "\x1b[K\r\n".join(lines) + "\x1b[K"
        self._write(text + drawing.FRAME_END)
