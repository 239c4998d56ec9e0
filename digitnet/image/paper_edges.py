"""The page's edge in a photo: where the paper ends and the darker desk begins, the ink
finder sees a thin line; seen from each side, the paper is not alike."""

from __future__ import annotations

import numpy as np

from digitnet.image import components
from digitnet.image import ink as ink_mod
from digitnet.image.components import Shapes

# A shape at the picture's edge is the page's edge when the paper beside it on one side is
# at most this share of the other side's brightness; a stroke has the same paper on both sides
# (docs/decisions.md, "The page's edge in a photo").
STEP = 0.8


def steps(shapes: Shapes, pixels: np.ndarray, ink: ink_mod.Ink) -> np.ndarray:
    """Which shapes (of ink.mask, on the analysis copy) reach the picture's edge with paper
    of unlike brightness on their two sides: the page's edge, not writing."""
    found = components.at_edge(shapes.box, shapes.labels.shape)
    if not found.any():
        return found
    mean = ink_mod.block_means(pixels, ink.scale)[: ink.mask.shape[0], : ink.mask.shape[1]]
    light = mean if ink.dark else 1 - mean  # the paper's lightness, away from the ink's
    for i in np.flatnonzero(found):
        found[i] = _sides_differ(light, ink.mask, shapes.box[i])
    return found


def _sides_differ(light: np.ndarray, mask: np.ndarray, box) -> bool:
    """Whether the paper (no ink) beside the box, left and right of an upright box, above
    and below a flat one, is on one side at most STEP of the other's lightness (medians)."""
    left, top, right, bottom = (int(v) for v in box)
    w, h = right - left, bottom - top
    d = max(2, min(w, h))
    if h >= w:
        sides = (np.s_[top:bottom, max(0, left - d) : left], np.s_[top:bottom, right : right + d])
    else:
        sides = (np.s_[max(0, top - d) : top, left:right], np.s_[bottom : bottom + d, left:right])
    papers = [light[s][~mask[s]] for s in sides]
    if any(p.size == 0 for p in papers):
        return False
    a, b = sorted(ink_mod.quantile(p, 0.5) for p in papers)
    return a <= STEP * b
