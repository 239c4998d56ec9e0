"""Drawing a digit and watching the network read it (``digitnet draw``), without a terminal.

:class:`Drawing` holds the strokes drawn on the lesson's 28x28 grid, with a soft round brush
like MNIST's pen, and what the network makes of them. :func:`frame` lays out one screen of
it as lines of text with escape sequences for colour: the canvas, the 28x28 input as
``predict`` would make it, each hidden layer's neurons lit by their activation and the
output neurons as bars. The terminal side (raw keys, mouse reports, the alternate screen)
lives in digitnet.cli.draw_cmd.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from digitnet.image.framing import SIDE
from digitnet.nn.network import Network
from digitnet.show.summary import shown_neurons
from digitnet.show.terminal import RESET, bar, cells, half_blocks

ZOOM = 10  # the drawing is kept at 280x280: ten pixels a grid cell, for a smooth brush
BRUSH = 2.2  # the pen's width in grid cells: MNIST's strokes are about two pixels wide
CELL_COLS = 2  # a grid cell is two columns wide and one row high: square on most terminals
CANVAS_COLS, CANVAS_ROWS = SIDE * CELL_COLS + 2, SIDE + 2  # with its border
PANEL_COLS = 36  # the network beside the canvas: the 28x28 input in half blocks and the bars
MIN_COLS, MIN_ROWS = CANVAS_COLS + 1 + PANEL_COLS, CANVAS_ROWS + 2  # with the status lines
# A terminal as most open, 80x24: the canvas in half blocks (a grid cell one column wide and
# half a row high, square again), the 28x28 input beside it, the outputs beside that, the
# hidden layers below.
COMPACT_COLS, COMPACT_ROWS = 80, 24
OUTPUT_BAR = 10  # the compact layout's output bars, in columns
FRAME_END = "\x1b[0m\x1b[?25l"  # every frame ends so (colours reset, no cursor): tests wait for it


class Point(NamedTuple):
    x: float  # grid cells from the left, 0..28
    y: float  # grid cells from the top


class Seen(NamedTuple):
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

    def seen_by(self, net: Network, moving: bool = False) -> Seen:
        """What the network sees in the drawing and how it lights up, as predict would;
        ``moving`` (the pen is being dragged) skips predict's checks for several digits,
        which run the number reader: they are made when the pen lifts."""
        from digitnet.errors import ImageError
        from digitnet.predicting import one_digit

        if not self.strokes:
            return Seen(np.zeros(SIDE * SIDE, np.float32), [], "draw a digit")
        try:
            x = one_digit.inputs_of_pixels(
                np.asarray(self.picture()), None if moving else one_digit.SEVERAL
            )
        except ImageError as e:
            return Seen(np.zeros(SIDE * SIDE, np.float32), [], str(e))
        layers = [a[0] for a in net.activations(x[None].astype(np.float64))][1:]
        return Seen(x, layers, None)

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


KEYS = "left button draws, right erases; arrows and space: the pen by keyboard   ? keys  q quit"
COMPACT_KEYS = "left draws, right erases; arrows, space: keyboard pen   c u s m ? q"
HELP = "c clear  u undo  s save as PNG  m next model  ? keys  q or Esc quit"


def layout_for(columns: int, rows: int) -> str | None:
    """The layout that fits a terminal: "wide" (the canvas two columns a cell), "compact"
    (80x24: half blocks), or None when it is smaller than that."""
    if columns >= MIN_COLS and rows >= MIN_ROWS:
        return "wide"
    if columns >= COMPACT_COLS and rows >= COMPACT_ROWS:
        return "compact"
    return None


def too_small(columns: int, rows: int) -> list[str]:
    """What a terminal too small to draw in shows, in place, until it grows."""
    need = f"{COMPACT_COLS}x{COMPACT_ROWS}"
    lines = [f"the terminal is {columns}x{rows}; draw needs {need}", "make it larger, or q quits"]
    return [line[: max(columns - 1, 1)] for line in lines]


def grid_point(layout: str, col: int, row: int) -> Point:
    """The grid cell under a mouse report's 1-based column and row, in either layout."""
    if layout == "compact":  # a character row holds two grid rows: its middle
        return Point(col - 2 + 0.5, (row - 2) * 2 + 1.0)
    return Point((col - 2 + 0.5) / CELL_COLS, row - 2 + 0.5)


