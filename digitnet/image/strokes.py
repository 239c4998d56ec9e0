"""One pen stroke's shape: how it leans, how straight it is, how often its rows cross it; and
the shapes that are pen marks rather than digits (a line leaning past any 1, an i or a !)."""

from __future__ import annotations

import numpy as np

from digitnet.image.components import Shapes

# A wide shape whose rows and columns each cross its ink about once is one stroke: a pen
# line, not touching digits (whose rows cross two strokes or more; docs/decisions.md).
LINE_RUNS = 1.3

# One straight stroke leaning further from upright than any as straight MNIST digit does is a
# pen line, not a 1 (benchmarks/lean.py; docs/decisions.md, "A line that leans"): degrees ...
LINE_SLANT = 56.0
LINE_STRAIGHT = 5.0  # ... and at least this many times as long as thick


def axis(mask: np.ndarray) -> tuple[float, float]:
    """How ink (a boolean mask) leans and how straight it is, from its second moments:
    degrees from upright (positive: the top to the right) and the long axis over the short."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 3:
        return 0.0, 0.0
    x, y = xs - xs.mean(), ys - ys.mean()
    cxx, cyy, cxy = (x * x).mean(), (y * y).mean(), (x * y).mean()
    slant = -0.5 * np.degrees(np.arctan2(2 * cxy, cyy - cxx))  # rows grow downwards
    low, high = np.linalg.eigvalsh([[cxx, cxy], [cxy, cyy]])
    return float(slant), float(np.sqrt(high / max(low, 1e-9)))


def leaning_line(mask: np.ndarray) -> bool:
    """Whether ink is one straight pen stroke leaning further over than a 1 (LINE_SLANT)."""
    slant, straight = axis(mask)
    return abs(slant) >= LINE_SLANT and straight >= LINE_STRAIGHT and one_stroke(mask)


def one_stroke(mask: np.ndarray) -> bool:
    """Whether ink crosses each of its rows and columns about once: a pen line."""
    return max(runs(mask), runs(mask.T)) <= LINE_RUNS


def runs(mask: np.ndarray) -> float:
    """How many runs of ink a row of ``mask`` holds, on average over the rows with ink."""
    starts = mask[:, :1].sum(1) + (mask[:, 1:] & ~mask[:, :-1]).sum(1)
    return float(starts[starts > 0].mean()) if starts.any() else 0.0


def crossings(mask: np.ndarray) -> float:
    """How many strokes a row or a column of ``mask`` crosses, on average."""
    return (runs(mask) + runs(mask.T)) / 2


# A stroke with a dot apart above or below it is an i, a j or a !, which no digit is written
# as (tests/test_read_written.py; docs/decisions.md, "Printed words"): the dot is at most this
# share of the stroke's height ...
DOT_SHARE = 0.35
DOT_ROUND = (0.5, 1.6)  # ... about as wide as it is tall (an underline is wider) ...
DOT_THICK = 0.8  # ... as thick as the pen at least (a fragment of a faint stroke is thinner)
DOT_REACH = 0.5  # ... at most this share of the stroke's height away, over the stroke's end
STEM_STRAIGHT = 3.0  # and the stroke is at least this many times as long as thick
STEM_END = 0.15  # the stroke's end: this share of its rows nearest the dot


def dotted_stroke(shapes: Shapes, numbers) -> bool:
    """Whether the shapes ``numbers`` (label numbers, as Shapes.pixels_of takes them) are a
    stroke and a dot apart above or below its end: an i, a j or a !."""
    if len(numbers) != 2:
        return False
    boxes = shapes.box[np.asarray(numbers) - 1]
    heights = boxes[:, 3] - boxes[:, 1]
    k = int(heights[1] > heights[0])  # the stem: the taller
    stem, dot = boxes[k], boxes[1 - k]
    stem_h, dot_w, dot_h = stem[3] - stem[1], dot[2] - dot[0], dot[3] - dot[1]
    gap = max(stem[1] - dot[3], dot[1] - stem[3])  # negative where their rows overlap
    round_dot = DOT_ROUND[0] <= dot_w / max(dot_h, 1) <= DOT_ROUND[1]
    if not (round_dot and dot_h <= DOT_SHARE * stem_h and 0 < gap <= DOT_REACH * stem_h):
        return False
    ink = shapes.pixels_of([numbers[k]], tuple(stem))
    if axis(ink)[1] < STEM_STRAIGHT:
        return False
    thick = ink.sum() / stem_h
    end_rows = max(1, round(STEM_END * stem_h))
    end = ink[:end_rows] if dot[3] <= stem[1] else ink[-end_rows:]
    cols = np.flatnonzero(end.any(axis=0)) + stem[0]
    centre = (dot[0] + dot[2]) / 2
    over_end = cols.size and cols[0] - thick <= centre <= cols[-1] + thick
    return bool(over_end) and min(dot_w, dot_h) >= DOT_THICK * thick
