"""Finding the ink on a picture: which way round it is, the paper's light, and the ink mask.

Everything here works on the *analysis copy*: the grayscale picture shrunk by an integer
factor ``scale`` (image pixels per analysis pixel) so that its longer side is at most
ANALYSIS_SIDE. Each analysis pixel keeps the darkest and the lightest value of the image
pixels it covers, as well as their mean, so a pen line one pixel wide survives the
shrinking at full strength.

Nothing assumes that paper is most of the picture:

1. polarity: paper is light unless the picture's border band is darker than mid-grey (a
   board, dark mode), then the ink is the extreme further from the band;
2. the paper's light: a grey opening with a square a quarter of the picture wide (and at
   least three strokes wide) keeps every region wider than that (the paper, its uneven
   light, a shadow, a desk) and removes the strokes; a quadratic fills in where it cuts a
   vignetted corner, and deep ink in blobs the square fits in stays ink;
3. the ink's strength: how much it darkens the paper's own light (so a stroke in a shadow
   counts as much as one in full light);
4. the ink mask: strength over half the strong ink's level and over the paper's noise;
   fainter ink, over a quarter, links pieces of one digit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PIL import Image

from digitnet.errors import BlankImageError
from digitnet.image.components import at_edge, label

ANALYSIS_SIDE = 160  # the ink is found on a copy at most this big: enough for a digit's shape
BORDER_BAND = 0.05  # the outer 5% of each side is taken as mostly paper, to tell polarity
# The lit paper's level is this quantile of the border band (ink-up), so a shadow, a desk or
# a frame over up to 70% of the band, or a digit touching it, does not move it.
LIT_PAPER_QUANTILE = 0.3
DARK_PAPER = 0.5  # paper darker than mid-grey may carry light ink (a board, dark mode)
EXTREME_RANK = 3  # the ink's extremes are the third darkest and lightest pixels (not a hot pixel)
OPENING_SIDE = 0.25  # regions this wide (of the longer side) are paper; strokes are narrower
STROKES_PER_SQUARE = 3  # ... and the square is at least three strokes wide (junctions, loops)
FIT_POINTS = 256  # the quadratic under the opening is fitted on about this many pixels
FIT_ROUNDS = 3  # and refitted this many times to the values at or under it
# Ink must differ from the paper by this much (of full scale): the darkest specks of a blank
# phone photo's noise (JPEG, the darkest pixel of each analysis block) reach 0.14.
MIN_CONTRAST = 0.15
NOISE_FACTOR = 6.0  # and by this many standard deviations of the paper's noise
MIN_PAPER_LIGHT = 0.2  # paper darker than this is not divided by (a black desk is no paper)
MAD_TO_SIGMA = 1.4826  # a normal distribution's median absolute deviation times this is sigma
# the lower quartile of |x - y| for x, y independent normal with deviation sigma, over sigma
QUARTILE_OF_DIFFERENCE = 0.4506
STRONG_INK_QUANTILE = 0.99  # the ink's strength: a high quantile of what stands out (ruling
# lines fainter than the ink can be most of it)
INK_FRACTION = 0.5  # a pixel is ink at half that strength (anti-aliased edges are half ink)
FAINT_FRACTION = 0.25  # at a quarter, it links pieces of ink into one digit
# Ink this deep (of the darkest ink's depth below the lit paper) is ink even where it is wider
# than the opening (a fat brush's junction), if it is blob-shaped (see ink_blobs).
DEEP_INK = 0.7
DEEP_MIN = 0.35  # and at least this deep: a vignetted corner of a blank page is not ink
DEEP_BLOB = 1.5  # deep ink touching the edge is ink up to this many opening squares wide


class Ink(NamedTuple):
    """The ink found on a picture, in analysis pixels (``scale`` image pixels each)."""

    scale: int
    dark: bool  # dark ink on light paper
    strength: np.ndarray  # ink over the paper, 0..1 (from the darkest values when dark)
    paper: np.ndarray  # the paper's brightness, ink-up, on the mean-value copy
    mask: np.ndarray  # what counts as ink
    faint: np.ndarray  # fainter ink, which links pieces of one stroke (a faint pen's gap)
    level: float  # the ink's typical strength


def _median(a: np.ndarray) -> float:
    # np.median would import numpy.ma, a sizeable share of a one-image run's start-up time.
    return quantile(a, 0.5)


def quantile(a: np.ndarray, q: float) -> float:
    """The value below which a share q of a's values lie (one partition, no sort)."""
    flat = a.ravel()
    k = min(flat.size - 1, int(q * flat.size))
    return float(np.partition(flat, k)[k])


