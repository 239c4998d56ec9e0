"""Finding the ink on a picture: which way round it is, the paper's light, and the ink mask.

Everything here works on the *analysis copy*: the grayscale picture shrunk by an integer
factor ``scale`` (image pixels per analysis pixel) so that its longer side is at most
ANALYSIS_SIDE. Each analysis pixel keeps the darkest and the lightest value of the image
pixels it covers, as well as their mean, so a pen line one pixel wide survives the
shrinking at full strength.

Nothing assumes that paper is most of the picture: the polarity comes from the picture's
border band (paper in all but the tightest crops), and the paper's brightness from a
morphological opening, which keeps every region wider than a quarter of the picture (the
paper, its uneven light, a shadow, a desk) and removes every stroke narrower than that.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from digitnet.errors import BlankImageError

ANALYSIS_SIDE = 160  # the ink is found on a copy at most this big: enough for a digit's shape
BORDER_BAND = 0.03  # the outer 3% of each side is taken as mostly paper, to tell polarity
# The lit paper's level is this quantile of the border band (ink-up), so a shadow or a desk
# over up to 70% of the band, or a digit touching it, does not move it.
LIT_PAPER_QUANTILE = 0.3
DARK_PAPER = 0.5  # paper darker than mid-grey may carry light ink (a board, dark mode)
EXTREME_RANK = 3  # the ink's extremes are the third darkest and lightest pixels (not a hot pixel)
OPENING_SIDE = 0.25  # regions this wide (of the longer side) are paper; strokes are narrower
MIN_CONTRAST = 0.08  # ink must differ from the paper by this much (of full scale)
NOISE_FACTOR = 6.0  # and by this many standard deviations of the paper's noise
MAD_TO_SIGMA = 1.4826  # a normal distribution's median absolute deviation times this is sigma
STRONG_INK_QUANTILE = 0.95  # the ink's typical strength: a high quantile of what stands out
INK_FRACTION = 0.5  # a pixel is ink at half that strength (anti-aliased edges are half ink)
# Ink this deep (of the darkest ink's depth below the lit paper) is ink even where it is wider
# than the opening (a fat brush's junction): shadows are shallower, at half the paper's light.
DEEP_INK = 0.7


class Ink(NamedTuple):
    """The ink found on a picture, in analysis pixels (``scale`` image pixels each)."""

    scale: int
    dark: bool  # dark ink on light paper
    strength: np.ndarray  # ink over the paper, 0..1 (from the darkest values when dark)
    paper: np.ndarray  # the paper's brightness, ink-up, on the mean-value copy
    mask: np.ndarray  # what counts as ink
    level: float  # the ink's typical strength


def _median(a: np.ndarray) -> float:
    # np.median would import numpy.ma, a sizeable share of a one-image run's start-up time.
    return _quantile(a, 0.5)


def _quantile(a: np.ndarray, q: float) -> float:
    flat = a.ravel()
    k = min(flat.size - 1, int(q * flat.size))
    return float(np.partition(flat, k)[k])


def shrink(pixels: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The darkest, lightest and mean value of each scale x scale block, as 0..1 floats."""
    if scale == 1:
        a = pixels.astype(np.float32) / 255
        return a, a, a
    h, w = pixels.shape
    ph, pw = -h % scale, -w % scale
    if ph or pw:  # repeat the last row and column to fill the blocks
        pixels = np.pad(pixels, ((0, ph), (0, pw)), mode="edge")
    blocks = pixels.reshape(pixels.shape[0] // scale, scale, pixels.shape[1] // scale, scale)
    lo = blocks.min(axis=(1, 3)).astype(np.float32) / 255
    hi = blocks.max(axis=(1, 3)).astype(np.float32) / 255
    mean = blocks.mean(axis=(1, 3), dtype=np.float32) / 255
    return lo, hi, mean


def border_band(a: np.ndarray) -> np.ndarray:
    """The pixels within BORDER_BAND of the picture's edge (at least one pixel deep)."""
    d = max(1, round(BORDER_BAND * max(a.shape)))
    return np.concatenate([a[:d].ravel(), a[-d:].ravel(), a[:, :d].ravel(), a[:, -d:].ravel()])


def _extreme(a: np.ndarray) -> float:
    """The EXTREME_RANK-th largest value."""
    rank = min(EXTREME_RANK, a.size) - 1
    return float(-np.partition(-a.ravel(), rank)[rank])


def is_dark_ink(lo: np.ndarray, hi: np.ndarray, mean: np.ndarray) -> bool:
    """Whether the ink is darker than the paper.

    Paper is light (a page, a screen in light mode, a desk or a shadow only darken parts of
    it), so the ink is dark unless the border band is darker than mid-grey (a board, dark
    mode); then the ink is the extreme further from the band's median.
    """
    paper = _median(border_band(mean))
    if paper >= DARK_PAPER:
        return True
    return paper + _extreme(-lo) >= _extreme(hi) - paper


def _window(a: np.ndarray, size: int, op) -> np.ndarray:
    """op (np.minimum or np.maximum) over a window of odd ``size`` along axis 0, edges
    repeated; by doubling spans, log2(size) array operations instead of size."""
    r = size // 2
    m = np.concatenate([np.repeat(a[:1], r, 0), a, np.repeat(a[-1:], r, 0)])
    span = 1
    while span * 2 <= size:  # m[i] = op(padded[i : i + span])
        m = op(m[:-span], m[span:])
        span *= 2
    if span < size:
        m = op(m[: len(m) - (size - span)], m[size - span :])
    return m


def opening(a: np.ndarray, size: int) -> np.ndarray:
    """Grey opening with a size x size square: what is left when everything brighter than
    its surroundings and narrower than the square is removed."""
    eroded = _window(_window(a, size, np.minimum).T, size, np.minimum).T
    return _window(_window(eroded, size, np.maximum).T, size, np.maximum).T


def dilate(mask: np.ndarray) -> np.ndarray:
    """A boolean mask grown by one pixel all round (8 neighbours)."""
    return _window(_window(mask, 3, np.maximum).T, 3, np.maximum).T


def noise_sigma(a: np.ndarray) -> float:
    """The paper's noise, from differences of neighbouring pixels: strokes' edges are few
    among them however much ink there is, unlike the pixels' own spread."""
    if a.shape[1] < 2:
        return 0.0
    d = np.abs(a[:, 1:] - a[:, :-1])
    return MAD_TO_SIGMA * _median(d) / np.sqrt(2)


def analysis_scale(size: tuple[int, int]) -> int:
    """Image pixels per analysis pixel for a picture of this (width, height)."""
    return max(1, -(-max(size) // ANALYSIS_SIDE))


def find(pixels: np.ndarray, dark: bool | None = None) -> Ink:
    """The ink on an 8-bit grayscale picture (rows x columns); BlankImageError if none."""
    scale = analysis_scale(pixels.shape[::-1])
    lo, hi, mean = shrink(pixels, scale)
    if dark is None:
        dark = is_dark_ink(lo, hi, mean)
    up, up_mean = (1 - lo, 1 - mean) if dark else (hi, mean)
    side = max(3, round(OPENING_SIDE * max(up.shape)) | 1)
    paper = opening(up, side)
    # where the ink is deep, it is ink however wide: the paper there is the lit paper's level
    lit = _quantile(border_band(up), LIT_PAPER_QUANTILE)
    deep = up - lit > DEEP_INK * (_extreme(up) - lit)
    paper[deep] = np.minimum(paper[deep], lit)
    strength = np.clip(up - paper, 0, 1)
    if scale > 1:
        paper = opening(up_mean, side)
        paper[deep] = np.minimum(paper[deep], _quantile(border_band(up_mean), LIT_PAPER_QUANTILE))
    floor = max(MIN_CONTRAST, NOISE_FACTOR * noise_sigma(up))
    standing = strength[strength > floor]
    if standing.size == 0:
        raise BlankImageError("no ink found: the image looks blank")
    level = _quantile(standing, STRONG_INK_QUANTILE)
    mask = strength > max(floor, INK_FRACTION * level)
    return Ink(scale, bool(dark), strength, paper, mask, level)
