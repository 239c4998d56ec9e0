"""Finding the digits of a written number: its lines, its digits and its separators.

Works in the picture's own pixels (*image pixels*), on the ink found by
:func:`digitnet.image.ink.find`; writing more than twice SEGMENT_HEIGHT tall, on a copy shrunk by
a whole factor (Segments.scale; boxes come back in image pixels by Segments.in_picture):

1. the ink's shapes on the analysis copy that are frames or edges (a form's box, a desk) are
   left out (:func:`digitnet.image.digit_shapes.clutter`), and the ink of the rest is measured
   again at full resolution, so digits a few pixels apart stay apart;
2. the full-resolution shapes, linked by fainter ink (a faint pen's dotted stroke), are
   labelled; *bodies* are those at least half as tall as the tallest, specks (tiny shapes)
   are dropped;
3. bodies whose rows overlap enough chain into *lines* (a slanted line still chains,
   neighbour to neighbour), read top to bottom;
4. in each line, shapes sharing most of their columns are pieces of one digit (a 4 drawn
   in two strokes, a 5's detached bar); small shapes elsewhere are separators by their
   size and height on the line (a point, a comma, a dash), else pieces of the digit they
   share most columns with (a bar drawn off to the side), else specks; a gap much wider than
   the line's usual one is a space;
5. a digit much wider than the line is tall is several digits touching: digitnet.reading.reader
   splits it by recognition (:func:`cuts` proposes where).
"""

from __future__ import annotations

import math
import statistics
from typing import NamedTuple

import numpy as np

from digitnet.errors import NotOneDigitError
from digitnet.image import components, digit_shapes
from digitnet.image import ink as ink_mod
from digitnet.image.components import Shapes
from digitnet.image.digit_ink import digit_strength, image_box
from digitnet.image.digit_shapes import SAME_LINE, components_of, overlap, sharing
from digitnet.reading import no_number, ruling

BODY = 0.5  # a shape at least this share of the tallest one's height is a digit's body
SPECK = 0.08  # a shape smaller than this share of the line's height (both ways) is a speck
SAME_DIGIT = 0.5  # shapes sharing this share of the narrower one's columns are one digit ...
PIECE_REACH = 0.35  # ... when no further apart vertically than this share of the line height
# separators, by their size and place on the line (shares of the line's height)
POINT_SIZE = 0.32  # a point is at most this big both ways
COMMA_HEIGHT = 0.6  # a comma at most this tall, and in the line's lower half
DASH_HEIGHT = 0.25  # a dash at most this tall, ...
DASH_WIDTH = (0.15, 1.1)  # ... this wide, ...
DASH_BAND = (0.25, 0.8)  # ... its centre in this band of the line (from the top)
DASH_FLAT = 1.5  # ... and at least this many times as wide as tall
LOWER_HALF = 0.5  # points and commas start below this share of the line (from the top) ...
POINT_DROP = 0.1  # ... a point ends no lower than this below the line's bottom ...
POINT_ROUND = 1.4  # ... and is less than this many times as tall as wide (else a comma)
SPACE_GAP = 0.55  # a gap between digits wider than this share of the line's height ...
SPACE_RATIO = 1.8  # ... and this many times the line's usual gap is a space
MAY_SPLIT = 0.8  # a digit wider than this share of its line's height may be two or more
CUT_MARGIN = 0.12  # a cut leaves at least this share of the line's height on each side
CUT_APART = 0.15  # and candidate cuts are at least this far apart (of the line's height)
# A picture whose tallest shape is at least twice this tall is segmented and read on a copy
# shrunk by a whole factor (each pixel its block's mean), its tallest shape no less than this
# tall: the network sees 20 pixels. benchmarks/read.py's 6-digit number drawn 600 pixels tall
# read in 96 ms instead of 246 (41 ms now); its families drawn 2 and 3 times as big read 1909
# of 2100 numbers exactly, as at full size
SEGMENT_HEIGHT = 64


