"""`digitnet draw` in a pseudo-terminal: its reaction time, and a picture of a session.

    python benchmarks/draw_session.py [--events 60] [--size 100x34] [--picture FILE.png]

Starts `digitnet draw` in a pseudo-terminal (--size, 24-bit colour; 80x24 gets the compact
layout), draws a 7 with mouse
reports (SGR, as xterm, tmux, iTerm2 and kitty send them) and measures, for every drag
event, the time from writing the report to the end of the redrawn screen (each frame ends
with drawing.FRAME_END). Target: at most 30 ms. With --picture, the last screen is
rendered to PNG by a small interpreter of the escape sequences digitnet draw writes.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from digitnet.show.drawing import FRAME_END as END

FRAME_END = END.encode()

COLS, ROWS = 100, 34
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SEVEN = [(6, 6), (22, 6), (19, 11), (16, 16), (14, 20), (12, 24)]  # grid cells, a 7


def spawn(
    args: list[str], env: dict[str, str], cols: int = COLS, rows: int = ROWS
) -> tuple[subprocess.Popen, int]:
    """A process on a new pseudo-terminal of cols x rows; returns it and the master side."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    process = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    return process, master


def read_until(master: int, marker: bytes, timeout: float = 5.0) -> bytes:
    out, end = b"", time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.01)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if out.endswith(marker):
                return out
    return out


def mouse(button: int, x: float, y: float, press: bool = True, layout: str = "wide") -> bytes:
    """An SGR mouse report at grid cell (x, y): the canvas starts after its border; in the
    compact layout a cell is one column and half a row."""
    col, row = (int(2 + x), int(2 + y / 2)) if layout == "compact" else (int(2 + x * 2), int(2 + y))
    return f"\x1b[<{button};{col};{row}{'M' if press else 'm'}".encode()


def stroke_events(points: list[tuple[float, float]], steps: int, layout: str) -> list[bytes]:
    """A press, ``steps`` drags along the polyline, a release."""
    out = [mouse(0, *points[0], layout=layout)]
    seg = len(points) - 1
    for k in range(1, steps + 1):
        t = k / steps * seg
        i = min(int(t), seg - 1)
        f = t - i
        (x0, y0), (x1, y1) = points[i], points[i + 1]
        out.append(mouse(32, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, layout=layout))
    out.append(mouse(0, *points[-1], press=False, layout=layout))
    return out


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def render(screen: bytes, cols: int = COLS, rows: int = ROWS, size: int = 16) -> Image.Image:
    """The last frame of ``screen`` as a picture: the escape sequences digitnet draw writes
    (home, clear, erase to end of line, SGR colours 16/256/24-bit, reverse) interpreted."""
    font = ImageFont.truetype(FONT, size)
    cw, ch = int(font.getlength("M")), size + 3
    text = screen.decode("utf-8", "replace")
    start = text.rfind("\x1b[H")
    text = text[start + 3 :]
    cells = [[(" ", (0, 0, 0), (220, 220, 220))] * cols for _ in range(rows)]
    r = c = 0
    fg, bg, reverse = (220, 220, 220), (0, 0, 0), False
    i = 0
    while i < len(text) and r < rows:
        if text.startswith("\x1b[", i):
            m = SGR.match(text, i)
            if m:
                fg, bg, reverse = _sgr(m[1], fg, bg, reverse)
                i = m.end()
                continue
            j = i + 2
            while j < len(text) and not text[j].isalpha():
                j += 1
            i = j + 1
            continue
        ch_ = text[i]
        i += 1
        if ch_ == "\r":
            c = 0
        elif ch_ == "\n":
            r += 1
        elif c < cols:
            pair = (bg, fg) if reverse else (fg, bg)
            cells[r][c] = (ch_, pair[1], pair[0])
            c += 1
    img = Image.new("RGB", (cols * cw, rows * ch), (0, 0, 0))
    d = ImageDraw.Draw(img)
    for y, row in enumerate(cells):
        for x, (char, back, fore) in enumerate(row):
            box = [x * cw, y * ch, (x + 1) * cw - 1, (y + 1) * ch - 1]
            if char == "\u2580":  # upper half block: the top half in the foreground colour
                d.rectangle(box, fill=back)
                d.rectangle([box[0], box[1], box[2], box[1] + ch // 2 - 1], fill=fore)
                continue
            d.rectangle(box, fill=back)
            if char == "\u2588":
                d.rectangle(box, fill=fore)
            elif char != " ":
                d.text((x * cw, y * ch), char, font=font, fill=fore)
    return img


BASIC = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200),
         (188, 63, 188), (17, 168, 205), (229, 229, 229)]  # fmt: skip


