"""Which shapes of the ink are the digit, or why there is no single digit to read.

The ink mask's connected shapes are sorted out in this order:

1. *frames*: a shape that covers most of the outline of its own box and is hollow (a form's
   frame, a box drawn around the digit) is not the digit;
2. *edges*: a shape lying along the picture's edge for most of a side, or a thin line right
   across the picture, not filling it (a desk, a shadow's edge, ruling) is not the digit,
   unless there is nothing else (a tight crop of a 1);
3. *pieces*: a digit grows from its inkiest shape, one piece at a time, at its own scale:
   shapes close to it, stacked above or below it (a 5's top bar), or linked to it by fainter
   ink (a faint pen's broken line); shapes side by side only while the whole stays as
   narrow as a digit (so "ok" or "42" stay apart);
4. the group with the most ink is the digit, a whole one preferred to one cut by the
   picture's edge; groups cut by the edge beside it (a shadow's corner) and tiny ones
   (specks) are left out; another group of similar size means several digits, and the
   picture is refused;
5. the digit must look like one: not a speck, not a round blot without a hole, not a long
   line or a word.

All sizes are in the analysis copy's pixels (see digitnet.image.ink).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from digitnet.image import strokes
from digitnet.image.components import Shapes, at_edge, label, union

FRAME_COVER = 0.6  # frames cover most of their box's outline; strokes touch it in a few places
FRAME_FILL = 0.35  # ... and are hollow: ink on at most this share of their box
FRAME_BAND = 0.05  # the outline is this share of the box's side deep (a skewed frame's line)
EDGE_RUN = 0.5  # a shape running along this much of an edge it touches is the edge of something
FILLS_PICTURE = 0.8  # unless it spans this much of the picture both ways (a tight crop)
ACROSS, THIN = 0.9, 0.1  # a line right across the picture, this thin, is ruling, not a stroke
PIECE_GAP = 0.12  # pieces of one digit are at most this far apart (of the taller one's height)
SMALL_GAP = 0.5  # ... and at most half the smaller one's size apart (specks join nothing)
PIECES_ASPECT = 1.45  # 99% of MNIST's digits are at most this wide for their height
SAME_LINE = 0.4  # boxes sharing this share of the shorter one's rows are on one line
BESIDE = 0.5  # shapes sharing this much of the shorter one's rows, and less of the narrower
# one's columns, are side by side (digits of a number)
STACK_GAP = 0.6  # shapes not side by side are pieces this far apart vertically (of the taller
# one's height, and no further than the smaller one is big): a 5's bar, a broken stroke
SPECK_HEIGHT = 0.4  # a group less tall than this (of the digit's height) is a speck ...
SPECK_INK = 0.15  # ... or with less ink than this (of the digit's)
MIN_SIDE = 0.03  # a digit is at least this share of the picture's longer side (smaller is a
# speck: at 0.015, 4 of 40 dots of digitnet/synth/not_digits.py got an answer, against 1)
DOT_FILL = 0.7  # a round blot fills its box like a disc (pi/4) with no hole; a fat 0 or 8
# fills as much, but encloses paper
DOT_ASPECT = (0.6, 1.7)  # ... and is about as wide as it is tall
DOT_SIDE = 0.15  # ... and small: bold digits (a 64x64 form) fill their box as much, but not
# a sixth of the picture
LINE_ASPECT = 2.6  # MNIST's widest test digit is 2.5 times as wide as tall: wider is a line,
# a dash or a word
A_LINE = "no digit found (a line)"
SPECKS = "no digit found (specks)"
# Ink fewer image pixels across than this, and no more than twice MIN_SIDE of its picture, is a
# speck to read as well (a dot drawn on a small picture is just over MIN_SIDE).
TINY_PIXELS = 10


class Choice(NamedTuple):
    """The digit's shapes, its box (analysis pixels: left, top, right, bottom) and, when
    there is no single digit, the reason; ``role`` says what each shape was taken for."""

    keep: np.ndarray  # bool per shape
    box: tuple[int, int, int, int] | None
    refusal: str | None
    role: list[str]  # per shape: "digit", "frame", "edge", "speck" or "other digit"
    # the shapes of each group that may be a digit: the chosen one first, then the others
    groups: tuple[np.ndarray, ...] = ()


def outline_cover(shapes: Shapes) -> np.ndarray:
    """For each shape, the share of its box's outline (a band FRAME_BAND deep) it covers."""
    ys, xs = np.nonzero(shapes.labels)
    k = shapes.labels[ys, xs] - 1
    left, top, right, bottom = shapes.box[k].T
    w, h = shapes.width(), shapes.height()
    depth = np.maximum(1, (FRAME_BAND * np.maximum(w, h)).astype(int))[k]
    n, span = shapes.count, int(max(shapes.labels.shape)) + 1
    cover = np.zeros(n)
    for near, along, length in (
        (ys < top + depth, xs, w),
        (ys >= bottom - depth, xs, w),
        (xs < left + depth, ys, h),
        (xs >= right - depth, ys, h),
    ):
        seen = np.zeros(n * span, bool)  # each (shape, place along the side) once
        seen[k[near] * span + along[near]] = True
        cover += np.bincount(np.flatnonzero(seen) // span, minlength=n) / length
    return cover / 4


def _edges(shapes: Shapes) -> np.ndarray:
    """Shapes lying along the picture's edge for most of a side (a desk, a shadow, the page's
    edge), or thin lines right across it (ruling), unless they fill the picture both ways."""
    rows, cols = shapes.labels.shape
    n = shapes.count
    w, h = shapes.width(), shapes.height()
    along = np.zeros(n, bool)
    for border, length in (
        (shapes.labels[0], cols),
        (shapes.labels[-1], cols),
        (shapes.labels[:, 0], rows),
        (shapes.labels[:, -1], rows),
    ):
        along |= np.bincount(border, minlength=n + 1)[1:] >= EDGE_RUN * length
    across = (w >= ACROSS * cols) & (h <= THIN * rows) | (h >= ACROSS * rows) & (w <= THIN * cols)
    fills = (w >= FILLS_PICTURE * cols) & (h >= FILLS_PICTURE * rows)
    return (along | across) & ~fills


def _pieces(group: np.ndarray, box: np.ndarray, linked: np.ndarray) -> np.ndarray:
    """Which of the boxes are pieces of the digit whose pieces so far span ``group``
    (``linked``: the shapes joined to it by fainter ink)."""
    left, top, right, bottom = (box[:, i] for i in range(4))
    w, h = right - left, bottom - top
    gw, gh = group[2] - group[0], group[3] - group[1]
    gap_x = np.maximum(left, group[0]) - np.minimum(right, group[2])
    gap_y = np.maximum(top, group[1]) - np.minimum(bottom, group[3])
    taller = np.maximum(h, gh)
    smaller = np.minimum(np.maximum(w, h), max(gw, gh))  # specks join only
    near = np.minimum(PIECE_GAP * taller, SMALL_GAP * smaller)  # what they (nearly) touch
    near = np.maximum(near, 1)  # a pixel apart is touching, at any resolution
    close = np.maximum(gap_x, gap_y) <= near
    beside = (-gap_y >= BESIDE * np.minimum(h, gh)) & (-gap_x < BESIDE * np.minimum(w, gw))
    stacked = ~beside & (gap_x <= near) & (gap_y <= np.minimum(STACK_GAP * taller, smaller))
    # pieces side by side make one digit only if together they are no wider than a digit
    wide = np.maximum(right, group[2]) - np.minimum(left, group[0])
    tall = np.maximum(bottom, group[3]) - np.minimum(top, group[1])
    digit_wide = wide <= PIECES_ASPECT * tall
    return (close & (~beside | digit_wide)) | stacked | (linked & ~beside)


def _groups(box: np.ndarray, ink: np.ndarray, link: np.ndarray) -> np.ndarray:
    """A group number per shape: each group grows from the inkiest shape left, taking in
    its pieces until none is left, so a digit's own size sets how far apart they may be.
    ``link`` numbers the fainter ink's shapes each shape lies in."""
    group = np.full(len(box), -1)
    g = 0
    while (group < 0).any():
        free = np.flatnonzero(group < 0)
        members = [free[np.argmax(ink[free])]]
        group[members] = g
        while True:
            span = union(box[group == g])
            free = np.flatnonzero(group < 0)
            if free.size == 0:
                break
            linked = np.isin(link[free], link[group == g])
            joining = free[_pieces(span, box[free], linked)]
            if joining.size == 0:
                break
            # one at a time, the nearest first: each piece widens what the next is held to
            gaps = np.maximum(
                np.maximum(box[joining, 0], span[0]) - np.minimum(box[joining, 2], span[2]),
                np.maximum(box[joining, 1], span[1]) - np.minimum(box[joining, 3], span[3]),
            )
            group[joining[np.argmin(gaps)]] = g
        g += 1
    return group


def choose(
    shapes: Shapes, strength: np.ndarray, faint: np.ndarray | None = None, scale: int = 1
) -> Choice:
    """The digit among the shapes of an ink mask: ``strength`` weighs each pixel's ink,
    ``faint`` is a mask of fainter ink that links pieces (a superset of the shapes), and
    ``scale`` is image pixels per mask pixel, for the sizes in messages."""
    n = shapes.count
    role = ["other"] * n
    if n == 0:
        return Choice(np.zeros(0, bool), None, "no ink found: the image looks blank", role)
    ink = np.bincount(shapes.labels.ravel(), weights=strength.ravel(), minlength=n + 1)[1:]
    frame, edge = clutter(shapes)
    for i in np.flatnonzero(frame):
        role[i] = "frame"
    for i in np.flatnonzero(edge):
        role[i] = "edge"
    live = np.flatnonzero(~frame & ~edge)
    if live.size == 0:  # nothing but edges and lines across: a tight crop of a 1 or a 7
        live = np.flatnonzero(~frame)
    if live.size == 0:
        return Choice(np.zeros(n, bool), None, _only_frames(shapes), role)
    link = _links(shapes, faint)
    group = _groups(shapes.box[live], ink[live], link[live])
    ids = np.arange(group.max() + 1)  # _groups numbers them 0, 1, ...
    totals = np.array([ink[live[group == g]].sum() for g in ids])
    boxes = np.array([union(shapes.box[live[group == g]]) for g in ids])
    cut = at_edge(boxes, shapes.labels.shape)
    # the digit is the group with the most ink, preferring a whole one to one cut by the edge
    whole = ~cut & (totals >= SPECK_INK * totals.max())
    main = int(np.argmax(np.where(whole, totals, -1))) if whole.any() else int(np.argmax(totals))
    heights = boxes[:, 3] - boxes[:, 1]
    # a shape cut by the picture's edge beside a whole digit is the edge of something else (a
    # shadow's corner), not a digit to read
    edge_bits = cut & ~cut[main]
    others = [
        j
        for j in range(len(ids))
        if j != main
        and not edge_bits[j]
        and heights[j] >= SPECK_HEIGHT * heights[main]
        and totals[j] >= SPECK_INK * totals[main]
    ]
    keep = np.zeros(n, bool)
    keep[live[group == ids[main]]] = True
    for j, g in enumerate(ids):
        kind = "digit" if j == main else "other digit" if j in others else "speck"
        for i in live[group == g]:
            role[i] = "edge" if edge_bits[j] else kind
    box = tuple(int(v) for v in boxes[main])
    groups = tuple(live[group == ids[j]] for j in [main, *others])
    if others:
        if (lines := line_count(boxes[[main, *others]])) > 1:
            return Choice(keep, box, stacked(lines), role, groups)
        side_by_side = all(_beside(boxes[main], boxes[j]) for j in others)
        how = "side by side" if side_by_side else ""
        return Choice(keep, box, several(len(others) + 1, how), role, groups)
    return Choice(keep, box, not_a_digit(shapes, keep, box, scale), role, groups)


def _only_frames(shapes: Shapes) -> str:
    """The refusal of ink that is all frames: a pen line across the page is taken for a
    frame's side, so say which."""
    each = (shapes.pixels_of([i + 1], tuple(shapes.box[i])) for i in range(shapes.count))
    return (
        A_LINE
        if all(strokes.one_stroke(mask) for mask in each)
        else "no digit found (only a frame)"
    )


def of_several(refusal: str | None) -> bool:
    """Whether a refusal is of several digits (side by side, touching or in lines)."""
    return refusal is not None and refusal.startswith("several digits")


def side_by_side(refusal: str | None) -> bool:
    """Whether a refusal is of several digits not yet known to stand in lines."""
    return of_several(refusal) and "lines" not in refusal


def several(count: int, how: str = "") -> str:
    """The refusal of a picture of ``count`` digits (``how``: "side by side", "touching")."""
    return f"several digits {how + ' ' if how else ''}({count}): use 'digitnet read' for numbers"


def line_count(boxes: np.ndarray) -> int:
    """How many lines boxes (left, top, right, bottom) of digits make: boxes sharing
    SAME_LINE of the shorter one's rows are on one line, and lines chain through them."""
    rows = [(top, bottom) for _, top, _, bottom in boxes.tolist()]
    return len(components_of(len(rows), sharing(rows, SAME_LINE)))


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    """How much [a0, a1) and [b0, b1) share (negative: the gap between them)."""
    return min(a1, b1) - max(a0, b0)


def sharing(spans: list[tuple[int, int]], share: float) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of spans [lo, hi) that share at least ``share`` of the
    shorter one's length. In plain Python: a line's handful of shapes take 10 us, against
    110 us for NumPy's broadcast comparison (a page of 200 digits, 10 ms)."""
    return [
        (i, j)
        for i, (a0, a1) in enumerate(spans)
        for j in range(i + 1, len(spans))
        if overlap(a0, a1, *spans[j]) >= share * min(a1 - a0, spans[j][1] - spans[j][0])
    ]


def components_of(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected parts of a small graph of n nodes: each part's nodes, in order, the parts
    by their first node."""
    part = list(range(n))
    for a, b in pairs:
        ra, rb = part[a], part[b]
        if ra != rb:
            part = [ra if p == rb else p for p in part]
    groups: dict[int, list[int]] = {}
    for node, p in enumerate(part):
        groups.setdefault(p, []).append(node)
    return sorted(groups.values())


def stacked(lines: int) -> str:
    """The refusal of a picture of digits in ``lines`` lines, one above another."""
    return f"several digits in {lines} lines: use 'digitnet read' for numbers"


def clutter(shapes: Shapes) -> tuple[np.ndarray, np.ndarray]:
    """Which shapes are frames (boxes, a form's lines) and which are edges (a desk, a
    shadow's edge, ruling): bool per shape, each (steps 1 and 2 of the module's)."""
    fill = shapes.area / (shapes.width() * shapes.height())
    frame = (outline_cover(shapes) >= FRAME_COVER) & (fill <= FRAME_FILL)
    return frame, _edges(shapes) & ~frame


def _links(shapes: Shapes, faint: np.ndarray | None) -> np.ndarray:
    """For each shape, the number of the fainter ink's shape it lies in."""
    if faint is None or shapes.count < 2:  # nothing to link
        return np.arange(shapes.count)
    faint_labels = label(faint | (shapes.labels > 0)).labels
    first = np.zeros(shapes.count, int)
    ys, xs = np.nonzero(shapes.labels)
    k = shapes.labels[ys, xs] - 1
    first[k] = faint_labels[ys, xs]  # any pixel of a shape will do: all share one number
    return first


def _beside(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether box b is beside box a (overlapping rows) rather than above or below it."""
    return min(a[3], b[3]) - max(a[1], b[1]) > 0


def _has_hole(shapes: Shapes, keep: np.ndarray, box: tuple) -> bool:
    """Whether the kept ink encloses paper (a fat 0, 6, 8 or 9 does; a blot does not)."""
    left, top, right, bottom = box
    ink = shapes.pixels_of(np.flatnonzero(keep) + 1, box)
    paper = label(~ink)
    inner = (paper.box[:, 0] > 0) & (paper.box[:, 1] > 0)
    inner &= (paper.box[:, 2] < right - left) & (paper.box[:, 3] < bottom - top)
    return bool(inner.any())


def not_a_digit(shapes: Shapes, keep: np.ndarray, box: tuple, scale: int) -> str | None:
    """Why the chosen ink is not a digit, or None if it may be one."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    speck = f"no digit found (a speck {max(w, h) * scale} px wide)"
    if max(w, h) < MIN_SIDE * max(shapes.labels.shape):
        return speck
    sides = np.maximum(shapes.width(), shapes.height())[keep] * scale
    if speck_sized(sides, max(shapes.labels.shape) * scale).all():  # dust, a dot beside a dot
        return speck if keep.sum() == 1 else SPECKS
    if w >= LINE_ASPECT * h:
        return "text or a line, not a digit"
    if strokes.leaning_line(shapes.pixels_of(np.flatnonzero(keep) + 1, box)):
        return A_LINE
    fill = float(shapes.area[keep].sum()) / (w * h)
    roundish = DOT_ASPECT[0] <= w / h <= DOT_ASPECT[1]
    small = max(w, h) < DOT_SIDE * max(shapes.labels.shape)
    if fill >= DOT_FILL and roundish and small and not _has_hole(shapes, keep, box):
        return f"no digit found (a blot {max(w, h) * scale} px wide)"
    if _scribble(shapes, keep, box):
        return "no digit found (a scribble)"
    return None


def _scribble(shapes: Shapes, keep: np.ndarray, box: tuple) -> bool:
    """One stroke, no wider than a digit, that crosses its own rows and columns more often
    than digits do (digits in lines, each a shape of its own, cross as often)."""
    left, top, right, bottom = box
    if keep.sum() != 1 or right - left > PIECES_ASPECT * (bottom - top):
        return False
    if strokes.crossings(shapes.pixels_of(np.flatnonzero(keep) + 1, box)) <= SCRIBBLE_RUNS:
        return False
    # measured last, as few shapes get here: a digit touching its box crosses it as often
    return outline_cover(shapes)[np.flatnonzero(keep)[0]] < FRAME_COVER


# A digit-sized shape whose rows and columns cross its ink more often than this, on average,
# is a scribble: more than any MNIST training digit does (docs/decisions.md, "Refusing").
SCRIBBLE_RUNS = 2.8


def speck_sized(side, picture: int):
    """Whether ink ``side`` image pixels across (a number or an array), in a picture
    ``picture`` pixels on its longer side, is too small to show a digit: under TINY_PIXELS, and
    small in its picture (a tiny picture's digit fills it, and is read)."""
    return (np.asarray(side) < TINY_PIXELS) & (np.asarray(side) <= 2 * MIN_SIDE * picture)
