"""Sharing out the ink of touching digits at a cut: near it, each pixel goes to the side
whose strokes reach it first, so a stroke stays with its own digit; a part's crumbs of its
neighbour are left out."""

from __future__ import annotations

import numpy as np

from digitnet.image import components
from digitnet.image.ink import dilate, shrunk
from digitnet.reading import segment

SIDE_REACH = 0.3  # near a cut (this share of the line's height either side), ink is shared
SEED_BAND = 0.1  # out through the ink from seeds this wide at that distance (right_of)
RACE_HEIGHT = 64  # the race that shares it out runs on a copy shrunk to no less than this
CRUMB = 0.2  # a cut leaves crumbs of the neighbour's strokes: pieces this much smaller than
# the part's largest are left out


def mask_of(found: segment.Segments, mark: segment.Mark) -> np.ndarray:
    """The mark's own ink in its box (other marks' shapes in it left out)."""
    return found.shapes.pixels_of(mark.shapes, mark.box)


def right_of(
    mask: np.ndarray, cuts: list[int], height: float, side_reach: float = SIDE_REACH
) -> list[np.ndarray]:
    """For each cut of a mark (columns of its box, its left and right edges first and last),
    which of its ink lies right of the cut.

    A straight cut gives a neighbour's overlapping strokes to the wrong digit (the bar of a 7
    reaching over the next digit). Near the cut, within ``side_reach`` of the height of it,
    each pixel goes instead to the side whose seed (the ink that far away) reaches it first
    along the ink: a stroke goes with the digit it belongs to, and the digits part where
    they touch. Farther away, the cut's column decides. The race is run on a copy shrunk by
    a whole factor, never below RACE_HEIGHT pixels tall (each of its pixels a block of the
    mark's, inked if any of the block is).
    """
    h, w = mask.shape
    f = max(1, int(height // RACE_HEIGHT))
    small = shrunk(mask, f) > 0  # inked if any of its block is
    reach = max(2, round(side_reach * height / f))
    band = max(1, round(SEED_BAND * height / f))
    inner = [cut // f for cut in cuts[1:-1]]  # the cuts on the shrunk copy
    spans = [(max(0, c - reach), min(small.shape[1], c + reach)) for c in inner]
    # every cut's window near it, left-aligned in one stack: all races run at once
    near = np.zeros((len(inner), small.shape[0], 2 * reach), bool)
    for k, (lo, hi) in enumerate(spans):
        near[k, :, : hi - lo] = small[:, lo:hi]
    col = np.arange(2 * reach)
    ends = np.array([hi - lo for lo, hi in spans]).reshape(-1, 1, 1)
    starts = np.array([c - lo for c, (lo, _) in zip(inner, spans, strict=True)]).reshape(-1, 1, 1)
    left, right_seed = near & (col < band), near & (col >= ends - band)
    racing = np.flatnonzero(left.any(axis=(1, 2)) & right_seed.any(axis=(1, 2)))
    won = dict(
        zip(
            racing.tolist(),
            race(
                left[racing], right_seed[racing], near[racing],
                np.broadcast_to(col >= starts[racing], near[racing].shape),
            ),
            strict=True,
        )
    )  # fmt: skip
    out = [np.ones_like(mask)]
    for k, (cut, (lo, hi)) in enumerate(zip(cuts[1:-1], spans, strict=True)):
        right = np.broadcast_to(np.arange(w) >= cut, mask.shape).copy()
        if k in won:
            full = np.repeat(np.repeat(won[k][:, : hi - lo], f, axis=0), f, axis=1)
            full = full[:h, : w - lo * f]
            inked = mask[:, lo * f : hi * f]
            right[:, lo * f : hi * f][inked] = full[:, : inked.shape[1]][inked]
        out.append(right)
    out.append(np.zeros_like(mask))
    return out


def race(left: np.ndarray, right: np.ndarray, ink: np.ndarray, right_side: np.ndarray):
    """Which of ``ink`` the right seed wins: both seeds grow through it a pixel a step (8
    neighbours) until they meet; a pixel both reach in one step, or neither ever reaches,
    goes by ``right_side``. Only each step's newest pixels need growing. Stacks of windows
    (any leading axes) race each on its own, all at once."""
    free = ink & ~(left | right)
    right = right.copy()
    front_left, front_right = left, right
    while True:
        reach_left, reach_right = dilate(front_left) & free, dilate(front_right) & free
        front_left = reach_left & ~(reach_right & right_side)
        front_right = reach_right & ~(reach_left & ~right_side)
        if not (front_left.any() or front_right.any()):
            return right | (free & right_side)
        right |= front_right
        free &= ~(front_left | front_right)


def part_of(found: segment.Segments, mark: segment.Mark, own: np.ndarray, x: int | None):
    """The part of a digit mark that is ``own``: its ink and its box (``found.strength``'s
    pixels), or None when no ink is left in it. ``own`` is a mask of the mark's box from
    column ``x`` on (as cut_owns leaves a cut part), or for x None the whole mark's (mask_of)."""
    x0, top, x1, bottom = mark.box
    if x is None:  # the mark's own shapes, all of them ink: their box is the mark's
        return found.strength[top:bottom, x0:x1] * own, mark.box
    x0 += x
    ink = found.strength[top:bottom, x0 : x0 + own.shape[1]] * own
    if not ink.any():
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    box = (x0 + int(cols[0]), top + int(rows[0]), x0 + int(cols[-1]) + 1, top + int(rows[-1]) + 1)
    return ink, box


def cut_owns(owns: list[np.ndarray]) -> list[tuple[np.ndarray, int] | None]:
    """Cut parts of one mark (masks of its box) without the neighbour's crumbs: each part's
    pieces CRUMB times smaller than its largest left out. Each mask comes back cropped to the
    columns it has ink in, with the first of them; None for no ink. The parts are labelled
    side by side, a blank column apart, in one components.label call: the 781 parts of one
    mark of benchmarks/read.py's touching numbers in 130 ms, where labelling them one by one
    took 285."""
    spans = [np.flatnonzero(own.any(axis=0)) for own in owns]
    inked = [k for k, cols in enumerate(spans) if len(cols)]
    out: list[tuple[np.ndarray, int] | None] = [None] * len(owns)
    if not inked:
        return out
    crops = [owns[k][:, spans[k][0] : spans[k][-1] + 1] for k in inked]
    widths = np.array([c.shape[1] for c in crops])
    starts = np.concatenate([[0], np.cumsum(widths + 1)[:-1]])
    strip = np.zeros((crops[0].shape[0], int(starts[-1] + widths[-1])), bool)
    for crop, start in zip(crops, starts.tolist(), strict=True):
        strip[:, start : start + crop.shape[1]] = crop
    pieces = components.label(strip)
    part = np.searchsorted(starts, pieces.box[:, 0], side="right") - 1  # each piece's part
    largest = np.zeros(len(crops), np.int64)
    np.maximum.at(largest, part, pieces.area)
    kept = np.concatenate([[False], pieces.area >= CRUMB * largest[part]])[pieces.labels]
    for k, start, width in zip(inked, starts.tolist(), widths.tolist(), strict=True):
        out[k] = (kept[:, start : start + width], int(spans[k][0]))
    return out
