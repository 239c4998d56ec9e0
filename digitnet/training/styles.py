"""Styles people write that MNIST lacks, drawn as strokes onto real MNIST digits with
MNIST's pen (a flag on a 1, a bar across a 7's stem, a closed 4, a slashed or dotted 0, a
9's flat foot), and stroke widths from a thin pen line to a paint brush.

A style is ``(digit) -> digit``: a 28x28 uint8 MNIST digit (light ink on black) in, the
same digit written that way out. The strokes are placed by the digit's own ink (its top,
its stem, its arms), so each digit gets its own. Training adds restyled copies of its
digits (``restyled``); benchmarks/styles.py draws the same styles on MNIST's test digits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from digitnet.data.mnist import SIDE

ZOOM = 4  # strokes are drawn at 4x and shrunk, anti-aliased like MNIST's own
PEN = 2.4  # MNIST's pen, in pixels of the 28x28 digit (its strokes are 2 to 3 across)
INK = 128  # a pixel brighter than this is the digit's ink
# How far a closed 4's crossbar goes on past its stem, a share of the digit's height: what
# tells it from a 9 (docs/decisions.md, "A closed 4 that a person reads as a 9").
CROSSBAR = 0.2
FLAG = (0.25, 0.3)  # a 1's flag's reach from the top of its stem, down and left, likewise

Style = Callable[[np.ndarray], np.ndarray]


def _ink(digit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.nonzero(digit > INK)
    return rows, cols


def _height(rows: np.ndarray) -> float:
    """The digit's height, from its ink's rows."""
    return float(rows.max() - rows.min() + 1)


def with_strokes(digit: np.ndarray, strokes: list[tuple[tuple[float, float], ...]]) -> np.ndarray:
    """``digit`` with pen strokes added: each a polyline of (row, column) points."""
    big = Image.new("L", (SIDE * ZOOM, SIDE * ZOOM), 0)
    draw = ImageDraw.Draw(big)
    width = round(PEN * ZOOM)
    for points in strokes:
        xy = [(c * ZOOM + ZOOM / 2, r * ZOOM + ZOOM / 2) for r, c in points]
        draw.line(xy, fill=255, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]):  # round pen ends
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=255)
    small = np.asarray(big.resize((SIDE, SIDE), Image.Resampling.BOX))
    return np.maximum(digit, small).astype(np.uint8)


def flag_1(digit: np.ndarray) -> np.ndarray:
    """A 1 with a flag: a short stroke down and to the left from the top of its stem."""
    rows, cols = _ink(digit)
    top = rows.min()
    col = cols[rows <= top + 1].mean()
    h = _height(rows)
    down, left = FLAG
    return with_strokes(digit, [((top, col), (top + down * h, col - left * h))])


def foot_1(digit: np.ndarray) -> np.ndarray:
    """A 1 with a foot: a short bar across the bottom of its stem."""
    rows, cols = _ink(digit)
    bottom = rows.max()
    col = cols[rows >= bottom - 1].mean()
    h = _height(rows)
    return with_strokes(digit, [((bottom, col - 0.22 * h), (bottom, col + 0.22 * h))])


def flag_and_foot_1(digit: np.ndarray) -> np.ndarray:
    """A 1 with both a flag and a foot, as many Europeans write it."""
    return foot_1(flag_1(digit))


def crossbar_7(digit: np.ndarray) -> np.ndarray:
    """A 7 with a bar across its stem, halfway down."""
    rows, cols = _ink(digit)
    h = _height(rows)
    row = rows.min() + 0.55 * h
    near = np.abs(rows - row) <= 1
    col = cols[near].mean() if near.any() else cols.mean()
    return with_strokes(digit, [((row, col - 0.2 * h), (row, col + 0.2 * h))])


def _crossbar(digit: np.ndarray, rows: np.ndarray) -> tuple[int, int] | None:
    """A 4's crossbar: the row of its middle band with the longest run of ink, and the
    column where that run ends on the right (at or past the stem); None without ink there."""
    top, h = rows.min(), _height(rows)
    best = None  # (run length, row, the run's last column)
    for r in range(int(top + 0.3 * h), int(top + 0.85 * h) + 1):
        ink = np.concatenate([[False], digit[r] > INK, [False]])
        edges = np.flatnonzero(ink[1:] != ink[:-1])  # where runs start and end, in pairs
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            if best is None or end - start > best[0]:
                best = (end - start, r, end - 1)
    return None if best is None else (best[1], best[2])


def closed_4(digit: np.ndarray) -> np.ndarray:
    """A 4 closed at the top: its left arm's top joined to its stem's top. Where the 4's
    crossbar stops at the stem that is a 9's shape; ``crossed_closed_4`` is the one people
    write."""
    rows, cols = _ink(digit)
    middle = (cols.min() + cols.max()) / 2
    left, right = cols < middle, cols >= middle
    if not left.any() or not right.any():
        return digit
    a = (rows[left].min(), cols[left][rows[left].argmin()])
    b = (rows[right].min(), cols[right][rows[right].argmin()])
    return with_strokes(digit, [(a, b)])


def crossed_closed_4(digit: np.ndarray) -> np.ndarray:
    """A 4 closed at the top with its crossbar carried on past the stem, as people write it
    (and most fonts print it): what tells it from a 9."""
    closed = closed_4(digit)
    rows, _ = _ink(digit)
    bar = _crossbar(digit, rows)
    if bar is None:
        return closed
    row, end = bar
    return with_strokes(closed, [((row, end - 1), (row, end + CROSSBAR * _height(rows)))])


def slashed_0(digit: np.ndarray) -> np.ndarray:
    """A 0 with a slash through it, from low left to high right."""
    rows, cols = _ink(digit)
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    inset = 0.15
    low = (bottom - inset * (bottom - top), left + inset * (right - left))
    high = (top + inset * (bottom - top), right - inset * (right - left))
    return with_strokes(digit, [(low, high)])


def dotted_0(digit: np.ndarray) -> np.ndarray:
    """A 0 with a dot in its middle."""
    rows, cols = _ink(digit)
    centre = ((rows.min() + rows.max()) / 2, (cols.min() + cols.max()) / 2)
    return with_strokes(digit, [(centre, (centre[0] + 0.5, centre[1] + 0.5))])


def flat_foot_9(digit: np.ndarray) -> np.ndarray:
    """A 9 whose stem ends in a flat foot to the left."""
    rows, cols = _ink(digit)
    bottom = rows.max()
    col = cols[rows >= bottom - 1].mean()
    h = _height(rows)
    return with_strokes(digit, [((bottom, col), (bottom, col - 0.3 * h))])


# The styles training draws (--styles), each with the digit it is written on. A new style
# here changes what every recorded recipe draws, so the shipped models' recipes would no
# longer give their files: such styles go in MEASURED_ONLY until the models are rebuilt.
STYLES: dict[str, tuple[int, Style]] = {
    "1 with a flag": (1, flag_1),
    "1 with a foot": (1, foot_1),
    "1 with flag and foot": (1, flag_and_foot_1),
    "7 with a crossbar": (7, crossbar_7),
    "closed-top 4": (4, closed_4),
    "slashed 0": (0, slashed_0),
    "dotted 0": (0, dotted_0),
    "9 with a flat foot": (9, flat_foot_9),
}

# Styles benchmarks/styles.py measures beside STYLES.
MEASURED_ONLY: dict[str, tuple[int, Style]] = {"closed 4, bar through": (4, crossed_closed_4)}


def zhang_suen(mask: np.ndarray) -> np.ndarray:
    """Thin a binary mask to a one-pixel skeleton (Zhang and Suen, 1984), vectorised."""
    m = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = [
                np.roll(m, s, (0, 1))
                for s in [(1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1)]
            ]  # P2..P9 clockwise from north
            b = sum(p)
            a = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)) for i in range(8))
            if step == 0:
                c = (p[0] * p[2] * p[4] == 0) & (p[2] * p[4] * p[6] == 0)
            else:
                c = (p[0] * p[2] * p[6] == 0) & (p[0] * p[4] * p[6] == 0)
            remove = (m == 1) & (b >= 2) & (b <= 6) & (a == 1) & c
            if remove.any():
                m[remove] = 0
                changed = True
        if not changed:
            return m[1:-1, 1:-1].astype(bool)


def thin_pen(digit: np.ndarray) -> np.ndarray:
    """The digit drawn with a 1 px pen: its ink thinned to a skeleton."""
    return np.where(zhang_suen(digit > INK), 255, 0).astype(np.uint8)


def brush(digit: np.ndarray) -> np.ndarray:
    """The digit drawn with a paint brush: its strokes grown a pixel on every side, about a
    fifth of the digit's height across."""
    return np.asarray(Image.fromarray(digit).filter(ImageFilter.MaxFilter(3)))


