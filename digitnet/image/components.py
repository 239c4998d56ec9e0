"""Connected shapes in an ink mask: labelling and the measurements the digit finder uses.

Labelling works on runs (a row's stretches of consecutive ink pixels), not on pixels: a run
in one row touches a run in the next when they overlap or meet at a corner (8-connectivity).
The runs and their contacts are found with array operations, and the shapes are the
connected parts of the run graph, found by label propagation with pointer jumping. A
picture's mask has a few thousand runs at most, so this is a few milliseconds in NumPy
with no SciPy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Shapes(NamedTuple):
    """The connected shapes of a mask, numbered 1..n in raster order of their first pixel.

    Arrays hold one entry per shape (index 0 is shape 1); boxes are (left, top, right,
    bottom) with right and bottom exclusive, in the mask's pixels.
    """

    labels: np.ndarray  # int32 image: 0 for no ink, k for shape k
    area: np.ndarray  # pixels
    box: np.ndarray  # n x 4: left, top, right, bottom

    @property
    def count(self) -> int:
        return len(self.area)

    def width(self) -> np.ndarray:
        return self.box[:, 2] - self.box[:, 0]

    def height(self) -> np.ndarray:
        return self.box[:, 3] - self.box[:, 1]

    def pixels_of(self, numbers, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """Which pixels (in ``box``: left, top, right, bottom; else all) belong to the shapes
        numbered ``numbers``: by a lookup table, 5 times as quick as np.isin."""
        table = np.zeros(self.count + 1, bool)
        table[np.asarray(numbers, int)] = True
        if box is None:
            return table[self.labels]
        left, top, right, bottom = box
        return table[self.labels[top:bottom, left:right]]


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run of ink: its row, first column and end column (exclusive), in raster order."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=bool)
    padded[:, 1:-1] = mask
    # each row's changes alternate: a run's start, its end; one flat search for both is 5
    # times as fast as np.nonzero of a 2-D difference for each (0.07 ms against 0.36 for
    # an 88x459 mask)
    change = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    rows, cols = np.divmod(change, w + 1)
    return rows[::2], cols[::2], cols[1::2]


def _contacts(rows, starts, ends, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a, b) of runs that touch, a in the row above b (8-connected)."""
    stride = width + 2
    start_keys = rows * stride + starts
    end_keys = rows * stride + ends
    # For run b in row r+1, the runs of row r that touch it end at or after b's start and
    # start at or before b's end: a contiguous stretch [lo, hi) of the raster order.
    above = (rows - 1) * stride
    lo = np.searchsorted(end_keys, above + starts, side="left")
    hi = np.searchsorted(start_keys, above + ends, side="right")
    counts = np.maximum(hi - lo, 0)
    b = np.repeat(np.arange(len(rows)), counts)
    first = np.repeat(lo, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return first + offsets, b


def _roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each of n nodes, the smallest node of its connected part of the graph (a, b)."""
    parent = np.arange(n)
    while True:
        before = parent.copy()
        low = np.minimum(parent[a], parent[b])
        np.minimum.at(parent, parent[a], low)
        np.minimum.at(parent, parent[b], low)
        while True:  # pointer jumping: every node straight to its root
            jumped = parent[parent]
            if (jumped == parent).all():
                break
            parent = jumped
        if (parent == before).all():
            return parent


def label(mask: np.ndarray) -> Shapes:
    """The 8-connected shapes of a boolean mask."""
    h, w = mask.shape
    rows, starts, ends = _runs(mask)
    a, b = _contacts(rows, starts, ends, w)
    roots = _roots(len(rows), a, b)
    # shapes numbered by their roots, which ascend in raster order (np.unique would do, but
    # it imports numpy.ma: 17 ms, a tenth of a one-image run)
    run_label = np.cumsum(roots == np.arange(len(roots))).astype(np.int32)[roots]
    n = int(run_label.max()) if len(run_label) else 0
    lengths = ends - starts
    labels = np.zeros(h * w, dtype=np.int32)
    flat_start = rows * w + starts
    pixel = np.repeat(flat_start - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    labels[pixel] = np.repeat(run_label, lengths)
    area = np.bincount(run_label, weights=lengths, minlength=n + 1)[1:].astype(np.int64)
    box = np.empty((n, 4), dtype=np.int64)
    box[:, 0], box[:, 1] = w, h
    box[:, 2:] = 0
    k = run_label - 1
    np.minimum.at(box[:, 0], k, starts)
    np.minimum.at(box[:, 1], k, rows)
    np.maximum.at(box[:, 2], k, ends)
    np.maximum.at(box[:, 3], k, rows + 1)
    return Shapes(labels.reshape(h, w), area, box)


def at_edge(boxes, shape: tuple[int, int]) -> np.ndarray:
    """Which boxes (n x 4: left, top, right, bottom) reach the edge of a picture of ``shape``
    (rows, columns)."""
    b = np.asarray(boxes).reshape(-1, 4)
    rows, cols = shape
    return (b[:, 0] <= 0) | (b[:, 1] <= 0) | (b[:, 2] >= cols) | (b[:, 3] >= rows)


def union(boxes) -> tuple[int, int, int, int]:
    """The box (left, top, right, bottom) around boxes: n x 4, an array or a list."""
    b = np.asarray(boxes)
    return int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())
