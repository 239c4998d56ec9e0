"""Reading the number written in a picture, digit by digit, left to right, line by line.

The digits are found as shapes (:mod:`digitnet.segment`); each is framed exactly as a
single digit is (20x20, centred by mass in 28x28) and the whole number is classified in
one batch. A digit much wider than its line is tall is several digits touching: cuts at
the valleys of its ink's column profile are tried, and the segmentation the network finds
most convincing is kept (segmentation by recognition). Near a cut, the ink is shared out
along its strokes rather than by the cut's column, so a stroke that reaches over the
neighbour stays with its own digit (_right_of).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from digitnet import components, segment
from digitnet.errors import ImageError, NotOneDigitError
from digitnet.framing import fit
from digitnet.ink import dilate
from digitnet.network import Network

TOP = 3  # each digit's brightest output neurons kept, for --format json's "top"
# How wide each digit is for its height: the mean and spread of log(width / height) of its
# ink's box, measured on MNIST's 60,000 training digits by benchmarks/digit_aspect.py. A 1
# is about 0.4 as wide as tall, a 0 or a 2 about 0.9; a part read as a digit is judged by
# that digit's own widths.
LOG_ASPECT = (
    (-0.108, 0.199), (-0.948, 0.458), (-0.074, 0.222), (-0.241, 0.214), (-0.247, 0.216),
    (-0.076, 0.264), (-0.334, 0.219), (-0.271, 0.217), (-0.288, 0.224), (-0.405, 0.207),
)  # fmt: skip
# The judge's say (benchmarks/train_judge.py): an MNIST network reads two touching digits
# as one with confidence ("14" as an 8, 0.9), and a half 0 as a 1; the judge, trained on
# such parts, tells them from whole digits (89% of held-out examples).
JUDGE_FILE = "judge.npz"
JUDGE = "shipped"  # read_pixels's default: the judge that ships in models/
JUDGE_WEIGHT = 1.5
ASPECT_SLACK = 1.0  # widths within this many spreads of their digit's mean are all as likely
# A mark read with at least this confidence, judged one digit at least this likely, and as
# wide as its digit usually is, is not cut: on 400 numbers of each of benchmarks/read.py's
# families, cutting such marks changed no reading, and not cutting them halved the time.
CLEARLY_ONE = (0.95, 0.5)

# A cut's log-likelihood by its valley's depth (the ink in the cut column over the usual
# column's): touching digits meet in a little ink; a cut through one digit crosses as much
# as its other columns hold.
CUT_COST = ((0.35, math.log(0.9)), (0.7, math.log(0.6)), (math.inf, math.log(0.4)))


BEST_CUT = max(cost for _, cost in CUT_COST)  # no reading with a cut scores more than this


def _cut_cost(depth: float) -> float:
    return next(cost for deepest, cost in CUT_COST if depth <= deepest)


TYPICAL_WIDTH = 0.75  # a digit is about this wide for its height (MNIST's median: 0.8) ...
CUTS_PER_DIGIT = 3  # ... and a wide mark gets this many candidate cuts per digit it may hold
PART_WIDTH = (0.12, 1.5)  # a part narrower or wider than this (of the height) is no digit
SIDE_REACH = 0.3  # near a cut (this share of the line's height either side), ink is shared
SEED_BAND = 0.1  # out through the ink from seeds this wide at that distance (_right_of)
RACE_HEIGHT = 64  # the race that shares it out runs on a copy shrunk to no less than this
CRUMB = 0.2  # a cut leaves crumbs of the neighbour's strokes: pieces this much smaller than
# the part's largest are left out


class Digit(NamedTuple):
    """A digit read: the brightest output neuron, its activation, where it is (image
    pixels: left, top, right, bottom), all ten outputs and the 784 inputs they came from."""

    digit: int
    confidence: float
    box: tuple[int, int, int, int]
    outputs: np.ndarray
    inputs: np.ndarray

    def top(self, k: int = TOP) -> list[tuple[int, float]]:
        order = np.argsort(-self.outputs, kind="stable")[:k]
        return [(int(d), float(self.outputs[d])) for d in order]


class Separator(NamedTuple):
    char: str  # ",", ".", "-" or " "
    box: tuple[int, int, int, int]


def _unsure(d: Digit, threshold: float | None) -> bool:
    return threshold is not None and d.confidence < threshold


class Reading(NamedTuple):
    """The number in a picture: its lines, top to bottom, each its digits and separators
    left to right."""

    lines: list[list[Digit | Separator]]

    @property
    def digits(self) -> list[Digit]:
        return [d for line in self.lines for d in line if isinstance(d, Digit)]

    @property
    def confidence(self) -> float:
        """How sure the whole reading is: the product of its digits' confidences."""
        return math.prod(d.confidence for d in self.digits)

    def text(self, separators: bool = False, threshold: float | None = None) -> list[str]:
        """Each line's number; ``separators`` keeps , . - and spaces; a digit below
        ``threshold`` is '?'."""
        out = []
        for line in self.lines:
            chars = []
            for m in line:
                if isinstance(m, Separator):
                    if separators:
                        chars.append(m.char)
                elif _unsure(m, threshold):
                    chars.append("?")
                else:
                    chars.append(str(m.digit))
            out.append("".join(chars).strip())
        return out

    def number(self, separators: bool = False, threshold: float | None = None) -> str:
        """The number, a line per line (joined by newlines)."""
        return "\n".join(self.text(separators, threshold))

    def single_line(self) -> Reading:
        """The same reading with every line's marks in one line, top line first."""
        return Reading([[m for line in self.lines for m in line]]) if self.lines else self

    def to_dict(self, separators: bool = False, threshold: float | None = None) -> dict:
        """The reading as JSON-ready values (see ``digitnet read --format json``)."""
        lines = self.text(separators, threshold)
        return {
            "number": "\n".join(lines),
            "lines": lines,
            "confidence": round(self.confidence, 6),
            "digits": [
                {
                    "digit": None if _unsure(d, threshold) else d.digit,
                    "confidence": round(d.confidence, 6),
                    "box": list(d.box),
                    "top": [[k, round(v, 6)] for k, v in d.top()],
                    "line": n,
                }
                for n, line in enumerate(self.lines, start=1)
                for d in line
                if isinstance(d, Digit)
            ],
        }