def _basic(n: int, bright: bool) -> tuple[int, int, int]:
    return tuple(min(255, v + 40) for v in BASIC[n]) if bright else BASIC[n]


def _sgr(params: str, fg, bg, reverse):
    codes = [int(p) for p in params.split(";") if p] or [0]
    k = 0
    while k < len(codes):
        code = codes[k]
        if code == 0:
            fg, bg, reverse = (220, 220, 220), (0, 0, 0), False
        elif code == 7:
            reverse = True
        elif code in (38, 48) and codes[k + 1] == 2:
            rgb = tuple(codes[k + 2 : k + 5])
            fg, bg = (rgb, bg) if code == 38 else (fg, rgb)
            k += 4
        elif code in (38, 48) and codes[k + 1] == 5:
            n = codes[k + 2]
            rgb = (n - 232) * 10 + 8 if n >= 232 else None
            color = (rgb, rgb, rgb) if rgb is not None else BASIC[n % 8]
            fg, bg = (color, bg) if code == 38 else (fg, color)
            k += 2
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = (
                BASIC[code % 10] if code < 90 else tuple(min(255, v + 40) for v in BASIC[code % 10])
            )
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = (
                BASIC[code % 10]
                if code < 100
                else tuple(min(255, v + 40) for v in BASIC[code % 10])
            )
        k += 1
    return fg, bg, reverse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60, help="drag events in the stroke")
    parser.add_argument("--picture", type=Path, help="render the last screen to this PNG")
    parser.add_argument("--size", default=f"{COLS}x{ROWS}", help="the terminal, COLSxROWS")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    from digitnet.show.drawing import layout_for

    layout = layout_for(cols, rows) or sys.exit(f"{args.size}: too small for digitnet draw")
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    env.pop("NO_COLOR", None)
    started = time.monotonic()
    process, master = spawn([sys.executable, "-m", "digitnet", "draw"], env, cols, rows)
    screen = read_until(master, FRAME_END)
    print(f"first screen after {(time.monotonic() - started) * 1000:.0f} ms")
    times = []
    print(f"terminal {cols}x{rows}, {layout} layout")
    for event in stroke_events(SEVEN, args.events, layout):
        sent = time.monotonic()
        os.write(master, event)
        screen += read_until(master, FRAME_END, 2.0)
        times.append(time.monotonic() - sent)
    drags = sorted(times[1:-1])
    print(
        f"{len(drags)} drag events: median {statistics.median(drags) * 1000:.1f} ms, "
        f"90th percentile {drags[int(0.9 * len(drags))] * 1000:.1f} ms, "
        f"slowest {drags[-1] * 1000:.1f} ms   target: at most 30 ms"
    )
    answer = re.findall(rb"answer: \d \(\d\.\d\d\)", screen)
    print("the screen says", answer[-1].decode() if answer else "no answer")
    if args.picture:
        render(screen, cols, rows).save(args.picture)
        print(f"wrote {args.picture}")
    os.write(master, b"q")
    read_until(master, b"\x1b[?1049l", 2.0)
    process.wait(timeout=5)


if __name__ == "__main__":
    main()
