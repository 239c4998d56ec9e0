"""Ink to the network's 28x28 input, framed the way MNIST's digits were.

MNIST's digits are light ink on black, their ink fitted into a 20x20 box (keeping the
aspect ratio, anti-aliased) and placed in the 28x28 frame so that the centre of mass is at
the centre. :func:`fit` does that to any ink image; :func:`mnist_framed` recognises a 28x28
picture that is already framed so, to be taken as it is.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from digitnet.data.mnist import SIDE
from digitnet.errors import BlankImageError
from digitnet.image import ink as ink_mod

BOX, CENTRE = 20, 14.0  # MNIST: 20x20 box in the SIDE x SIDE frame, centre of mass at (14, 14)

# A 28x28 picture is taken as MNIST-framed, as it is, when it looks like MNIST's digits: all
# 70,000 have exactly black paper (their corner pixel is 0), an ink box (every pixel that
# is not exactly black) 19 or 20 pixels on its longer side, and their centre of mass within
# 0.52 pixels of (14, 14).
FRAMED_BOX = (18, 20)
FRAMED_CENTRE_OFF = 1.0
BOX_INK = 0.25  # the box fitted into 20x20 holds the ink this strong (of the strongest), not noise
# MNIST's strokes, by stroke_width in the 28x28 frame: median 1.85 px, 10% of digits under
# 1.4. Strokes under THIN_STROKE (a ballpoint on a page: 0.9) are grown towards the median
# on a STROKE_ZOOM times finer copy by grey dilation. benchmarks/realworld.py measured the
# choice (150 pictures a family, default model): growing thin pens 88.0% -> 92.7%; also
# shrinking fat strokes and bringing every width outside 1.4-2.6 to the median cost 1.3 to
# 6 points on plain, bold, chalk and low-resolution pictures, so nothing else is changed.
THIN_STROKE = 1.2
STROKE_TARGET = 1.85
STROKE_ZOOM = 4
STROKE_SQUARES = (3, 5, 7, 9, 11, 13)  # the squares tried, smallest first
FAINT = 0.1  # after scaling, values under this are paper texture and faint noise, not ink


def mnist_framed(pixels: np.ndarray) -> np.ndarray | None:
    """A 28x28 picture's activations as they are (ink turned light if it is dark), if it
    looks framed the way MNIST's digits are; None otherwise."""
    framed, inputs = mnist_framed_batch(pixels[None])
    return inputs[0] if framed[0] else None


