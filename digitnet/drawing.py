"""Drawing a digit and watching the network read it (``digitnet draw``), without a terminal.

:class:`Drawing` holds the strokes drawn on the lesson's 28x28 grid, with a soft round brush
like MNIST's pen, and what the network makes of them. :func:`frame` lays out one screen of
it as lines of text with escape sequences for colour: the canvas, the 28x28 input as
``predict`` would make it, each hidden layer's neurons lit by their activation and the
output neurons as bars. The terminal side (raw keys, mouse reports, the alternate screen)
lives in digitnet.cli.draw_cmd.
"""

from __future__ import annotations

import functools
import os
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from digitnet.framing import SIDE
from digitnet.network import Network
from digitnet.summary import shown_neurons
from digitnet.terminal import bar

ZOOM = 10  # the drawing is kept at 280x280: ten pixels a grid cell, for a smooth brush
BRUSH = 2.2  # the pen's width in grid cells: MNIST's strokes are about two pixels wide
CELL_COLS = 2  # a grid cell is two columns wide and one row high: square on most terminals
CANVAS_COLS, CANVAS_ROWS = SIDE * CELL_COLS + 2, SIDE + 2  # with its border
PANEL_COLS = 36  # the network beside the canvas: the 28x28 input in half blocks and the bars
MIN_COLS, MIN_ROWS = CANVAS_COLS + 1 + PANEL_COLS, CANVAS_ROWS + 2  # with the status lines
RESET = "\x1b[0m"
FRAME_END = "\x1b[0m\x1b[?25l"  # every frame ends so (colours reset, no cursor): tests wait for it


class Point(NamedTuple):
    x: float  # grid cells from the left, 0..28
    y: float  # grid cells from the top


class Reading(NamedTuple):
    """What the network made of the drawing: its input and every layer's activations."""

    inputs: np.ndarray  # 784, as predict would make them (zeros when there is no digit)
    layers: list[np.ndarray]  # each layer's activations, the output last
    refusal: str | None  # why there is no digit to read, or None


class Drawing:
    """Strokes on the 28x28 grid: each a list of points joined by a round brush."""

    def __init__(self) -> None:
        self.strokes: list[tuple[bool, list[Point]]] = []  # (ink, or erasing), points

    def begin(self, at: Point, ink: bool = True) -> None:
        self.strokes.append((ink, [at]))

    def extend(self, at: Point) -> None:
        if not self.strokes:
            self.begin(at)
        elif self.strokes[-1][1][-1] != at:
            self.strokes[-1][1].append(at)

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()

    def clear(self) -> None:
        self.strokes.clear()

    def pixels(self) -> np.ndarray:
        """The drawing as 280x280 ink in 0..1 (1: ink)."""
        size = SIDE * ZOOM
        img = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(img)
        width = round(BRUSH * ZOOM)
        for ink, points in self.strokes:
            fill = 255 if ink else 0
            xy = [(p.x * ZOOM, p.y * ZOOM) for p in points]
            if len(xy) > 1:
                draw.line(xy, fill=fill, width=width, joint="curve")
            for x, y in (xy[0], xy[-1]) if len(xy) > 1 else xy:  # round ends
                r = width / 2
                draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
        return np.asarray(img, dtype=np.float32) / 255

    def grid(self) -> np.ndarray:
        """The drawing on the 28x28 grid (each cell its share of ink), as the canvas shows it."""
        return self.pixels().reshape(SIDE, ZOOM, SIDE, ZOOM).mean(axis=(1, 3))

    def picture(self) -> Image.Image:
        """The drawing as people draw: black ink on white paper, 280x280."""
        return Image.fromarray(((1 - self.pixels()) * 255 + 0.5).astype(np.uint8))

    def read(self, net: Network) -> Reading:
        """What the network sees in the drawing and how it lights up, as predict would."""
        from digitnet import preprocess
        from digitnet.errors import ImageError

        if not self.strokes:
            return Reading(np.zeros(SIDE * SIDE, np.float32), [], "draw a digit")
        try:
            x = preprocess.inputs_of_pixels(np.asarray(self.picture()))
        except ImageError as e:
            return Reading(np.zeros(SIDE * SIDE, np.float32), [], str(e))
        layers = [a[0] for a in net.activations(x[None].astype(np.float64))][1:]
        return Reading(x, layers, None)

    def save(self, folder: str = ".") -> str:
        """Write the drawing as a PNG in ``folder`` under a new name; return the name. A
        failed write (a full disk) leaves no file behind and raises OSError naming it."""
        from digitnet.atomic import atomic_path

        k = 1
        while os.path.exists(path := os.path.join(folder, f"digitnet-drawing-{k}.png")):
            k += 1
        with atomic_path(path, suffix=".png") as tmp:
            self.picture().save(tmp, format="PNG")
        return path


# ---- colours by what the terminal can show ------------------------------------------------

COLOR_DEPTHS = ("24bit", "256", "16", "none")