def frame(
    drawing: Drawing,
    seen: Seen,
    model: str,
    depth: str,
    cursor: Point | None = None,
    status: str = "",
    layout: str = "wide",
) -> list[str]:
    """One screen: the canvas on the left, the network on the right, two status lines."""
    if layout == "compact":
        return _compact(drawing, seen, model, depth, cursor, status)
    grid = drawing.grid()
    canvas = ["\u250c" + "\u2500" * (SIDE * CELL_COLS) + "\u2510"]
    for r in range(SIDE):
        if cursor is not None and int(cursor.y) == r:  # the keyboard's cursor: [] in reverse
            c = int(cursor.x)
            mark = "[]" if depth == "none" else "\x1b[7m[]" + RESET
            row = cells(grid[r, :c], depth, CELL_COLS) + mark
            row += cells(grid[r, c + 1 :], depth, CELL_COLS)
        else:
            row = cells(grid[r], depth, CELL_COLS)
        canvas.append("\u2502" + row + "\u2502")
    canvas.append("\u2514" + "\u2500" * (SIDE * CELL_COLS) + "\u2518")
    panel = _panel(seen, model, depth)
    lines = []
    for i, left in enumerate(canvas):
        right = panel[i] if i < len(panel) else ""
        lines.append(left + " " + right)
    answer = _answer(seen)
    lines.append(f"{answer}   {status}".rstrip()[: MIN_COLS - 1])
    lines.append(KEYS[: MIN_COLS - 1])
    return lines


def _compact(
    drawing: Drawing, seen: Seen, model: str, depth: str, cursor: Point | None, status: str
) -> list[str]:
    """The 80x24 screen: canvas | what the network sees | outputs, the hidden layers below."""
    grid = drawing.grid()
    canvas = half_blocks(grid, depth)
    if cursor is not None:  # the keyboard's cursor: a reverse '+' in its row (drawn flat)
        r, c = min(int(cursor.y) // 2, SIDE // 2 - 1), min(int(cursor.x), SIDE - 1)
        pair = (grid[2 * r] + grid[2 * r + 1]) / 2
        mark = "+" if depth == "none" else f"\x1b[7m+{RESET}"
        canvas[r] = cells(pair[:c], depth) + mark + cells(pair[c + 1 :], depth)
    sees = half_blocks(seen.inputs.reshape(SIDE, SIDE), depth)
    outputs = _outputs(seen, depth, OUTPUT_BAR)
    border = "\u2500" * SIDE
    left = ["\u250c" + border + "\u2510", *("\u2502" + row + "\u2502" for row in canvas)]
    left.append("\u2514" + border + "\u2518")
    middle = ["the network sees:", *sees]
    right = [f"model {model}"[:19], *outputs]
    lines = []
    for i, row in enumerate(left):
        mid = middle[i] if i < len(middle) else ""
        pad = " " * (SIDE - len(mid)) if i == 0 or i > len(sees) else ""
        lines.append(f"{row} {mid}{pad} {right[i] if i < len(right) else ''}".rstrip())
    for i, a in enumerate(seen.layers[:-1], start=1):
        shown = shown_neurons(a)
        top = float(a.max()) or 1.0  # ReLU has no upper bound: lit relative to the brightest
        label = f"hidden {i} ({len(shown)} of {len(a)}) " if len(shown) < len(a) else f"hidden {i} "
        width = max(1, min(2, (COMPACT_COLS - 1 - len(label)) // len(shown)))
        lines.append(label + cells(a[shown] / top, depth, width))
    answer = _answer(seen)
    lines += [""] * (COMPACT_ROWS - 2 - len(lines))
    lines.append(f"{answer}   {status}".rstrip()[: COMPACT_COLS - 1])
    lines.append(COMPACT_KEYS[: COMPACT_COLS - 1])
    return lines


def _answer(seen: Seen) -> str:
    """The status line's answer: the brightest output, or why there is none."""
    if seen.layers:
        out = seen.layers[-1]
        return f"answer: {int(out.argmax())} ({float(out.max()):.2f})"
    return seen.refusal or ""


def _panel(seen: Seen, model: str, depth: str) -> list[str]:
    """The network beside the canvas: what it sees, its hidden layers, its outputs."""
    lines = [f"model {model}"[:PANEL_COLS], "what the network sees (28x28):"]
    lines += half_blocks(seen.inputs.reshape(SIDE, SIDE), depth)
    hidden = seen.layers[:-1]
    for i, a in enumerate(hidden, start=1):
        shown = shown_neurons(a)
        top = float(a.max()) or 1.0  # ReLU has no upper bound: lit relative to the brightest
        note = f" ({len(shown)} of {len(a)})" if len(shown) < len(a) else ""
        lines.append(f"hidden layer {i}{note}:"[:PANEL_COLS])
        width = max(1, min(2, PANEL_COLS // len(shown)))
        lines.append(cells(a[shown] / top, depth, width))
    return lines + _outputs(seen, depth, 20)


def _outputs(seen: Seen, depth: str, width: int) -> list[str]:
    """The output neurons as bars ``width`` columns long, the brightest marked '<'."""
    if not seen.layers:
        return []
    out = seen.layers[-1]
    best = int(out.argmax())
    return [
        f"{d} {bar(float(v), width, plain=depth == 'none')} {float(v):.2f}"
        + (" <" if d == best else "")
        for d, v in enumerate(out)
    ]
