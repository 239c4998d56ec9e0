"""Where a generated number's touching digits truly part, and their ink shared out at those
cuts: the truth the part reader learns from and benchmarks/touching_limits.py measures by."""

from __future__ import annotations

import numpy as np

from digitnet.reading import ink_sharing
from digitnet.synth.layout import Number

# Ink shared out in one of these ways: raced from seeds this far (of the height)
# either side (ink_sharing.right_of; read's own is its SIDE_REACH), or 0, by the cut's column
SHARINGS = (ink_sharing.SIDE_REACH, 0.15, 0.45, 0.0)


def shared_out(mask: np.ndarray, cuts: list[int], height: float, reach: float) -> list[np.ndarray]:
    """Each part's ink when a mark (its ``mask``) is cut at ``cuts`` (its edges included),
    shared out near the cuts by a race from ``reach`` away, or by the cut's column alone for
    0."""
    if reach:
        rights = ink_sharing.right_of(mask, cuts, height, reach)
    else:
        rights = [np.arange(mask.shape[1]) >= c for c in cuts]
    return [mask & a & ~b for a, b in zip(rights, rights[1:], strict=False)]


def partings(number: Number, found, mark) -> tuple[np.ndarray, list[int]]:
    """Which of a number's digits a digit mark holds (``found``: the picture's
    segment.Segments), by where their ink boxes' middles lie, and the columns of the
    mark's box where each two neighbours part, its edges first and last: the middle of where
    their ink boxes meet or overlap, known from how the number was drawn."""
    boxes = np.array(number.boxes)
    centres = (boxes[:, 0] + boxes[:, 2]) / 2
    left, _, right, _ = found.in_picture(mark.box)
    inside = np.flatnonzero((centres >= left) & (centres < right))
    x0, width = mark.box[0], mark.box[2] - mark.box[0]
    between = [
        round(((boxes[a, 2] + boxes[b, 0]) / 2 - found.box[0]) / found.scale) - x0
        for a, b in zip(inside, inside[1:], strict=False)
    ]
    return inside, [0, *between, width]
