"""A line's marks: its digits (a digit's pieces kept together), its separators (a point, a
comma, a dash, a colon) by their size and place on the line, and the spaces between them."""

from __future__ import annotations

import statistics
from typing import NamedTuple

import numpy as np

from digitnet.image import components
from digitnet.image.digit_shapes import components_of, overlap, sharing

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
SPACE_RATIO = 1.8  # ... and this many times the line's usual gap is a space, ...
SPACE_STEP = 0.25  # ... when the digits' centres stand this much further apart than usual


class Mark(NamedTuple):
    """A digit or a separator of a line, in image pixels."""

    kind: str  # "digit", or the separator: ",", ".", "-", ":", "/", " "
    box: tuple[int, int, int, int]  # left, top, right, bottom (right, bottom exclusive)
    shapes: tuple[int, ...] = ()  # its full-resolution shapes' numbers in Shapes.labels


def line_marks(
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

    def join(host: int, s: int) -> None:  # shape s is a piece of digit ``host``
        digits[host].append(s)
        spans[host] = components.union([spans[host], box[s]])

    separators, upper = [], []
    for s in small:
        b = box[s]
        if max(b[2] - b[0], b[3] - b[1]) < SPECK * height:
            continue
        # a piece of a digit: under or over it, sharing its columns (a 5's bar); else a
        # separator by its shape; else a piece of the digit it shares most columns with (a
        # 5's bar drawn off to the side), if any
        host = _host(b, spans, height)
        kind = _separator(b, height, top, bottom) if host is None else None
        if kind == UPPER_POINT:  # a colon's upper point, once a point is found under it
            upper.append(s)
            continue
        if host is None and kind is None:
            host = _host(b, spans, height, least=0.0)
        if host is not None:
            join(host, s)
        elif kind is not None:
            separators.append(Mark(kind, tuple(b), (s + 1,)))
    for s in upper:
        separators, host = _colon(box[s], s, separators), None
        if not any(s + 1 in m.shapes for m in separators):
            host = _host(box[s], spans, height, least=0.0)
        if host is not None:
            join(host, s)
    marks = [Mark("digit", u, tuple(v + 1 for v in d)) for d, u in zip(digits, spans, strict=True)]
    marks += separators
    marks.sort(key=_centre)
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


UPPER_POINT = "'"  # a point in the line's upper half: half a colon, or a stray mark


def _colon(b: list[int], s: int, separators: list[Mark]) -> list[Mark]:
    """The separators with the point under upper point ``b`` (shape ``s``), sharing half
    its columns, made a colon."""
    for k, m in enumerate(separators):
        if m.kind == "." and overlap(b[0], b[2], m.box[0], m.box[2]) >= SAME_DIGIT * (b[2] - b[0]):
            colon = Mark(":", components.union([m.box, b]), (*m.shapes, s + 1))
            return [*separators[:k], colon, *separators[k + 1 :]]
    return separators


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
    if sw <= POINT_SIZE and sh <= POINT_SIZE and sh < POINT_ROUND * sw and centre <= LOWER_HALF:
        return UPPER_POINT
    return None


def _with_spaces(marks: list[Mark], height: float) -> list[Mark]:
    """The marks with a space where a gap between two digits is much wider than the line's
    usual gap between neighbouring marks."""
    if len(marks) < 3:
        return marks
    pairs = list(zip(marks, marks[1:], strict=False))
    usual = float(statistics.median(b.box[0] - a.box[2] for a, b in pairs))
    steps = [_centre(b) - _centre(a) for a, b in pairs if a.kind == b.kind == "digit"]
    step = float(statistics.median(steps)) if steps else 0.0
    out: list[Mark] = []
    for a, b in zip(marks, [*marks[1:], None], strict=True):
        out.append(a)
        if b is None or a.kind != "digit" or b.kind != "digit":
            continue
        gap = b.box[0] - a.box[2]
        # a narrow digit (a 1) stands further from its neighbours' edges, not their centres:
        # the digits of a comb field are evenly spaced, whatever their widths
        wide = _centre(b) - _centre(a) >= step + SPACE_STEP * height
        if gap >= SPACE_GAP * height and gap >= SPACE_RATIO * max(usual, 1) and wide:
            out.append(Mark(" ", (a.box[2], a.box[1], b.box[0], a.box[3])))
    return out


def _centre(m: Mark) -> float:
    return (m.box[0] + m.box[2]) / 2