def mnist_framed_batch(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For N 28x28 pictures (N x 28 x 28 uint8): which look framed the way MNIST's digits
    are, and every picture's 784 values as they are, ink turned light (N x 784 float32).

    Whole batches at once: predict reads MNIST's own pictures by the thousand, and one
    NumPy call on a single picture costs about as much as on a hundred.
    """
    paper = pixels[:, 0, 0].astype(np.int64)
    inverted = np.where((paper == 255)[:, None, None], 255 - pixels, pixels)  # exact
    a = inverted.astype(np.float32) / np.float32(255)
    rows, cols = a.sum(axis=2), a.sum(axis=1)
    mass = rows.sum(axis=1)
    seen = mass > 0
    mass = np.where(seen, mass, 1)
    off = np.maximum(np.abs(rows @ _INDEX / mass - CENTRE), np.abs(cols @ _INDEX / mass - CENTRE))
    side = np.maximum(_extent(rows > 0), _extent(cols > 0))
    framed = (paper == 0) | (paper == 255)
    framed &= seen & (side >= FRAMED_BOX[0]) & (side <= FRAMED_BOX[1])
    framed &= off <= FRAMED_CENTRE_OFF
    return framed, a.reshape(len(a), SIDE * SIDE)


def _extent(inked: np.ndarray) -> np.ndarray:
    """Per row of a boolean matrix, from its first True to its last, inclusive."""
    n = inked.shape[1]
    return n - inked[:, ::-1].argmax(axis=1) - inked.argmax(axis=1)


_INDEX = np.arange(SIDE, dtype=np.float32)


def _resized(a: np.ndarray, side: int) -> np.ndarray:
    """An ink image scaled so its longer side is ``side``, its strongest ink 1."""
    h, w = a.shape
    scale = side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # through bytes: a third quicker than fromarray and asarray on a digit's few pixels
    img = Image.frombytes("F", (w, h), np.ascontiguousarray(a, np.float32).tobytes())
    img = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = np.frombuffer(img.tobytes(), np.float32).reshape(size[1], size[0])
    return np.clip(out / max(float(out.max()), 1e-6), 0, 1)


def stroke_width(a: np.ndarray) -> float:
    """A stroke's width in pixels: twice its ink over its edges' total variation (a stroke of
    width w and length L holds w L of ink and has 2 L of edge)."""
    edges = np.abs(np.diff(a, axis=0)).sum() + np.abs(np.diff(a, axis=1)).sum()
    return 2 * float(a.sum()) / max(float(edges), 1e-6)


def fit(strength: np.ndarray) -> np.ndarray:
    """Ink (any size, 0..1) fitted into the 20x20 box keeping its aspect, thin strokes
    grown to MNIST's width, and framed (28x28). BlankImageError when no ink survives."""
    (framed,) = fit_many([strength])
    if framed is None:
        raise BlankImageError("no ink found: the image looks blank")
    return framed


def fit_many(strengths: list[np.ndarray]) -> list[np.ndarray | None]:
    """fit() for several inks: each one's 28x28 frame, or None where no ink survives.

    Each ink is scaled on its own; the steps after (stroke widths, faint values, centres
    of mass) run once on the stack of scaled boxes: the six digits of benchmarks/read.py's
    numbers are framed in 1.7 ms instead of 2.0 (digitnet read frames every part it tries).
    """
    n = len(strengths)
    stack = np.zeros((n, BOX, BOX), np.float32)  # each box in the top left corner
    size = np.zeros((n, 2), int)  # its rows and columns; 0 for no ink
    inks: list[np.ndarray | None] = []
    for i, strength in enumerate(strengths):
        ink = _ink_box(strength)
        inks.append(ink)
        if ink is not None:
            a = _resized(ink, BOX)
            stack[i, : a.shape[0], : a.shape[1]] = a
            size[i] = a.shape
    widths = _stroke_widths(stack, size)
    for i in np.flatnonzero((size[:, 0] > 0) & (widths < THIN_STROKE)):
        h, w = size[i]
        a = _grown(inks[i], stack[i, :h, :w].copy(), float(widths[i]))
        stack[i] = 0
        stack[i, : a.shape[0], : a.shape[1]] = a
        size[i] = a.shape
    stack[stack < FAINT] = 0
    mass = stack.sum(axis=2)  # per row
    total = mass.sum(axis=1).astype(np.float64)
    seen = total > 0  # the ink did not survive scaling: too faint or too thin
    total[~seen] = 1
    cy = mass @ np.arange(float(BOX)) / total
    cx = stack.sum(axis=1) @ np.arange(float(BOX)) / total
    top = np.clip(np.round(CENTRE - cy).astype(int), 0, SIDE - size[:, 0])
    left = np.clip(np.round(CENTRE - cx).astype(int), 0, SIDE - size[:, 1])
    out: list[np.ndarray | None] = []
    for i in range(n):
        if not seen[i]:
            out.append(None)
            continue
        (h, w), y, x = size[i], top[i], left[i]
        framed = np.zeros((SIDE, SIDE), np.float32)
        framed[y : y + h, x : x + w] = stack[i, :h, :w]
        out.append(framed)
    return out


def _ink_box(strength: np.ndarray) -> np.ndarray | None:
    """The ink's box: where it is at least BOX_INK of its strongest; None for no ink."""
    top = float(strength.max()) if strength.size else 0.0
    if top <= 0:
        return None
    seen = strength >= BOX_INK * top
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    return strength[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _stroke_widths(stack: np.ndarray, size: np.ndarray) -> np.ndarray:
    """stroke_width of each box of a stack, each in its top left corner (``size``: its rows
    and columns), counting only the differences inside it."""
    inside = np.arange(1, stack.shape[1])
    down = np.abs(np.diff(stack, axis=1)) * (inside[None, :, None] < size[:, 0, None, None])
    across = np.abs(np.diff(stack, axis=2)) * (inside[None, None, :] < size[:, 1, None, None])
    edges = (down.sum(axis=(1, 2)) + across.sum(axis=(1, 2))).astype(np.float64)
    return 2 * stack.sum(axis=(1, 2)).astype(np.float64) / np.maximum(edges, 1e-6)


def _grown(strength: np.ndarray, a: np.ndarray, width: float) -> np.ndarray:
    """A box of thin strokes (``a``, scaled from ``strength``, its stroke width ``width``)
    grown on a finer copy by the square that brings them nearest to MNIST's width (the
    measure is not linear in the square's size: they are tried)."""
    fine = _resized(strength, BOX * STROKE_ZOOM)
    for size in STROKE_SQUARES:
        candidate = _resized(ink_mod.square_filter(fine, size, np.maximum), BOX)
        if abs(stroke_width(candidate) - STROKE_TARGET) >= abs(width - STROKE_TARGET):
            break
        a, width = candidate, stroke_width(candidate)
    return a
