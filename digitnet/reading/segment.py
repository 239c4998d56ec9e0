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
4. in each line (:mod:`digitnet.reading.marks`), shapes sharing most of their columns are
   pieces of one digit (a 4 drawn in two strokes, a 5's detached bar); small shapes elsewhere
   are separators by their size and height on the line (a point, a comma, a dash, a colon),
   else pieces of the digit they share most columns with (a bar drawn off to the side), else
   specks; a gap much wider than the line's usual one is a space;
5. a digit much wider than the line is tall is several digits touching: digitnet.reading.reader
   splits it by recognition (:func:`cuts` proposes where).
"""

from __future__ import annotations

import math
import statistics
from typing import NamedTuple

import numpy as np

from digitnet.errors import NotOneDigitError
from digitnet.image import components, digit_shapes, paper_edges
from digitnet.image import ink as ink_mod
from digitnet.image.components import Shapes
from digitnet.image.digit_ink import digit_strength, image_box
from digitnet.image.digit_shapes import SAME_LINE, components_of, sharing
from digitnet.reading import marks, no_number, ruling
from digitnet.reading.marks import Mark

BODY = 0.5  # a shape at least this share of the tallest one's height is a digit's body
MAY_SPLIT = 0.8  # a digit wider than this share of its line's height may be two or more
CUT_MARGIN = 0.12  # a cut leaves at least this share of the line's height on each side
CUT_APART = 0.15  # and candidate cuts are at least this far apart (of the line's height)
# A picture whose tallest shape is at least twice this tall is segmented and read on a copy
# shrunk by a whole factor (each pixel its block's mean), its tallest shape no less than this
# tall: the network sees 20 pixels. benchmarks/read.py's 6-digit number drawn 600 pixels tall
# read in 96 ms instead of 246 (41 ms now); its families drawn 2 and 3 times as big read 1909
# of 2100 numbers exactly, as at full size
SEGMENT_HEIGHT = 64


class Segments(NamedTuple):
    """What segmentation found: the lines (top to bottom), each a list of marks left to
    right, the ink's strength at full resolution inside ``box``, and its shapes."""

    lines: list[list[Mark]]
    line_heights: list[float]
    strength: np.ndarray  # the ink over the paper in ``box``, shrunk by ``scale``
    shapes: Shapes  # the shapes of ``strength`` (boxes relative to ``box``, shrunk)
    box: tuple[int, int, int, int]  # where strength lies in the picture (image pixels)
    scale: int = 1  # each pixel of ``strength`` is a block this many image pixels a side
    left_out: tuple = ()  # the boxes of the frames, edges and lines left out (image pixels)
    combs: tuple = ()  # the boxes of comb fields among them (image pixels)

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
    light = _light_shapes(ink, coarse)
    if light.any():
        ink = ink._replace(mask=ink.mask | light)
        coarse = components.label(ink.mask)
    frame, edge = digit_shapes.clutter(coarse)
    edge |= _shadows(coarse, ink.mask) | paper_edges.steps(coarse, pixels, ink)
    keep = ~frame & ~edge
    w, h = coarse.width(), coarse.height()
    framed = digit_shapes.outline_cover(coarse) >= digit_shapes.FRAME_COVER
    hollow = coarse.area <= ruling.COMB_FILL * w * h
    boxed = keep & (w >= ruling.COMB_WIDE * h) & framed & hollow
    boxed[boxed] = [ruling.ruled_above_and_below(coarse, i) for i in np.flatnonzero(boxed)]
    keep &= ~boxed  # a comb field whose digits touch it so much that it is no hollow frame
    mask = coarse.pixels_of(np.flatnonzero(keep) + 1)
    frame_lines, combs = _inside_frames(coarse, frame | boxed, mask, ink.scale)
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
    if light.any() or _pale(coarse, keep, ink):  # else every digit is as dark as the page's ink
        strength = _each_at_its_level(strength, level)
    shapes = components.label(strength >= ink_mod.FAINT_FRACTION * level)
    rules = ruling.rules(shapes, BODY)  # underlines and overlines: left out, as frames are
    ruled = [tuple(int(v) for v in shapes.box[i]) for i in np.flatnonzero(rules)]
    lines_out = ruling.touching_lines(shapes, BODY)  # and those that touch the digits
    if lines_out.any():
        ruled += [tuple(int(v) for v in b) for b in components.label(lines_out).box]
    if rules.any() or lines_out.any():
        strength = strength * ~(shapes.pixels_of(np.flatnonzero(rules) + 1) | lines_out)
        shapes = components.label(strength >= ink_mod.FAINT_FRACTION * level)
    lines, heights = _without_specks(*_lines(shapes), scale, pixels.shape)
    lines = [
        _without_dust(line, h, strength, shapes) for line, h in zip(lines, heights, strict=True)
    ]
    digits = [m for line in lines for m in line if m.kind == "digit"]
    tallest = max((m.box[3] - m.box[1] for m in digits), default=0) * scale
    if len(digits) <= FEW_MARKS or tallest < SMALL_MARKS * max(pixels.shape):
        _refuse_no_number(coarse, ink)
    found = Segments(lines, heights, strength, shapes, tuple(int(v) for v in box), scale)
    found = found._replace(
        left_out=_left_out(found, coarse, frame | edge | boxed, ruled, ink.scale),
        combs=combs,
    )
    boxes = [found.in_picture(m.box) for m in digits]
    if ink_mod.shading(ink, boxes, pixels.shape):
        raise NotOneDigitError("no number found (blank paper)")
    return found


def _inside_frames(coarse: Shapes, frames: np.ndarray, mask: np.ndarray, scale: int):
    """Adds to ``mask`` the ink inside each frame that is not its lines (digits touching
    their box, as in a comb field); gives the frames' lines and the boxes of the comb fields
    (a frame parted by walls, a character a box; image pixels)."""
    frame_lines = np.zeros_like(mask)
    combs = []
    for i in np.flatnonzero(frames):
        inside, its_lines = ruling.inside_the_lines(coarse, i)
        mask |= inside
        frame_lines |= its_lines
        if ruling.walled(its_lines, coarse.box[i]):
            combs.append(tuple(int(v) * scale for v in coarse.box[i]))
    return frame_lines, tuple(combs)


def _left_out(found: Segments, coarse: Shapes, clutter, rules, scale: int) -> tuple:
    """The boxes (image pixels) of the clutter left out: frames, edges and comb fields
    (``clutter``, shapes of ``coarse``, ``scale`` image pixels a pixel), and the lines over
    and under the number (``rules``, shapes of found.shapes before they were taken out)."""
    boxes = [tuple(int(v) * scale for v in coarse.box[i]) for i in np.flatnonzero(clutter)]
    return tuple(boxes + [found.in_picture(b) for b in rules])


# A desk's shadow, or its corner, reaching into the picture: a shape at the picture's edge
# whose strokes are this many times as wide as the other shapes' on the analysis copy is no
# writing (docs/decisions.md, "Real photos of numbers").
SHADOW_STROKE = 2.0
STROKE_AREA = 10  # shapes of this many analysis pixels or more set the usual stroke width


def _shadows(coarse: Shapes, mask: np.ndarray) -> np.ndarray:
    """Shapes at the picture's edge whose strokes are SHADOW_STROKE times the usual width."""
    if coarse.count < 2:
        return np.zeros(coarse.count, bool)
    outline = mask & ~ink_mod.square_filter(mask, 3, np.minimum)
    edges = np.bincount(coarse.labels[outline], minlength=coarse.count + 1)[1:]
    width = 2 * coarse.area / np.maximum(edges, 1)
    sized = coarse.area >= STROKE_AREA
    usual = float(np.median(width[sized])) if sized.any() else float(np.median(width))
    return components.at_edge(coarse.box, mask.shape) & (width >= SHADOW_STROKE * usual)


# A digit written with a lighter pen is ink against its own surroundings, not against the
# darkest stroke of the page: a shape of faint ink with no strong ink in it, at least LIGHT_BODY
# of the tallest ink shape's height, is ink too (benchmarks/read.py's "light digit").
LIGHT_BODY = 0.7
# ... and a shape whose strongest ink is weaker than LIGHT_LEVEL of the page's is measured
# against its own: its strength scaled up to the page's level, so its strokes are whole
LIGHT_LEVEL = 0.8


def _light_shapes(ink: ink_mod.Ink, coarse: Shapes) -> np.ndarray:
    """The analysis pixels of faint shapes tall enough to be digits written lighter
    (``coarse``: the shapes of the ink's mask)."""
    if not ink.mask.any():
        return ink.mask
    faint = components.label(ink.faint)
    strong = np.zeros(faint.count + 1, bool)
    strong[np.unique(faint.labels[ink.mask])] = True
    tallest = coarse.height().max()
    light = ~strong[1:] & (faint.height() >= LIGHT_BODY * tallest)
    light &= ~components.at_edge(faint.box, ink.mask.shape)  # a photo's shaded corner
    return faint.pixels_of(np.flatnonzero(light) + 1) if light.any() else ink.mask & False


def _pale(coarse: Shapes, keep: np.ndarray, ink: ink_mod.Ink) -> bool:
    """Whether a kept digit-tall shape of the analysis copy is paler than LIGHT_LEVEL of the
    ink's level: only then is the full-resolution strength measured shape by shape."""
    heights = coarse.height()
    tall = keep & (heights >= LIGHT_BODY * heights[keep].max()) if keep.any() else keep
    for i in np.flatnonzero(tall):
        left, top, right, bottom = coarse.box[i]
        own = coarse.labels[top:bottom, left:right] == i + 1
        if ink.strength[top:bottom, left:right][own].max() < LIGHT_LEVEL * ink.level:
            return True
    return False


def _each_at_its_level(strength: np.ndarray, level: float) -> np.ndarray:
    """The strength with each digit-tall shape (LIGHT_BODY) whose strongest pixel is under
    LIGHT_LEVEL of ``level`` scaled up to it (specks stay faint)."""
    shapes = components.label(strength > 0)
    if shapes.count == 0:
        return strength
    out = strength
    heights = shapes.height()
    for i in np.flatnonzero(heights >= LIGHT_BODY * heights.max()):  # a few shapes, by box
        left, top, right, bottom = shapes.box[i]
        own = shapes.labels[top:bottom, left:right] == i + 1
        region = out[top:bottom, left:right]
        peak = float(region[own].max())
        if peak < LIGHT_LEVEL * level:
            if out is strength:
                out = strength.copy()
                region = out[top:bottom, left:right]
            region[own] = np.minimum(region[own] * (level / max(peak, 1e-6)), 1.0)
    return out


# Only a picture of a few marks, or of small ones, may be a line, a dot, a scribble or specks:
# others skip that check (it costs as much as choosing predict's digit).
FEW_MARKS = 2
SMALL_MARKS = 2 * digit_shapes.MIN_SIDE


def _without_specks(lines, heights, scale: int, size: tuple[int, int]):
    """The lines without digit marks too small to show a digit (digit_shapes.speck_sized), and
    without lines left with none. NotOneDigitError when specks were all there was."""

    def speck(m: Mark) -> bool:
        side = max(m.box[2] - m.box[0], m.box[3] - m.box[1]) * scale
        return m.kind == "digit" and digit_shapes.speck_sized(side, max(size))

    kept = [
        ([m for m in line if not speck(m)], h)
        for line, h in zip(lines, heights, strict=True)
        if any(m.kind == "digit" and not speck(m) for m in line)
    ]
    if lines and not kept:
        several = sum(speck(m) for line in lines for m in line) > 1
        raise NotOneDigitError(f"no number found ({'specks' if several else 'a speck'})")
    return [line for line, _ in kept], [h for _, h in kept]


# Dust on a photographed page is taken for points and commas: a point is written with the
# digits' pen, as dark as their strokes and about as wide. A point, comma or colon smaller
# than POINT_MIN of the line's height, or fainter than DUST_INK of the line's digits (the 90th
# percentile of each one's ink), is dust (docs/decisions.md, "Real photos of numbers").
POINT_MIN = 0.1
DUST_INK = 0.85
POINTS = ".,:"


def _without_dust(line: list[Mark], height: float, strength: np.ndarray, shapes: Shapes):
    """The line without the points, commas and colons that are dust (POINT_MIN, DUST_INK)."""
    if not any(m.kind in POINTS for m in line):
        return line

    def ink(m: Mark) -> float:
        left, top, right, bottom = m.box
        own = shapes.pixels_of(m.shapes, m.box)
        return float(np.quantile(strength[top:bottom, left:right][own], 0.9))

    digits = [ink(m) for m in line if m.kind == "digit"]
    usual = float(np.median(digits)) if digits else 0.0

    def dust(m: Mark) -> bool:
        size = max(m.box[2] - m.box[0], m.box[3] - m.box[1])
        return m.kind in POINTS and (size < POINT_MIN * height or ink(m) < DUST_INK * usual)

    return [m for m in line if not dust(m)]


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
        lines.append(marks.line_marks(box, members, mine, height, top, bottom))
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