class Mark(NamedTuple):
    """A digit or a separator of a line, in image pixels."""

    kind: str  # "digit", or the separator: ",", ".", "-", " "
    box: tuple[int, int, int, int]  # left, top, right, bottom (right, bottom exclusive)
    shapes: tuple[int, ...] = ()  # its full-resolution shapes' numbers in Shapes.labels


class Segments(NamedTuple):
    """What segmentation found: the lines (top to bottom), each a list of marks left to
    right, the ink's strength at full resolution inside ``box``, and its shapes."""

    lines: list[list[Mark]]
    line_heights: list[float]
    strength: np.ndarray  # the ink over the paper in ``box``, shrunk by ``scale``
    shapes: Shapes  # the shapes of ``strength`` (boxes relative to ``box``, shrunk)
    box: tuple[int, int, int, int]  # where strength lies in the picture (image pixels)
    scale: int = 1  # each pixel of ``strength`` is a block this many image pixels a side

    def in_picture(self, box) -> tuple[int, int, int, int]:
        """A box of ``strength`` (left, top, right, bottom) in image pixels."""
        left, top, right, bottom = self.box
        s = self.scale
        return (
            left + box[0] * s,
            top + box[1] * s,
            min(left + box[2] * s, right),
            min(top + box[3] * s, bottom),
        )


