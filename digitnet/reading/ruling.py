"""Lines around a number: underlines and overlines, a margin line down the page, and the
boxes of a form's comb field, told from the digits so the reader can leave them out."""

from __future__ import annotations

import numpy as np

from digitnet.image import components, digit_shapes
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
            and digit_shapes.one_stroke(shapes.pixels_of([i + 1], tuple(shapes.box[i])))
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
        rules[i] = digit_shapes.one_stroke(shapes.pixels_of([i + 1], tuple(shapes.box[i])))
    return rules | upright