def shrink(pixels: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The darkest, lightest and mean value of each scale x scale block, as 0..1 floats."""
    if scale == 1:
        a = pixels.astype(np.float32) / 255
        return a, a, a
    pixels = _whole_blocks(pixels, scale)
    lo, hi = (_block_extreme(pixels, scale, op).astype(np.float32) / 255 for op in EXTREMES)
    return lo, hi, block_means(pixels, scale)


def block_means(pixels: np.ndarray, scale: int) -> np.ndarray:
    """The mean value of each scale x scale block, as 0..1 floats (the last row and column
    of blocks repeat the picture's last row and column)."""
    if scale == 1:
        return pixels.astype(np.float32) / 255
    reduced = Image.fromarray(_whole_blocks(pixels, scale)).reduce(scale)
    return np.asarray(reduced, dtype=np.float32) / 255


def _whole_blocks(pixels: np.ndarray, scale: int) -> np.ndarray:
    """The picture with its last row and column repeated to fill whole blocks."""
    h, w = pixels.shape
    ph, pw = -h % scale, -w % scale
    return np.pad(pixels, ((0, ph), (0, pw)), mode="edge") if ph or pw else pixels


# A blank page photographed: its darker corners stand out from the paper by little more than
# the noise, ink by far more; marks that all touch the picture's edge on a page whose strongest
# ink is this pale are the page's shading (docs/decisions.md, "A lighter digit, specks, blank
# paper").
PALE_INK = 0.35


def shading(ink: Ink, boxes, shape: tuple[int, int]) -> bool:
    """Whether marks (``boxes`` in image pixels, on a picture of ``shape``) are a blank page's
    shading: pale ink (PALE_INK), every mark at the picture's edge."""
    return ink.level < PALE_INK and bool(at_edge(boxes, shape).all())


EXTREMES = (np.minimum, np.maximum)


def shrunk(a: np.ndarray, f: int) -> np.ndarray:
    """``a`` shrunk f times each way, each pixel its f x f block's mean (the edges padded
    with zeros)."""
    h, w = a.shape
    a = np.pad(a, ((0, -h % f), (0, -w % f)))
    # the sum of the f x f strided sub-grids: 8 times as fast as a mean over the reshaped
    # array's axes (0.28 ms against 2.25 for a 175x917 strength shrunk twice)
    total = a[::f, ::f].astype(np.result_type(a.dtype, np.float32))
    for i in range(f):
        for j in range(f):
            if i or j:
                total += a[i::f, j::f]
    return total / (f * f)


def _block_extreme(pixels: np.ndarray, scale: int, op) -> np.ndarray:
    """op over each scale x scale block, one block column and then one block row at a time:
    measured 4x faster than NumPy's reduction over two strided axes (1.8 ms against 7.8 ms
    for a 1500x1400 photo)."""
    rows, cols = pixels.shape
    across = pixels.reshape(rows, cols // scale, scale)
    out = across[:, :, 0].copy()
    for i in range(1, scale):
        op(out, across[:, :, i], out=out)
    down = out.reshape(rows // scale, scale, cols // scale)
    out = down[:, 0].copy()
    for i in range(1, scale):
        op(out, down[:, i], out=out)
    return out


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
    mode; a frame along the border covers less of the band); then the ink is the extreme
    further from the band's median.
    """
    band = border_band(mean)
    if quantile(band, 1 - LIT_PAPER_QUANTILE) >= DARK_PAPER:
        return True
    paper = _median(band)
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


def square_filter(a: np.ndarray, size: int, op) -> np.ndarray:
    """op (np.minimum: erosion, np.maximum: dilation) over a size x size square."""
    return _window(_window(a, size, op).T, size, op).T


def opening(a: np.ndarray, size: int) -> np.ndarray:
    """Grey opening with a size x size square: what is left when everything brighter than
    its surroundings and narrower than the square is removed."""
    return square_filter(square_filter(a, size, np.minimum), size, np.maximum)


def dilate(mask: np.ndarray) -> np.ndarray:
    """A boolean mask grown by one pixel all round (8 neighbours); a stack of masks (any
    leading axes) each on its own.

    The same as ``square_filter(mask, 3, np.maximum)``, in shifted ORs: 21 against 48 us on
    a 75x45 mask, and digitnet.reading.reader's race grows its fronts hundreds of times a picture.
    """
    tall = mask.copy()
    tall[..., 1:, :] |= mask[..., :-1, :]
    tall[..., :-1, :] |= mask[..., 1:, :]
    out = tall.copy()
    out[..., 1:] |= tall[..., :-1]
    out[..., :-1] |= tall[..., 1:]
    return out


def paper_light(opened: np.ndarray, blobs: np.ndarray, lit: float) -> np.ndarray:
    """The paper's brightness (ink-up) under every pixel, from the picture's grey opening.

    The opening (see :func:`opening`) follows the paper's light, a shadow's edge and a desk;
    where it cuts a smooth bump of the light (a vignetted corner), a quadratic surface
    through it fills in. In ``blobs``, ink too wide for the opening (a fat brush's
    junction), the paper is the lit paper's level ``lit``.
    """
    paper = opened.copy()
    paper[blobs] = np.minimum(paper[blobs], lit)
    return np.maximum(paper, _quadratic_fit(paper))


def ink_blobs(up: np.ndarray, opened: np.ndarray, side: int, lit: float) -> np.ndarray:
    """Ink the opening took for paper: where the opening itself is as deep as ink, in blobs
    that either stay clear of the picture's edge or are no bigger than a few squares (a
    fat brush's junction); a shadow or a desk comes in from the edge and is bigger.
    ``lit`` is the lit paper's level."""
    deep = opened - lit > max(DEEP_INK * (_extreme(up) - lit), DEEP_MIN)
    if not deep.any():
        return deep
    shapes = label(deep)
    rows, cols = deep.shape
    left, top, right, bottom = shapes.box.T
    inside = (left > 0) & (top > 0) & (right < cols) & (bottom < rows)
    small = np.maximum(right - left, bottom - top) <= DEEP_BLOB * side
    return shapes.pixels_of(np.flatnonzero(inside | small) + 1)


def _quadratic_fit(a: np.ndarray) -> np.ndarray:
    """A least-squares quadratic surface through a smooth image, fitted on a sparse grid
    and refitted to the lower values (a shadow or a desk does not pull it up)."""
    h, w = a.shape
    step = max(1, int(np.sqrt(a.size / FIT_POINTS)))
    u, v = (np.arange(w) + 0.5) / w, (np.arange(h) + 0.5) / h
    uu, vv = np.meshgrid(u[::step], v[::step])
    uu, vv = uu.ravel(), vv.ravel()
    design = np.stack([np.ones_like(uu), uu, vv, uu * uu, uu * vv, vv * vv], axis=-1)
    sample = a[::step, ::step].ravel()
    keep = np.ones(sample.size, bool)
    for _ in range(FIT_ROUNDS):
        d = design[keep]  # normal equations: a 6x6 solve, far cheaper than a general lstsq
        c = np.linalg.solve(d.T @ d + 1e-9 * np.eye(6), d.T @ sample[keep])
        resid = sample - design @ c
        keep = resid <= MAD_TO_SIGMA * _median(np.abs(resid[keep])) + 1e-3
    u, v = u[None, :], v[:, None]
    return ((c[0] + c[1] * u + c[3] * u * u) + v * (c[2] + c[4] * u) + c[5] * v * v).astype(
        np.float32
    )


def contrast(up: np.ndarray, paper: np.ndarray, dark: bool) -> np.ndarray:
    """The ink's strength over the paper, 0..1. Dark ink is measured against the paper's
    own light, so a stroke in a shadow is as strong as one in full light."""
    over = up - paper
    if dark:  # ink-up paper p is light 1 - p: a pixel darkens it by the share over / (1 - p)
        over = over / np.maximum(1 - paper, MIN_PAPER_LIGHT)
    return np.clip(over, 0, 1)


def noise_sigma(a: np.ndarray) -> float:
    """The paper's noise, from differences of neighbouring pixels across and down: strokes'
    edges are a minority of them however much ink there is, unlike the pixels' own spread.
    The lower quartile is used, so edges may be up to three quarters (a tiny, blurred
    picture; a tight crop of a 1 five pixels wide)."""
    d = np.concatenate([np.abs(np.diff(a, axis=1)).ravel(), np.abs(np.diff(a, axis=0)).ravel()])
    return quantile(d, 0.25) / QUARTILE_OF_DIFFERENCE if d.size else 0.0


def analysis_scale(size: tuple[int, int]) -> int:
    """Image pixels per analysis pixel for a picture of this (width, height)."""
    return max(1, -(-max(size) // ANALYSIS_SIDE))


def _separate(up: np.ndarray, side: int, dark: bool, floor: float):
    """Ink from paper with an opening square of ``side``: the strength, the paper, the ink
    and faint masks and the ink's level."""
    opened = opening(up, side)
    lit = quantile(border_band(up), LIT_PAPER_QUANTILE)
    paper = paper_light(opened, ink_blobs(up, opened, side, lit), lit)
    strength = contrast(up, paper, dark)
    standing = strength[strength > floor]
    if standing.size == 0:
        raise BlankImageError("no ink found: the image looks blank")
    level = quantile(standing, STRONG_INK_QUANTILE)
    mask = strength > max(floor, INK_FRACTION * level)
    faint = strength > max(floor, FAINT_FRACTION * level)
    return strength, paper, mask, faint, level


def stroke_width(mask: np.ndarray) -> float:
    """The strokes' width in pixels: twice their area over their outline's length."""
    outline = mask & ~square_filter(mask, 3, np.minimum)
    return 2 * float(mask.sum()) / max(float(outline.sum()), 1.0)


def find(pixels: np.ndarray, dark: bool | None = None) -> Ink:
    """The ink on an 8-bit grayscale picture (rows x columns); BlankImageError if none."""
    scale = analysis_scale(pixels.shape[::-1])
    lo, hi, mean = shrink(pixels, scale)
    if dark is None:
        dark = is_dark_ink(lo, hi, mean)
    up, up_mean = (1 - lo, 1 - mean) if dark else (hi, mean)
    floor = max(MIN_CONTRAST, NOISE_FACTOR * noise_sigma(up))
    side = max(3, round(OPENING_SIDE * max(up.shape)) | 1)
    strength, paper, mask, faint, level = _separate(up, side, dark, floor)
    wide = 1 + 2 * round(STROKES_PER_SQUARE * stroke_width(mask) / 2)
    if wide > side:  # strokes this wide need a wider square (a tight crop of a thick pen)
        side = wide
        strength, paper, mask, faint, level = _separate(up, side, dark, floor)
    if scale > 1:  # the full-resolution image is measured against the block means' paper,
        # which lies under the extremes' paper by the paper's own spread within a block
        paper = paper - _median((up - up_mean)[~faint])
    return Ink(scale, bool(dark), strength, paper, mask, faint, level)