def read(source, net: Network | None = None, max_pixels: int | None = None) -> Reading:
    """The number written in a picture: a path, the file's bytes, a binary file, a PIL
    image or a grayscale array. ``net`` defaults to the shipped default model."""
    from digitnet import preprocess, shipped

    net = net if net is not None else shipped.load(None)
    if isinstance(source, np.ndarray):
        pixels = source
    else:
        from PIL import Image

        img = source
        if not isinstance(source, Image.Image):
            img = preprocess.open_image(source, max_pixels or preprocess.MAX_PIXELS)
        pixels = np.asarray(preprocess.grayscale(img))
    return read_pixels(pixels, net)


class Result(NamedTuple):
    """One input's reading, or why it has none."""

    path: str
    reading: Reading | None = None
    error: str | None = None


def _read_path(net: Network, path: str, max_pixels: int) -> Result:
    from digitnet.predict import gray_of

    try:
        return Result(path, read_pixels(gray_of(path, max_pixels), net))
    except ImageError as e:
        return Result(path, error=str(e))


def _read_in_worker(path: str) -> Result:
    from digitnet.predict import worker

    net, max_pixels = worker()
    return _read_path(net, path, max_pixels)


def readings(net: Network, paths, max_pixels: int, jobs: int = 1):
    """A Result for each path, in order; with ``jobs`` > 1 read in worker processes."""
    if jobs <= 1:
        for path in paths:
            yield _read_path(net, path, max_pixels)
        return
    from digitnet.predict import worker_pool

    with worker_pool(net, max_pixels, jobs) as pool:
        yield from pool.imap(_read_in_worker, paths, chunksize=4)