WIDTHS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "1 px pen": thin_pen,
    "MNIST's pen": lambda digit: digit,
    "brush, 1/5 height": brush,
}


# How often each pen writes a restyled training digit (the rest: MNIST's own).
PENS = {"1 px pen": 0.25, "MNIST's pen": 0.5, "brush, 1/5 height": 0.25}


def restyled(
    x: np.ndarray, labels: np.ndarray, share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Copies of a ``share`` of the digits x (N x 784 activations in [0, 1]) written another
    way: in one of their digit's styles where it has any (or as they are), with a pen picked
    by PENS. Returns the copies' activations and labels."""
    chosen = rng.choice(len(x), int(round(share * len(x))), replace=False)
    by_digit: dict[int, list[Style]] = {}
    for digit, style in STYLES.values():
        by_digit.setdefault(digit, []).append(style)
    pens = [WIDTHS[name] for name in PENS]
    pen_of = rng.choice(len(pens), len(chosen), p=list(PENS.values()))
    out = np.empty((len(chosen), SIDE * SIDE), x.dtype)
    for k, i in enumerate(chosen):
        digit = np.round(x[i].reshape(SIDE, SIDE) * 255).astype(np.uint8)
        own = by_digit.get(int(labels[i]), [])
        pick = int(rng.integers(len(own) + 1))  # its styles, or none
        if pick < len(own) and (digit > INK).any():
            digit = own[pick](digit)
        out[k] = pens[pen_of[k]](digit).reshape(-1) / 255
    return out, labels[chosen]


def with_restyled(x: np.ndarray, labels: np.ndarray, share: float, rng: np.random.Generator):
    """The digits followed by restyled copies of a ``share`` of them (see restyled)."""
    more_x, more_labels = restyled(x, labels, share, rng)
    return np.concatenate([x, more_x]), np.concatenate([labels, more_labels])