def color_depth(env: dict[str, str] | None = None) -> str:
    """What the terminal shows: 24-bit colour ($COLORTERM truecolor or 24bit), 256 colours
    ($TERM ...-256color), 16, or none ($NO_COLOR set, or $TERM dumb)."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    if env.get("NO_COLOR") or term in ("", "dumb"):
        return "none"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "24bit"
    if "256color" in term:
        return "256"
    return "16"


SHADES = " .:-=+*#%@"  # without colour: darker to brighter


def _rgb_code(rgb: tuple[int, int, int], depth: str, background: bool) -> str:
    r, g, b = rgb
    if depth == "24bit":
        return f"\x1b[{48 if background else 38};2;{r};{g};{b}m"
    if depth == "256":
        if r == g == b:  # the grey ramp, 24 steps
            code = 232 + min(23, r * 24 // 256)
        else:
            code = 16 + 36 * (r * 6 // 256) + 6 * (g * 6 // 256) + b * 6 // 256
        return f"\x1b[{48 if background else 38};5;{code}m"
    # 16 colours: black, dark grey, grey, white by brightness; hues as the basic colours
    level = (r + g + b) / 3
    if abs(r - g) < 40 and abs(g - b) < 40:
        code = 0 if level < 48 else 8 if level < 112 else 7 if level < 192 else 15
    else:
        code = (1 if r > 127 else 0) + (2 if g > 127 else 0) + (4 if b > 127 else 0)
        code += 8 if max(r, g, b) > 200 else 0
    base = (40 if background else 30) if code < 8 else (100 if background else 90)
    return f"\x1b[{base + code % 8}m"


@functools.cache
def _codes(depth: str, background: bool) -> tuple[str, ...]:
    """The escape sequence for each grey level 0..255 (a frame is 1,600 cells: looked up,
    not worked out, it is drawn in about a millisecond)."""
    return tuple(_rgb_code((v, v, v), depth, background) for v in range(256))


def _levels(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0, 1) * 255 + 0.5).astype(np.intp)


def _cells(values: np.ndarray, depth: str, width: int = 1) -> str:
    """A row of values (0..1) as ``width`` coloured spaces each, or shade characters."""
    if depth == "none":
        shades = (np.clip(values, 0, 1) * (len(SHADES) - 1) + 0.5).astype(np.intp)
        return "".join(SHADES[k] * width for k in shades.tolist())
    back = _codes(depth, True)
    gap = " " * width
    return "".join(back[k] + gap for k in _levels(values).tolist()) + RESET


def _half_blocks(grid: np.ndarray, depth: str) -> list[str]:
    """A grid of values two rows a line: the upper half block in the top value's colour on
    the bottom value's (see digitnet.terminal)."""
    if depth == "none":
        pairs = zip(grid[0::2], grid[1::2], strict=True)
        return [_cells((top + bottom) / 2, depth) for top, bottom in pairs]
    fore, back = _codes(depth, False), _codes(depth, True)
    lines = []
    for top, bottom in zip(_levels(grid[0::2]).tolist(), _levels(grid[1::2]).tolist(), strict=True):
        cells = (fore[t] + back[b] + "\u2580" for t, b in zip(top, bottom, strict=True))
        lines.append("".join(cells) + RESET)
    return lines


KEYS = "left button draws, right erases; arrows and space: the pen by keyboard   ? keys  q quit"
HELP = "c clear  u undo  s save as PNG  m next model  ? keys  q or Esc quit"


def frame(
    drawing: Drawing,
    reading: Reading,
    model: str,
    depth: str,
    cursor: Point | None = None,
    status: str = "",
) -> list[str]:
    """One screen: the canvas on the left, the network on the right, two status lines."""
    grid = drawing.grid()
    canvas = ["\u250c" + "\u2500" * (SIDE * CELL_COLS) + "\u2510"]
    for r in range(SIDE):
        if cursor is not None and int(cursor.y) == r:  # the keyboard's cursor: [] in reverse
            c = int(cursor.x)
            mark = "[]" if depth == "none" else "\x1b[7m[]" + RESET
            row = _cells(grid[r, :c], depth, CELL_COLS) + mark
            row += _cells(grid[r, c + 1 :], depth, CELL_COLS)
        else:
            row = _cells(grid[r], depth, CELL_COLS)
        canvas.append("\u2502" + row + "\u2502")
    canvas.append("\u2514" + "\u2500" * (SIDE * CELL_COLS) + "\u2518")
    panel = _panel(reading, model, depth)
    lines = []
    for i, left in enumerate(canvas):
        right = panel[i] if i < len(panel) else ""
        lines.append(left + " " + right)
    answer = ""
    if reading.layers:
        out = reading.layers[-1]
        answer = f"answer: {int(out.argmax())} ({float(out.max()):.2f})"
    elif reading.refusal:
        answer = reading.refusal
    lines.append(f"{answer}   {status}".rstrip()[: MIN_COLS - 1])
    lines.append(KEYS[: MIN_COLS - 1])
    return lines


def _panel(reading: Reading, model: str, depth: str) -> list[str]:
    """The network beside the canvas: what it sees, its hidden layers, its outputs."""
    lines = [f"model {model}"[:PANEL_COLS], "what the network sees (28x28):"]
    lines += _half_blocks(reading.inputs.reshape(SIDE, SIDE), depth)
    hidden = reading.layers[:-1]
    for i, a in enumerate(hidden, start=1):
        shown = shown_neurons(a)
        top = float(a.max()) or 1.0  # ReLU has no upper bound: lit relative to the brightest
        note = f" ({len(shown)} of {len(a)})" if len(shown) < len(a) else ""
        lines.append(f"hidden layer {i}{note}:"[:PANEL_COLS])
        width = max(1, min(2, PANEL_COLS // len(shown)))
        lines.append(_cells(a[shown] / top, depth, width))
    if reading.layers:
        out = reading.layers[-1]
        best = int(out.argmax())
        for d in range(len(out)):
            mark = " <" if d == best else ""
            level = bar(float(out[d]), 20, plain=depth == "none")
            lines.append(f"{d} {level} {float(out[d]):.2f}{mark}")
    return lines