def read_pixels(pixels: np.ndarray, net: Network, judge: Network | None = JUDGE) -> Reading:
    """The number in a grayscale picture (rows x columns, uint8). ImageError when there is
    no ink, or no digit in it. ``judge`` tells a whole digit from a piece or a pair (see
    benchmarks/train_judge.py): the shipped one by default, None to go by the digit network
    alone."""
    if judge is JUDGE:
        judge = shipped_judge()
    found = segment.find(pixels)
    if found is None or not any(m.kind == "digit" for line in found.lines for m in line):
        raise NotOneDigitError("no digits found")
    marks = [
        (mark, height)
        for line, height in zip(found.lines, found.line_heights, strict=True)
        for mark in line
        if mark.kind == "digit"
    ]
    parts: list[np.ndarray] = []  # every candidate part's 784 inputs
    where: list[tuple[int, int, int, int]] = []  # each part's box in image pixels

    masks = {mark: _mask(found, mark) for mark, _ in marks}

    def add(mark, own: np.ndarray | None = None) -> int | None:
        """A mark, or the part of it that is ``own`` (a mask of its box), added to
        ``parts``: its number."""
        made = _part(found, mark, masks[mark] if own is None else own, own is not None)
        if made is None:
            return None
        parts.append(made[0])
        where.append(made[1])
        return len(parts) - 1

    def judged(first: int) -> tuple[np.ndarray, np.ndarray]:
        """The network's outputs for parts[first:], and how likely each is one digit."""
        x = np.stack(parts[first:]).astype(np.float64)
        return net.forward(x), one_digit(judge, x)

    # first every digit whole, in one batch; then, in a second, the parts of those read too
    # unsurely for any cut to win (a cut scores at most the cheapest cut's cost), unless
    # they are clearly one digit
    wholes = [add(m) for m, _ in marks]
    outputs, one = judged(0) if parts else (np.zeros((0, 10)), np.zeros(0))
    first = len(parts)
    lattices = []
    for (mark, height), whole in zip(marks, wholes, strict=True):
        sure = whole is not None and (
            _part_score(outputs[whole], one[whole], where[whole], height) >= BEST_CUT
            or _clearly_one(outputs[whole], one[whole], where[whole], height)
        )
        lattice = None if sure else _lattice(mark, height, masks[mark])
        if lattice is not None:
            nodes, depths, edges = lattice
            right = _right_of(masks[mark], [x - mark.box[0] for x in nodes], height)
            ids = {(i, j): add(mark, right[i] & ~right[j]) for i, j in edges}
            lattice = (nodes, depths, {**ids, (0, len(nodes) - 1): whole})
        lattices.append(lattice)
    if len(parts) > first:
        more, more_one = judged(first)
        outputs, one = np.concatenate([outputs, more]), np.concatenate([one, more_one])
    chosen: dict[tuple, list[Digit]] = {}
    for (mark, height), whole, lattice in zip(marks, wholes, lattices, strict=True):
        ids = [whole] if lattice is None else _best_path(lattice, outputs, one, where, height)
        chosen[mark.box] = [
            Digit(int(outputs[i].argmax()), float(outputs[i].max()), where[i], outputs[i], parts[i])
            for i in ids
            if i is not None
        ]
    lines = []
    for line in found.lines:
        out: list[Digit | Separator] = []
        for mark in line:
            if mark.kind == "digit":
                out += chosen.get(mark.box, [])
            else:
                out.append(Separator(mark.kind, _in_picture(found, mark.box)))
        if any(isinstance(m, Digit) for m in out):
            lines.append(out)
    if not lines:
        raise NotOneDigitError("no digits found")
    return Reading(lines)