def find(pixels: np.ndarray) -> Segments | None:
    """The lines, digits and separators of a grayscale picture; None when the picture has
    no ink left once frames and edges are left out. BlankImageError when it has none."""
    ink = ink_mod.find(pixels)
    coarse = components.label(ink.mask)
    frame, edge = digit_shapes.clutter(coarse)
    keep = ~frame & ~edge
    w, h = coarse.width(), coarse.height()
    framed = digit_shapes.outline_cover(coarse) >= digit_shapes.FRAME_COVER
    hollow = coarse.area <= ruling.COMB_FILL * w * h
    boxed = keep & (w >= ruling.COMB_WIDE * h) & framed & hollow
    boxed[boxed] = [ruling.ruled_above_and_below(coarse, i) for i in np.flatnonzero(boxed)]
    keep &= ~boxed  # a comb field whose digits touch it so much that it is no hollow frame
    mask = coarse.pixels_of(np.flatnonzero(keep) + 1)
    frame_lines = np.zeros_like(mask)  # the lines of frames and combs
    for i in np.flatnonzero(frame | boxed):  # digits that touch their box (a comb field)
        inside, its_lines = ruling.inside_the_lines(coarse, i)
        mask |= inside
        frame_lines |= its_lines
    if not mask.any():
        _refuse_no_number(coarse, ink)
        return None
    kept = components.label(mask)
    box = image_box(components.union(kept.box), ink.scale, pixels.shape)
    tallest = int(kept.height().max()) * ink.scale
    scale = max(1, tallest // SEGMENT_HEIGHT)
    strength = digit_strength(pixels, ink, coarse, keep, box, scale, mask, frame_lines)
    if not strength.any():
        return None
    level = ink_mod.quantile(strength[strength > 0], ink_mod.STRONG_INK_QUANTILE)
    shapes = components.label(strength >= ink_mod.FAINT_FRACTION * level)
    rules = ruling.rules(shapes, BODY)  # underlines and overlines: left out, as frames are
    if rules.any():
        strength = strength * ~shapes.pixels_of(np.flatnonzero(rules) + 1)
        shapes = components.label(strength >= ink_mod.FAINT_FRACTION * level)
    lines, heights = _lines(shapes)
    digits = [m for line in lines for m in line if m.kind == "digit"]
    tallest = max((m.box[3] - m.box[1] for m in digits), default=0) * scale
    if len(digits) <= FEW_MARKS or tallest < SMALL_MARKS * max(pixels.shape):
        _refuse_no_number(coarse, ink)
    return Segments(lines, heights, strength, shapes, tuple(int(v) for v in box), scale)


# Only a picture of a few marks, or of small ones, may be a line, a dot, a scribble or specks:
# others skip that check (it costs as much as choosing predict's digit).
FEW_MARKS = 2
SMALL_MARKS = 2 * digit_shapes.MIN_SIDE


def _refuse_no_number(coarse: Shapes, ink: ink_mod.Ink) -> None:
    """NotOneDigitError with the reason when the ink holds no number (a line, a dot, specks,
    a scribble, only a frame: see no_number.why)."""
    if why := no_number.why(coarse, ink.strength, ink.faint, ink.scale):
        raise NotOneDigitError(why)


def digit_lines(strength: np.ndarray) -> int:
    """How many lines of digits ink (``strength``, rows x columns) holds, found as
    :func:`find` finds them; 1 at once when no blank row parts the ink."""
    rows = np.flatnonzero(strength.any(axis=1))
    if rows.size == 0 or rows[-1] - rows[0] + 1 == rows.size:
        return min(1, rows.size)
    shrink = max(1, (rows[-1] - rows[0] + 1) // SEGMENT_HEIGHT)  # as big writing is
    small = ink_mod.shrunk(strength, shrink) if shrink > 1 else strength
    level = ink_mod.quantile(small[small > 0], ink_mod.STRONG_INK_QUANTILE)
    lines, _ = _lines(components.label(small >= ink_mod.FAINT_FRACTION * level))
    return sum(any(m.kind == "digit" for m in line) for line in lines)


def _lines(shapes: Shapes) -> tuple[list[list[Mark]], list[float]]:
    if shapes.count == 0:
        return [], []
    # a picture has a handful of shapes: plain Python numbers are quicker than NumPy's here
    box = shapes.box.tolist()
    tallest = max(b[3] - b[1] for b in box)
    body = [i for i, b in enumerate(box) if b[3] - b[1] >= BODY * tallest]
    # bodies chain into lines when their rows overlap enough
    rows = [(box[b][1], box[b][3]) for b in body]
    found = []
    for part in components_of(len(body), sharing(rows, SAME_LINE)):
        members = [body[i] for i in part]
        middle = sum(box[m][1] + box[m][3] for m in members) / (2 * len(members))
        found.append((middle, members))
    found.sort(key=lambda t: t[0])
    taken = set(body)
    small = [s for s in range(shapes.count) if s not in taken]
    line_of = {s: _nearest_line(box[s], found, box) for s in small}
    lines, heights = [], []
    for k, (_, members) in enumerate(found):
        height = float(statistics.median(box[m][3] - box[m][1] for m in members))
        top = float(statistics.median(box[m][1] for m in members))
        bottom = float(statistics.median(box[m][3] for m in members))
        mine = [s for s in small if line_of[s] == k]
        lines.append(_marks(box, members, mine, height, top, bottom))
        heights.append(height)
    return lines, heights


def _nearest_line(b: list[int], found, box: list[list[int]]) -> int:
    """The line whose bodies are vertically nearest to box b (their rows, at b's columns)."""
    cy = (b[1] + b[3]) / 2
    best, where = math.inf, 0
    for k, (_, members) in enumerate(found):
        d = min(max(0, box[m][1] - cy, cy - box[m][3]) for m in members)
        if d < best:
            best, where = d, k
    return where


def _marks(
    box: list[list[int]],
    bodies: list[int],
    small: list[int],
    height: float,
    top: float,
    bottom: float,
) -> list[Mark]:
    """A line's digits and separators, left to right (``box``: every shape's box)."""
    # bodies sharing most of their columns are one digit (a 4 in two strokes)
    columns = [(box[b][0], box[b][2]) for b in bodies]
    digits = [
        [bodies[i] for i in part]
        for part in components_of(len(bodies), sharing(columns, SAME_DIGIT))
    ]
    spans = [components.union([box[s] for s in d]) for d in digits]
    separators = []
    for s in small:
        b = box[s]
        if max(b[2] - b[0], b[3] - b[1]) < SPECK * height:
            continue
        # a piece of a digit: under or over it, sharing its columns (a 5's bar); else a
        # separator by its shape; else a piece of the digit it shares most columns with (a
        # 5's bar drawn off to the side), if any
        host = _host(b, spans, height)
        kind = _separator(b, height, top, bottom) if host is None else None
        if host is None and kind is None:
            host = _host(b, spans, height, least=0.0)
        if host is not None:
            digits[host].append(s)
            spans[host] = components.union([spans[host], b])
        elif kind is not None:
            separators.append(Mark(kind, tuple(b), (s + 1,)))
    marks = [Mark("digit", u, tuple(v + 1 for v in d)) for d, u in zip(digits, spans, strict=True)]
    marks += separators
    marks.sort(key=lambda m: (m.box[0] + m.box[2]) / 2)
    return _with_spaces(marks, height)


def _host(b: list[int], spans: list[tuple[int, ...]], height: float, least=SAME_DIGIT):
    """The digit a small shape is a piece of: the one (of the digits' boxes ``spans``)
    sharing the most of its columns, more than ``least`` of them, no further than
    PIECE_REACH above or below; or None."""
    best, host = 0, None
    for k, u in enumerate(spans):
        shared = overlap(b[0], b[2], u[0], u[2])
        gap = -overlap(b[1], b[3], u[1], u[3])
        if shared >= least * (b[2] - b[0]) and shared > best and gap <= PIECE_REACH * height:
            best, host = shared, k
    return host


def _separator(b: np.ndarray, height: float, top: float, bottom: float) -> str | None:
    """Which separator a small shape is, by its size and its height on the line."""
    sw, sh = (b[2] - b[0]) / height, (b[3] - b[1]) / height
    centre = ((b[1] + b[3]) / 2 - top) / max(bottom - top, 1)
    lower = (b[1] - top) / max(bottom - top, 1)
    flat = sh <= DASH_HEIGHT and DASH_WIDTH[0] <= sw <= DASH_WIDTH[1] and sw >= DASH_FLAT * sh
    if flat and DASH_BAND[0] <= centre <= DASH_BAND[1]:
        return "-"
    if lower >= LOWER_HALF and sw <= POINT_SIZE:
        low_enough = b[3] <= bottom + POINT_DROP * height
        if sh <= POINT_SIZE and low_enough and sh < POINT_ROUND * sw:
            return "."
        if sh <= COMMA_HEIGHT:
            return ","
    return None


def _with_spaces(marks: list[Mark], height: float) -> list[Mark]:
    """The marks with a space where a gap between two digits is much wider than the line's
    usual gap between neighbouring marks."""
    if len(marks) < 3:
        return marks
    usual = float(
        statistics.median(b.box[0] - a.box[2] for a, b in zip(marks, marks[1:], strict=False))
    )
    out: list[Mark] = []
    for a, b in zip(marks, [*marks[1:], None], strict=True):
        out.append(a)
        if b is None or a.kind != "digit" or b.kind != "digit":
            continue
        gap = b.box[0] - a.box[2]
        if gap >= SPACE_GAP * height and gap >= SPACE_RATIO * max(usual, 1):
            out.append(Mark(" ", (a.box[2], a.box[1], b.box[0], a.box[3])))
    return out


def cut_margin(height: float) -> int:
    """The columns a cut leaves at least on each side of a mark (CUT_MARGIN)."""
    return max(1, int(CUT_MARGIN * height))


def cuts(profile: np.ndarray, height: float, most: int = 5) -> list[int]:
    """Where to try cutting a run of touching digits: the columns (of ``profile``, the ink in
    each column) at its lowest valleys, CUT_APART from each other and leaving CUT_MARGIN of
    the line's height on each side, the lowest first."""
    margin = cut_margin(height)
    n = len(profile)
    if n <= 2 * margin:
        return []
    inner = np.arange(margin, n - margin)
    p = np.convolve(profile, np.ones(3) / 3, mode="same")
    left, right = p[inner - 1], p[np.minimum(inner + 1, n - 1)]
    valleys = inner[(p[inner] <= left) & (p[inner] <= right)]
    if valleys.size == 0:
        valleys = inner
    order = valleys[np.argsort(p[valleys], kind="stable")]
    chosen: list[int] = []
    for c in order.tolist():  # keep cuts apart from each other
        if all(abs(c - k) >= CUT_APART * height for k in chosen):
            chosen.append(c)
        if len(chosen) == most:
            break
    return chosen
