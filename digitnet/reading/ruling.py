"""Lines around a number: underlines and overlines, a margin line down the page, and the
boxes of a form's comb field, told from the digits so the reader can leave them out."""

from __future__ import annotations

import numpy as np

from digitnet.image import components, strokes
from digitnet.image.components import Shapes

# A ruled line: a shape at most RULE_FLAT as tall as wide, wider than RULE_WIDE times the
# tallest other shape, crossing its rows and columns once (docs/decisions.md, "Underlines").
RULE_FLAT = 0.2
RULE_WIDE = 1.5
# A frame's lines run along at least FRAME_RUN of its box; what touches them and stands at
# least PIECE_OF_BOX of the box's height is a digit (docs/decisions.md, "Comb fields").
FRAME_RUN = 0.85
PIECE_OF_BOX = 0.3
# A shape this many times as wide as tall, covering its box's outline as a frame does, and
# inked on at most COMB_FILL of its box (a dash is inked all over), is a comb field with
# digits in it.
COMB_WIDE = 1.5
COMB_FILL = 0.6


# A line touching the digits it underlines is one shape with them: a run of ink along a row
# (at any slope up to LINE_SLOPE) over FRAME_RUN of the shape's width, in its top or bottom
# TOUCH_EDGE, LINE_LONG times as long as the ink beside it is tall: digits joined along
# their bars or bases ("577", "2202") make runs a few digits long at most (docs/decisions.md,
# "Underlines and overlines").
LINE_SLOPE = 0.04  # rise over run: a pen line drawn by hand under a number
SLOPE_STEPS = 33  # slopes tried from -LINE_SLOPE to LINE_SLOPE
LINE_COVER = 0.5  # rows beside the line inked along this share of it are the line's too
TOUCH_EDGE = 0.3  # of the shape's height: an underline is its foot, an overline its top
LINE_LONG = 4.0  # the run over the ink beside it: joined digits make shorter ones


def touching_lines(shapes: Shapes, body: float) -> np.ndarray:
    """The pixels of the lines (underlines, overlines) that touch the digits they run along,
    over the whole of ``shapes``: each shape RULE_WIDE times as wide as tall and at least
    ``body`` of the tallest shape's height (a digit's body: specks are never looked at)."""
    out = np.zeros(shapes.labels.shape, bool)
    w, h = shapes.width(), shapes.height()
    if not shapes.count:
        return out
    for i in np.flatnonzero((w >= RULE_WIDE * h) & (h >= body * h.max())):
        left, top, right, bottom = (int(v) for v in shapes.box[i])
        line = _line_along(shapes.pixels_of([i + 1], (left, top, right, bottom)))
        if line is not None:
            out[top:bottom, left:right] |= line
    return out


def _line_along(mask: np.ndarray) -> np.ndarray | None:
    """The line along the top or the bottom of a shape (a boolean mask), or None."""
    h, w = mask.shape
    xs = np.arange(w)
    best = None
    for slope in np.linspace(-LINE_SLOPE, LINE_SLOPE, SLOPE_STEPS):
        shift = np.round(slope * (xs - w / 2)).astype(int)
        shift -= shift.min()
        sheared = np.zeros((h + int(shift.max()), w), bool)  # the line made level
        rows = np.arange(h)[:, None] + shift[None, :]
        sheared[rows, xs[None, :]] = mask
        level = runs_at_least(sheared, FRAME_RUN * w)
        found = level.any(axis=1)
        if found.any() and (best is None or found.sum() > best[0]):
            best = (int(found.sum()), level, sheared, rows)
    if best is None:
        return None
    _, level, sheared, rows = best
    found = np.flatnonzero(level.any(axis=1))
    span = level.any(axis=0)
    cover = sheared[:, span].mean(axis=1)  # the line's rows: its whole pen, as it drifts
    first, last = int(found.min()), int(found.max())
    while first > 0 and cover[first - 1] >= LINE_COVER:
        first -= 1
    while last < len(cover) - 1 and cover[last + 1] >= LINE_COVER:
        last += 1
    band = np.zeros_like(level)  # and a row either side: its blurred edges
    band[max(first - 1, 0) : last + 2, span] = True
    line = mask & band[rows, xs[None, :]]
    ys = np.flatnonzero(line.any(axis=1))
    rest = mask & ~line
    kept = np.flatnonzero(rest.any(axis=1))
    if kept.size == 0:
        return None
    edge = TOUCH_EDGE * h
    below = ys.min() >= h - edge and ys.min() > kept.min()  # an underline
    above = ys.max() < edge and ys.max() < kept.max()  # an overline
    beside = kept[kept < ys.min()] if below else kept[kept > ys.max()]
    tall = int(np.ptp(beside)) + 1 if beside.size else 0
    if not (below or above) or w * FRAME_RUN < LINE_LONG * tall:
        return None
    return line