def _lattice(mark: segment.Mark, height: float, mask: np.ndarray):
    """The ways to cut a wide digit mark into digits, as a lattice: the cut columns (the
    mark's left and right edges first and last, candidate cuts at its ink's valleys
    between), each cut's depth (the ink in its column against a usual column's) and the
    parts worth reading (pairs of nodes a digit's width apart). ``mask`` is the mark's own
    ink (_mask). None for a mark as narrow as one digit."""
    x0, _, x1, _ = mark.box
    width = x1 - x0
    if width <= segment.MAY_SPLIT * height:
        return None
    profile = mask.sum(axis=0).astype(float)
    typical = float(np.median(profile[profile > 0])) if profile.any() else 1.0
    most = max(CUTS_PER_DIGIT, round(CUTS_PER_DIGIT * width / (TYPICAL_WIDTH * height)))
    cuts = sorted(segment.cuts(profile, height, most))
    nodes = [x0, *(x0 + c for c in cuts), x1]
    depths = [0.0, *(float(profile[c]) / typical for c in cuts), 0.0]
    edges = [
        (i, j)
        for i in range(len(nodes))
        for j in range(i + 1, len(nodes))
        if (i, j) != (0, len(nodes) - 1)
        and PART_WIDTH[0] * height <= nodes[j] - nodes[i] <= PART_WIDTH[1] * height
    ]
    return nodes, depths, edges


def _best_path(lattice, outputs: np.ndarray, one: np.ndarray, where, height: float) -> list[int]:
    """The parts of the best reading through a lattice (see _lattice): the most convincing
    answers, widths and cuts together, found by dynamic programming over the cuts."""
    nodes, depths, ids = lattice
    n = len(nodes)
    best = [-math.inf] * n
    came: list[tuple[int, int] | None] = [None] * n
    best[0] = 0.0
    for j in range(1, n):
        for i in range(j):
            part = ids.get((i, j))
            if part is None or best[i] == -math.inf:
                continue
            score = best[i] + _part_score(outputs[part], one[part], where[part], height)
            if i > 0:
                score += _cut_cost(depths[i])
            if score > best[j]:
                best[j], came[j] = score, (i, part)
    path, j = [], n - 1
    while came[j] is not None:
        i, part = came[j]
        path.append(part)
        j = i
    return path[::-1]


def _mask(found: segment.Segments, mark: segment.Mark) -> np.ndarray:
    """The mark's own ink in its box (other marks' shapes in it left out)."""
    x0, top, x1, bottom = mark.box
    labels = found.shapes.labels[top:bottom, x0:x1]
    return np.isin(labels, mark.shapes)


def _right_of(mask: np.ndarray, cuts: list[int], height: float) -> list[np.ndarray]:
    """For each cut of a mark (columns of its box, its left and right edges first and last),
    which of its ink lies right of the cut.

    A straight cut gives a neighbour's overlapping strokes to the wrong digit (the bar of a 7
    reaching over the next digit). Near the cut, within SIDE_REACH of it, each pixel goes
    instead to the side whose seed (the ink SIDE_REACH away on that side) reaches it first
    along the ink: a stroke goes with the digit it belongs to, and the digits part where
    they touch. Farther away, the cut's column decides. The race is run on a copy shrunk by
    a whole factor, never below RACE_HEIGHT pixels tall (each of its pixels a block of the
    mark's, inked if any of the block is).
    """
    h, w = mask.shape
    f = max(1, int(height // RACE_HEIGHT))
    small = np.pad(mask, ((0, -h % f), (0, -w % f)))
    small = small.reshape(small.shape[0] // f, f, -1, f).any(axis=(1, 3))
    cols = np.arange(small.shape[1])
    reach = max(2, round(SIDE_REACH * height / f))
    band = max(1, round(SEED_BAND * height / f))
    out = [np.ones_like(mask)]
    for cut in cuts[1:-1]:
        right = np.broadcast_to(np.arange(w) >= cut, mask.shape).copy()
        c = cut // f
        lo, hi = max(0, c - reach), min(small.shape[1], c + reach)
        near = small[:, lo:hi]
        left, right_seed = near & (cols[lo:hi] < lo + band), near & (cols[lo:hi] >= hi - band)
        if left.any() and right_seed.any():
            won = _race(left, right_seed, near, np.broadcast_to(cols[lo:hi] >= c, near.shape))
            full = np.repeat(np.repeat(won, f, axis=0), f, axis=1)[:h, : w - lo * f]
            inked = mask[:, lo * f : hi * f]
            right[:, lo * f : hi * f][inked] = full[:, : inked.shape[1]][inked]
        out.append(right)
    out.append(np.zeros_like(mask))
    return out


def _race(left: np.ndarray, right: np.ndarray, ink: np.ndarray, right_side: np.ndarray):
    """Which of ``ink`` the right seed wins: both seeds grow through it a pixel a step (8
    neighbours) until they meet; a pixel both reach in one step, or neither ever reaches,
    goes by ``right_side``. Only each step's newest pixels need growing."""
    free = ink & ~(left | right)
    right = right.copy()
    front_left, front_right = left, right
    while True:
        reach_left, reach_right = dilate(front_left) & free, dilate(front_right) & free
        front_left = reach_left & ~(reach_right & right_side)
        front_right = reach_right & ~(reach_left & ~right_side)
        if not (front_left.any() or front_right.any()):
            return right | (free & right_side)
        right |= front_right
        free &= ~(front_left | front_right)


def _part(found: segment.Segments, mark: segment.Mark, own: np.ndarray, cut: bool):
    """The part of a digit mark that is ``own`` (a mask of its box): its 784 inputs and its
    box in image pixels, or None when no ink is left in it. A ``cut`` part is read without
    the neighbour's crumbs."""
    _, top, _, bottom = mark.box
    inked = np.flatnonzero(own.any(axis=0))
    if not len(inked):
        return None
    x0, x1 = mark.box[0] + int(inked[0]), mark.box[0] + int(inked[-1]) + 1
    own = own[:, inked[0] : inked[-1] + 1]  # only the columns the part has ink in
    if cut:
        pieces = components.label(own)
        if pieces.count > 1:
            big = np.flatnonzero(pieces.area >= CRUMB * pieces.area.max()) + 1
            own = np.isin(pieces.labels, big)
    ink = found.strength[top:bottom, x0:x1] * own
    if not ink.any():
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    box = (x0 + int(cols[0]), top + int(rows[0]), x0 + int(cols[-1]) + 1, top + int(rows[-1]) + 1)
    try:
        return fit(ink).ravel(), _in_picture(found, box)
    except ImageError:
        return None


def _in_picture(found: segment.Segments, box) -> tuple[int, int, int, int]:
    left, top = found.box[0], found.box[1]
    return (box[0] + left, box[1] + top, box[2] + left, box[3] + top)


def _part_score(output: np.ndarray, one: float, box, height: float) -> float:
    """How convincing one part is as a digit: the log-likelihood of its answer, of its
    being one digit (the judge's say) and of its width for the digit it is read as."""
    return (
        math.log(max(float(output.max()), 1e-9))
        + JUDGE_WEIGHT * math.log(max(float(one), 1e-9))
        - 0.5 * _excess_width(output, box, height) ** 2
    )


def _excess_width(output: np.ndarray, box, height: float) -> float:
    """How far a part's width is from the usual widths of the digit it is read as, in
    spreads beyond ASPECT_SLACK: 0 for a usual width."""
    mean, spread = LOG_ASPECT[int(output.argmax())]
    aspect = max(box[2] - box[0], 1) / height
    return max(0.0, abs(math.log(aspect) - mean) / spread - ASPECT_SLACK)


def _clearly_one(output: np.ndarray, one: float, box, height: float) -> bool:
    """A whole mark read surely, judged one digit and as wide as its digit usually is."""
    surely, judged = CLEARLY_ONE
    return output.max() >= surely and one >= judged and _excess_width(output, box, height) == 0


@functools.cache
def shipped_judge() -> Network:
    """models/judge.npz: tells one digit (output 0) from a piece or a pair (output 1)."""
    import os

    from digitnet import modelfile, shipped

    return modelfile.load(os.path.join(shipped.models_dir(), JUDGE_FILE))


def one_digit(judge: Network | None, x: np.ndarray) -> np.ndarray:
    """How likely each input (N x 784) is one whole digit, by the judge's first two outputs;
    all 1 without a judge."""
    if judge is None:
        return np.ones(len(x))
    out = judge.forward(x)
    return out[:, 0] / np.maximum(out[:, 0] + out[:, 1], 1e-12)