def inside_the_lines(shapes: Shapes, i: int) -> tuple[np.ndarray, np.ndarray]:
    """The ink of frame ``i`` that is not its lines, and its lines: its rows' and columns'
    runs as long as FRAME_RUN of its box are lines, and of what is left, pieces at least
    PIECE_OF_BOX of the box's height stay (digits touching their box; bits of a skewed line
    are smaller)."""
    left, top, right, bottom = (int(v) for v in shapes.box[i])
    ink = shapes.pixels_of([i + 1], (left, top, right, bottom))
    lines = runs_at_least(ink, FRAME_RUN * (right - left))
    lines |= runs_at_least(ink.T, FRAME_RUN * (bottom - top)).T
    rest = components.label(ink & ~lines)
    big = np.flatnonzero(rest.height() >= PIECE_OF_BOX * (bottom - top)) + 1
    out = np.zeros((2, *shapes.labels.shape), bool)
    out[0, top:bottom, left:right] = rest.pixels_of(big) if big.size else False
    out[1, top:bottom, left:right] = lines
    return out[0], out[1]


def walled(lines: np.ndarray, box) -> bool:
    """Whether a frame's lines (``lines``, as inside_the_lines gives them, over the whole
    picture) part its box with a wall down it, as a comb field's boxes are parted."""
    left, top, right, bottom = (int(v) for v in box)
    inner = lines[top:bottom, left:right]
    down = runs_at_least(inner.T, FRAME_RUN * (bottom - top)).T.any(axis=0)
    cols = np.flatnonzero(down)
    return bool(cols.size) and bool((np.diff(cols) > 1).sum() >= 2)  # 3 walls or more


def ruled_above_and_below(shapes: Shapes, i: int) -> bool:
    """Whether shape ``i`` has a line along FRAME_RUN of its box's width in its top and in
    its bottom quarter, as a comb field has (touching digits have none)."""
    left, top, right, bottom = (int(v) for v in shapes.box[i])
    rows = runs_at_least(shapes.pixels_of([i + 1], (left, top, right, bottom)),
                          FRAME_RUN * (right - left)).any(axis=1)  # fmt: skip
    quarter = max(1, (bottom - top) // 4)
    return bool(rows[:quarter].any() and rows[-quarter:].any())


def runs_at_least(mask: np.ndarray, length: float) -> np.ndarray:
    """The pixels of each row's runs of ink at least ``length`` long."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1).ravel()  # +1 where a run starts, -1 just after it ends
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = (ends - starts) >= length
    marks = np.zeros(h * (w + 1) + 1, np.int32)
    np.add.at(marks, starts[long], 1)
    np.add.at(marks, ends[long], -1)
    return np.cumsum(marks[:-1]).reshape(h, w + 1)[:, :w] > 0


def rules(shapes: Shapes, body: float) -> np.ndarray:
    """Which shapes are ruled lines: an upright pen stroke RULE_WIDE times as tall as any
    other shape (a margin line); one flat pen stroke wider than RULE_WIDE times the tallest
    other shape (a dash is about a digit wide), or wholly above or below the digits it
    spans, reaching past each of them on both sides (a 5's bar drawn apart stops at its
    stem): an underline, an overline."""
    w, h = shapes.width(), shapes.height()
    thin = w <= RULE_FLAT * h
    upright = np.zeros(shapes.count, bool)
    for i in np.flatnonzero(thin):  # a margin line: down the page, past the digits
        others = h[~thin & (h >= RULE_FLAT * h[i])]  # not other uprights, nor dots
        upright[i] = (
            others.size > 0
            and h[i] >= RULE_WIDE * others.max()
            and strokes.one_stroke(shapes.pixels_of([i + 1], tuple(shapes.box[i])))
        )
    flat = h <= RULE_FLAT * w
    if not flat.any() or flat.all():
        return upright
    tallest = h[~flat].max()
    box = shapes.box
    bodies = np.flatnonzero(~flat & (h >= body * tallest))  # a digit's body: see segment.BODY
    rules = flat & (w >= RULE_WIDE * tallest)
    for i in np.flatnonzero(flat & ~rules):
        left, top, right, bottom = box[i]
        under = bodies[(box[bodies, 0] < right) & (box[bodies, 2] > left)]
        rules[i] = (
            under.size > 0
            and bool((box[under, 0] > left).all() and (box[under, 2] < right).all())
            and bool((box[under, 3] <= top).all() or (box[under, 1] >= bottom).all())
        )
    for i in np.flatnonzero(rules):
        rules[i] = strokes.one_stroke(shapes.pixels_of([i + 1], tuple(shapes.box[i])))
    return rules | upright
