"""Reading the number written in a picture, digit by digit, left to right, line by line.

The digits are found as shapes (:mod:`digitnet.segment`); each is framed exactly as a
single digit is (20x20, centred by mass in 28x28) and the whole number is classified in
one batch. A digit much wider than its line is tall is several digits touching: cuts at
the valleys of its ink's column profile (and every LATTICE_STEP of the height) are tried,
and the segmentation the network finds most convincing is kept (segmentation by
recognition), a second network's say on each cut
part counting too (HELPER); the best readings' cuts are then moved about a little and tried
again (_refine). Near a cut, the ink is shared out along its
strokes rather than by the cut's column, so a stroke that reaches over the neighbour stays
with its own digit (_right_of). The digits cut out are read by the network and a part
reader, trained on such parts, together (PART_READER).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from digitnet import ink_sharing, segment
from digitnet.errors import OUT_OF_MEMORY, ImageError, NotOneDigitError
from digitnet.framing import fit_many
from digitnet.network import Network
from digitnet.number import Digit, Reading, Result, Separator

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
# A second network's say joins each cut part's score: the log of its output for the part's
# answer (two networks reading a part the same way: likelier a well-cut digit). The shipped
# large network helps every other one, the default helps large. Weights 0.5 and 1.5 did less
# than 1; joining whole marks' scores too read 6 more of 200 touching numbers, but split
# misread digits of the other families into two (separated's digit accuracy 97.0% -> 93.5%).
HELPER = "shipped"  # read_pixels's default: that second network
# The part reader (benchmarks/train_parts.py): a digit cut out of touching ones keeps crumbs
# of its neighbour's strokes and loses some of its own where they crossed; large reads 5.3%
# of such parts wrong (cut at the true partings of test-digit numbers), the part reader,
# trained on them, 2.1%. The answer for a cut part is the two networks' together (_together).
# The cuts are still chosen by the network's and the helper's say: a network taught to read
# parts cut a little off reads every cut well, and scoring by it too read 157 to 163 of
# benchmarks/read.py's 200 touching numbers instead of 164 (large; models/README.md).
PARTS_FILE = "parts.npz"
PART_READER = "shipped"  # read_pixels's default: the part reader that ships in models/
ASPECT_SLACK = 1.0  # widths within this many spreads of their digit's mean are all as likely
# A mark read with at least this confidence, judged one digit at least this likely, and
# about as wide as its digit usually is, is not cut: on 400 numbers of each of
# benchmarks/read.py's families, cutting such marks changed no reading, and not cutting them
# halved the time. The judge trained on read's own parts doubts more clean digits: judged
# 0.25 instead of 0.5, every family read as many numbers right (200 each) and six-digit
# numbers read in 17.3 ms instead of 22.9 (medians of 20, benchmarks/read.py).
CLEARLY_ONE = (0.95, 0.25)
# "About as wide": at most this many spreads beyond ASPECT_SLACK. With the judge, no reading
# of 300 numbers of 4 families and 200 of the other 3 changed at 0, 0.5, 1, 2 or no limit;
# 1 keeps a guard for reading without a judge, and 3 more of benchmarks/read.py's 20
# six-digit numbers (a 9 as wide as tall) are read without trying cuts.
CLEAR_EXCESS = 1.0

# A cut's log-likelihood by its valley's depth (the ink in the cut column over the usual
# column's): touching digits meet in a little ink; a cut through one digit crosses as much
# as its other columns hold.
CUT_COST = ((0.35, math.log(0.9)), (0.7, math.log(0.6)), (math.inf, math.log(0.4)))


BEST_CUT = max(cost for _, cost in CUT_COST)  # no reading with a cut scores more than this


def _cut_cost(depth: float) -> float:
    return next(cost for deepest, cost in CUT_COST if depth <= deepest)


TYPICAL_WIDTH = 0.75  # a digit is about this wide for its height (MNIST's median: 0.8) ...
CUTS_PER_DIGIT = 3  # ... and a wide mark gets this many candidate cuts per digit it may hold
# (at its ink's valleys); in a mark at least DENSE_FROM as wide as its line is tall, cuts
# are tried every LATTICE_STEP of the height too: touching digits seldom part at a valley.
# On 400 touching numbers of MNIST *training* digits (benchmarks/number_families.py), large
# read 319 right with the valleys alone, 329, 331 and 334 with cuts every 0.1, 0.07 and 0.05
# of the height too (in every wide mark); such a mark takes 4x as long. In marks narrower than
# DENSE_FROM they split a wide single digit in two more often than they find where two part:
# on benchmarks/read.py's separated numbers, default read 174 of 200 right from 0 or 1.1, 175
# from 1.3 (the touching ones: large 167, 168 and 167; 164 with the valleys alone).
LATTICE_STEP = 0.05
DENSE_FROM = 1.3
PART_WIDTH = (0.12, 1.5)  # a part narrower or wider than this (of the height) is no digit
REFINED_COUNTS = 3  # the best readings of this many counts of digits are refined: ...
# ... each cut moved this far (of the height), to where the two parts beside it read best,
# in ROUNDS rounds, each from where the last left the cuts (a cut moved next to a neighbour
# that moved too). On benchmarks/read.py's 200 touching numbers, large read 158 right
# where one round of moves up to 0.12 by 0.04 read 148 (default 81.6% of the ideal, from
# 78.2%); up to 0.16 by 0.04: 153; up to 0.24 by 0.03: 159, 20% slower; 3 rounds: 157.
# Where cuts are tried matters most: with the true partings added to the valleys' cuts,
# large read 164 (benchmarks/read.py knows them); a lattice of every 0.05 of the height, 163
# but six times slower.
REFINE = tuple(round(0.03 * k, 2) for k in range(-6, 7) if k)
ROUNDS = 2
# ... in marks at least this wide (of the height): in narrower ones, two sure halves of one
# wide digit are found more often than where two digits part (a 0 read as "17" in
# benchmarks/read.py's close family; touching pairs lost nothing)
REFINE_FROM = 1.1
# ... and a moved reading with another count of digits than the lattice's best must win by
# this much (log-likelihood): the judge takes two halves of one wide digit for two digits
# often enough (a 3 read as "27" in the uneven family). With cuts moved in two rounds, on
# 200 numbers of each family of benchmarks/read.py, -0.3 read 5 more touching numbers than
# -1 (2 of large's, 3 of default's) and 1 fewer of default's two lines (large's touching:
# 0 read as many as -0.3)
RECOUNT = -0.3


def read(source, net: Network | None = None, max_pixels: int | None = None) -> Reading:
    """The number written in a picture (see preprocess.gray_pixels for what a picture may
    be). ``net`` defaults to the shipped default model."""
    from digitnet import preprocess, shipped

    net = net if net is not None else shipped.load(None)
    return read_pixels(preprocess.gray_pixels(source, max_pixels or preprocess.MAX_PIXELS), net)


def _read_path(net: Network, path: str, max_pixels: int) -> Result:
    from digitnet.preprocess import gray_of

    return _result(net, path, lambda: gray_of(path, max_pixels))


def result_of(net: Network, data, max_pixels: int, name: str = "-") -> Result:
    """The Result for one picture given as a file's bytes (or anything that
    preprocess.gray_pixels takes), exactly as ``read`` reads that file (``name`` is the
    path it reports)."""
    from digitnet import preprocess

    return _result(net, name, lambda: preprocess.gray_pixels(data, max_pixels))


def _result(net: Network, name: str, pixels) -> Result:
    try:
        return Result(name, read_pixels(pixels(), net))
    except ImageError as e:
        return Result(name, error=str(e))
    except MemoryError:  # a picture too large for this machine costs only its own answer
        return Result(name, error=OUT_OF_MEMORY)


def _read_in_worker(paths: list[str]) -> list[Result]:
    from digitnet.batch import worker

    net, max_pixels = worker()
    return [_read_path(net, path, max_pixels) for path in paths]


READ_CHUNK = 4  # pictures a worker reads at a time: a number takes long enough to pay a trip


def readings(net: Network, paths, max_pixels: int, jobs: int = 1):
    """A Result for each path, in order; with ``jobs`` > 1 read in worker processes."""
    if jobs <= 1:
        for path in paths:
            yield _read_path(net, path, max_pixels)
        return
    from digitnet.batch import in_workers

    def lost(chunk: list[str], reason: str) -> list[Result]:
        return [Result(path, error=reason) for path in chunk]

    for results in in_workers(_read_in_worker, paths, READ_CHUNK, net, max_pixels, jobs, lost):
        yield from results


def read_pixels(
    pixels: np.ndarray,
    net: Network,
    judge: Network | None = JUDGE,
    helper: Network | str | None = HELPER,
    part_reader: Network | str | None = PART_READER,
) -> Reading:
    """The number in a grayscale picture (rows x columns, uint8). ImageError when there is
    no ink, or no digit in it. ``judge`` tells a whole digit from a piece or a pair (see
    benchmarks/train_judge.py): the shipped one by default, None to go by the digit network
    alone. ``helper`` gives a second opinion on cut parts (HELPER): None for none.
    ``part_reader`` reads the digits cut out with ``net`` (PART_READER): None for ``net``
    alone."""
    if judge is JUDGE:
        judge = shipped_judge()
    found = segment.find(pixels)
    if found is None or not any(m.kind == "digit" for line in found.lines for m in line):
        raise NotOneDigitError("no digits found")
    marks = digit_marks(found)
    parts = _Parts(found, net, judge, helper)
    # first every digit whole, in one batch; then the marks read too unsurely for any cut
    # to lose (by the network and judge: a cut scores at most the cheapest cut's cost),
    # unless clearly one digit, are cut at their valleys, in a second batch; the best
    # paths' cuts are then moved about and tried again (_refine)
    each = [mark for mark, _ in marks]
    wholes = dict(zip(each, parts.add_all([(mark, None) for mark in each]), strict=True))
    parts.judge_new()
    cut: dict[segment.Mark, _Cuts] = {}
    for mark, height in marks:
        whole = wholes[mark]
        if whole is not None and (
            parts.clearly_one(whole, height) or parts.score(whole, height) >= BEST_CUT
        ):
            continue
        if (cuts := _cuts_of(parts, mark, height, whole)) is not None:
            cut[mark] = cuts
    parts.judge_new()
    chosen = {mark: [wholes[mark]] for mark, _ in marks}
    chosen.update(_refine(parts, list(cut.values())))
    parts.read_cut([i for ids in chosen.values() for i in ids if i is not None], part_reader)
    lines = []
    for line in found.lines:
        out: list[Digit | Separator] = []
        for mark in line:
            if mark.kind == "digit":
                out += [parts.digit(i) for i in chosen[mark] if i is not None]
            else:
                out.append(Separator(mark.kind, found.in_picture(mark.box)))
        if any(isinstance(m, Digit) for m in out):
            lines.append(out)
    if not lines:
        raise NotOneDigitError("no digits found")
    return Reading(lines)


def digit_marks(found: segment.Segments) -> list[tuple[segment.Mark, float]]:
    """Every digit mark of the picture, top line first, with its line's height."""
    return [
        (mark, height)
        for line, height in zip(found.lines, found.line_heights, strict=True)
        for mark in line
        if mark.kind == "digit"
    ]


class _Parts:
    """The candidate parts of a picture's digit marks, each made once: their 784 inputs and
    boxes, and once judged (judge_new) the network's outputs and the judge's say."""

    def __init__(
        self,
        found: segment.Segments,
        net: Network,
        judge: Network | None,
        helper: Network | str | None = None,
    ):
        self.found, self.net, self.judge, self.helper = found, net, judge, helper
        self.inputs: list[np.ndarray] = []
        self.where: list[tuple[int, int, int, int]] = []
        self.outputs, self.one = np.zeros((0, 10)), np.zeros(0)
        self.second = np.zeros((0, 10))  # the helper's outputs, made when first scored
        # (HELPER is resolved then too: a number with no cut mark never loads the helper)
        self.cut: list[bool] = []  # whether each part is a cut one (else a whole mark)
        self.final: dict[int, np.ndarray] = {}  # cut parts' outputs, as read_cut read them
        self._masks: dict[segment.Mark, np.ndarray] = {}

    def mask(self, mark: segment.Mark) -> np.ndarray:
        if mark not in self._masks:
            self._masks[mark] = ink_sharing.mask_of(self.found, mark)
        return self._masks[mark]

    def add(self, mark: segment.Mark, own: np.ndarray | None = None) -> int | None:
        """A mark, or the part of it that is ``own`` (a mask of its box): its number, or
        None when no ink is left in it."""
        return self.add_all([(mark, own)])[0]

    def add_all(self, wanted: list[tuple[segment.Mark, np.ndarray | None]]) -> list[int | None]:
        """add() for several (mark, own) at once, framed in one go (framing.fit_many)."""
        if not wanted:
            return []
        cut: dict[segment.Mark, list[int]] = {}  # each mark's cut parts, cleaned in one go
        for k, (mark, own) in enumerate(wanted):
            if own is not None:
                cut.setdefault(mark, []).append(k)
        owns: dict[int, tuple[np.ndarray, int] | None] = {}
        for ks in cut.values():
            owns.update(zip(ks, ink_sharing.cut_owns([wanted[k][1] for k in ks]), strict=True))
        made = [
            ink_sharing.part_of(self.found, mark, self.mask(mark), None)
            if own is None
            else (None if owns[k] is None else ink_sharing.part_of(self.found, mark, *owns[k]))
            for k, (mark, own) in enumerate(wanted)
        ]
        framed = iter(fit_many([m[0] for m in made if m is not None]))
        numbers: list[int | None] = []
        for m, (_, own) in zip(made, wanted, strict=True):
            inputs = None if m is None else next(framed)
            if inputs is None:
                numbers.append(None)
                continue
            self.inputs.append(inputs.ravel())
            self.where.append(m[1])
            self.cut.append(own is not None)
            numbers.append(len(self.inputs) - 1)
        return numbers

    def judge_new(self) -> None:
        """The network's outputs and the judge's say for the parts added since, in one batch."""
        first = len(self.outputs)
        if len(self.inputs) > first:
            x = np.stack(self.inputs[first:]).astype(np.float64)
            self.outputs = np.concatenate([self.outputs, self.net.forward(x)])
            self.one = np.concatenate([self.one, one_digit(self.judge, x)])

    def score(self, i: int | None, height: float) -> float:
        """How convincing part i is: _part_score, and for a cut part the helper's say."""
        if i is None:
            return -math.inf
        return _part_score(self.outputs[i], self.one[i], self.where[i], height) + self._agree(i)

    def _agree(self, i: int) -> float:
        """The log of the helper's output for cut part i's answer (0 for a whole mark, or
        without a helper); the helper reads every part judged so far, in one batch, when
        first asked."""
        if self.helper is None or not self.cut[i]:
            return 0.0
        if self.helper is HELPER:
            self.helper = second_network(self.net)
        if len(self.second) <= i:
            x = np.stack(self.inputs[len(self.second) : len(self.outputs)]).astype(np.float64)
            self.second = np.concatenate([self.second, self.helper.forward(x)])
        return math.log(max(float(self.second[i, int(self.outputs[i].argmax())]), 1e-9))

    def read_cut(self, ids: list[int], part_reader: Network | str | None) -> None:
        """The cut parts among ``ids`` read again, by the network and ``part_reader``
        together (_together), in one batch; digit() answers with that."""
        cut = [i for i in ids if self.cut[i]]
        if part_reader is None or not cut:
            return
        if part_reader is PART_READER:
            part_reader = shipped_part_reader()
        x = np.stack([self.inputs[i] for i in cut]).astype(np.float64)
        read = _together(self.outputs[cut], part_reader.forward(x))
        self.final.update(zip(cut, read, strict=True))

    def clearly_one(self, i: int, height: float) -> bool:
        return _clearly_one(self.outputs[i], self.one[i], self.where[i], height)

    def digit(self, i: int) -> Digit:
        out = self.final.get(i, self.outputs[i])
        box = self.found.in_picture(self.where[i])
        return Digit(int(out.argmax()), float(out.max()), box, out, self.inputs[i])


class _Cuts:
    """The ways to cut one wide mark (see _lattice): which of its ink lies right of each cut
    tried (columns of the picture's strength), and the part between any two cuts."""

    def __init__(self, parts: _Parts, mark, height: float, whole: int | None, lattice):
        nodes, depth, edges = lattice
        self.parts, self.mark, self.height, self.nodes, self.depth = (
            parts, mark, height, nodes, depth,
        )  # fmt: skip
        self.right: dict[int, np.ndarray] = {}
        self._part: dict[tuple[int, int], int | None] = {(nodes[0], nodes[-1]): whole}
        self.at(nodes[1:-1])
        self.prepare([(nodes[i], nodes[j]) for i, j in edges])
        self.edges = edges

    def at(self, columns) -> None:
        """Share out the ink at new cuts (_right_of)."""
        x0, x1 = self.mark.box[0], self.mark.box[2]
        new = sorted({c for c in columns if c not in self.right})
        if not new and self.right:
            return
        mask = self.parts.mask(self.mark)
        found = ink_sharing.right_of(mask, [0, *(c - x0 for c in new), x1 - x0], self.height)
        self.right.update(zip(new, found[1:-1], strict=True))
        self.right[x0], self.right[x1] = found[0], found[-1]

    def prepare(self, pairs: list[tuple[int, int]]) -> None:
        """Add the parts between these pairs of cuts that are not made yet, in one go."""
        new = [p for p in dict.fromkeys(pairs) if p not in self._part]
        wanted = [(self.mark, self.right[a] & ~self.right[b]) for a, b in new]
        self._part.update(zip(new, self.parts.add_all(wanted), strict=True))

    def part(self, a: int, b: int) -> int | None:
        """The part between cuts a and b."""
        if (a, b) not in self._part:
            self.prepare([(a, b)])
        return self._part[a, b]

    def parts_of(self, cuts: list[int]) -> list[int | None]:
        return [self.part(a, b) for a, b in zip(cuts, cuts[1:], strict=False)]

    def cost(self, c: int) -> float:
        """A cut's log-likelihood at column c (_cut_cost)."""
        return _cut_cost(float(self.depth[c - self.mark.box[0]]))

    def score(self, cuts: list[int]) -> float:
        """How convincing the reading cut at ``cuts`` (edges included) is."""
        parts = sum(self.parts.score(i, self.height) for i in self.parts_of(cuts))
        return parts + sum(self.cost(c) for c in cuts[1:-1])

    def best_paths(self, keep: int) -> list[list[int]]:
        """The best ways through the lattice for each count of parts, the ``keep`` best of
        them: each the columns of its cuts, edges included (dynamic programming)."""
        nodes, n = self.nodes, len(self.nodes)
        best: list[dict[int, tuple[float, int]]] = [{} for _ in range(n)]
        best[0][0] = (0.0, -1)
        steps = sorted([*self.edges, (0, n - 1)], key=lambda e: e[1])
        for i, j in steps:
            step = self.parts.score(self.part(nodes[i], nodes[j]), self.height)
            if i > 0:
                step += self.cost(nodes[i])
            for k, (before, _) in list(best[i].items()):
                if before + step > best[j].get(k + 1, (-math.inf, -1))[0]:
                    best[j][k + 1] = (before + step, i)
        ranked = sorted(best[n - 1].items(), key=lambda kv: -kv[1][0])[:keep]
        paths = []
        for k, (score, _) in ranked:
            if score == -math.inf:
                continue
            path, j = [n - 1], n - 1
            for left in range(k, 0, -1):
                j = best[j][left][1]
                path.append(j)
            paths.append([nodes[i] for i in path[::-1]])
        return paths


def _cuts_of(parts: _Parts, mark: segment.Mark, height: float, whole: int | None):
    """The ways to cut a mark (its _Cuts, every lattice part added to ``parts``), or None
    for a mark as narrow as one digit."""
    lattice = _lattice(mark, height, parts.mask(mark))
    return None if lattice is None else _Cuts(parts, mark, height, whole, lattice)


def _refine(parts: _Parts, marks: list[_Cuts]) -> dict[segment.Mark, list[int | None]]:
    """Each cut mark's best reading, as its parts' numbers. A column profile's valley is
    seldom exactly where touching digits part: the best paths of REFINED_COUNTS counts of
    digits each have their cuts moved (_moved), ROUNDS times over; then the best path, as
    found or as moved in any round, wins (one with another count of digits than the
    lattice's best paying RECOUNT)."""
    plans = [
        (c, path)
        for c in marks
        for path in c.best_paths(
            REFINED_COUNTS if c.mark.box[2] - c.mark.box[0] >= REFINE_FROM * c.height else 1
        )
    ]
    tried = [[path] for _, path in plans]  # each plan's path, then as moved each round
    for _ in range(ROUNDS):
        moved = _moved(parts, [(c, seen[-1]) for (c, _), seen in zip(plans, tried, strict=True)])
        for seen, new in zip(tried, moved, strict=True):
            seen.append(new)
    best: dict[segment.Mark, tuple[float, list[int | None]]] = {}
    first: dict[segment.Mark, int] = {}
    for (c, path), seen in zip(plans, tried, strict=True):
        first.setdefault(c.mark, len(path))
        for cuts in seen:
            score = c.score(cuts) + RECOUNT * (len(cuts) != first[c.mark])
            if c.mark not in best or score > best[c.mark][0]:
                best[c.mark] = (score, c.parts_of(cuts))
    return {mark: ids for mark, (_, ids) in best.items()}


def _moved(parts: _Parts, plans: list[tuple[_Cuts, list[int]]]) -> list[list[int]]:
    """Each plan's path with every cut moved by each of REFINE (shares of the height) and
    kept where the two parts beside it read best, its neighbours where they are; the parts
    of every move tried are made and read in one batch."""
    marks = list({id(c): c for c, _ in plans}.values())
    tries: dict[tuple[int, int], list[int]] = {}  # (plan, cut) -> the columns to try
    for n, (c, path) in enumerate(plans):
        x0, x1 = c.mark.box[0], c.mark.box[2]
        margin = segment.cut_margin(c.height)
        narrow, wide = (w * c.height for w in PART_WIDTH)
        for k in range(1, len(path) - 1):
            a, b = path[k - 1], path[k + 1]
            tries[n, k] = [
                col
                for col in (path[k] + round(step * c.height) for step in REFINE)
                if x0 + margin <= col < x1 - margin
                and narrow <= col - a <= wide
                and narrow <= b - col <= wide
            ]
    for c in marks:
        c.at(col for (n, _), cols in tries.items() if plans[n][0] is c for col in cols)
    for c in marks:
        c.prepare(
            [
                pair
                for (n, k), cols in tries.items()
                if plans[n][0] is c
                for col in cols
                for pair in ((plans[n][1][k - 1], col), (col, plans[n][1][k + 1]))
            ]
        )
    parts.judge_new()
    moved = []
    for n, (c, path) in enumerate(plans):
        new = list(path)
        for k in range(1, len(path) - 1):
            a, b = path[k - 1], path[k + 1]
            scores = {col: c.score([a, col, b]) for col in [path[k], *tries[n, k]]}
            new[k] = max(scores, key=scores.__getitem__)
        c.parts_of(new)
        moved.append(new)
    parts.judge_new()
    return moved


def _lattice(mark: segment.Mark, height: float, mask: np.ndarray):
    """The ways to cut a wide digit mark into digits, as a lattice: the cut columns (the
    mark's left and right edges first and last, candidate cuts at its ink's valleys
    between), every column's depth (its ink against a usual column's) and the parts worth
    reading (pairs of nodes a digit's width apart). ``mask`` is the mark's own ink (_mask).
    None for a mark as narrow as one digit."""
    x0, _, x1, _ = mark.box
    width = x1 - x0
    if width <= segment.MAY_SPLIT * height:
        return None
    profile = mask.sum(axis=0).astype(float)
    typical = float(np.median(profile[profile > 0])) if profile.any() else 1.0
    most = max(CUTS_PER_DIGIT, round(CUTS_PER_DIGIT * width / (TYPICAL_WIDTH * height)))
    cuts = set(segment.cuts(profile, height, most))
    if width >= DENSE_FROM * height:
        margin = segment.cut_margin(height)
        every = np.arange(margin, width - margin, max(1.0, LATTICE_STEP * height)).round()
        cuts |= set(every.astype(int).tolist())
    cuts = sorted(cuts)
    nodes = [x0, *(x0 + c for c in cuts), x1]
    edges = [
        (i, j)
        for i in range(len(nodes))
        for j in range(i + 1, len(nodes))
        if (i, j) != (0, len(nodes) - 1)
        and PART_WIDTH[0] * height <= nodes[j] - nodes[i] <= PART_WIDTH[1] * height
    ]
    return nodes, profile / typical, edges


def touching_count(strength: np.ndarray, inputs: np.ndarray, sure: float, judged: float) -> int:
    """How many digits the ink of one shape (its strength over the paper, 0..1) is read as
    by the shipped default model, when each is read at least ``sure`` or the judge gives the
    whole shape (its 784 ``inputs``) less than ``judged`` of being one digit; else 1."""
    return sum(surely_several(strength, inputs, sure, judged))


def surely_several(
    strength: np.ndarray, inputs: np.ndarray, sure: float, judged: float
) -> list[int]:
    """The digits in each line that ink taken for one digit is read as (see
    touching_count), or [1] when it is read as one digit, or not surely as several."""
    from digitnet import shipped

    margin = max(strength.shape) // 4
    gray = 255 - np.round(255 * np.pad(strength, margin)).astype(np.uint8)
    try:  # sure and judged were measured on the default network's own confidences
        reading = read_pixels(gray, shipped.load(None), part_reader=None)
    except ImageError:
        return [1]
    digits = reading.digits
    if len(digits) < 2:
        return [1]
    per_line = [sum(isinstance(m, Digit) for m in line) for line in reading.lines]
    if all(d.confidence >= sure for d in digits):
        return per_line
    whole = one_digit(shipped_judge(), inputs.reshape(1, -1).astype(np.float64))[0]
    return per_line if whole < judged else [1]


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
    """A whole mark read surely, judged one digit and about as wide as its digit usually is
    (CLEAR_EXCESS)."""
    surely, judged = CLEARLY_ONE
    return (
        output.max() >= surely
        and one >= judged
        and _excess_width(output, box, height) <= CLEAR_EXCESS
    )


def second_network(net: Network) -> Network:
    """The helper for ``net`` (HELPER): the shipped large network, or the default for a
    network as big as large."""
    size = sum(layer.weights.size for layer in net.layers)
    large = _shipped("large")
    return _shipped("default") if size >= sum(w.weights.size for w in large.layers) else large


@functools.cache
def _shipped(name: str) -> Network:
    from digitnet import shipped

    return shipped.load(name)


def _together(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two networks' outputs (rows of 10) as one: their geometric mean, summing to 1. On
    benchmarks/read.py's 200 touching numbers, large read 164 with it, 160 by large alone
    and 163 by the part reader alone (weighted 0.35 or 0.65 to large: 163, 162)."""
    both = np.sqrt(a * b)
    return both / np.maximum(both.sum(axis=1, keepdims=True), 1e-300)


@functools.cache
def shipped_part_reader() -> Network:
    """models/parts.npz: reads the digits cut out of touching ones (PART_READER)."""
    return _model_file(PARTS_FILE)


@functools.cache
def shipped_judge() -> Network:
    """models/judge.npz: tells one digit (output 0) from a piece or a pair (output 1)."""
    return _model_file(JUDGE_FILE)


def _model_file(name: str) -> Network:
    """A model file of models/ that --model does not offer."""
    import os

    from digitnet import modelfile, shipped

    return modelfile.load(os.path.join(shipped.models_dir(), name))


def one_digit(judge: Network | None, x: np.ndarray) -> np.ndarray:
    """How likely each input (N x 784) is one whole digit, by the judge's first two outputs;
    all 1 without a judge."""
    if judge is None:
        return np.ones(len(x))
    out = judge.forward(x)
    return out[:, 0] / np.maximum(out[:, 0] + out[:, 1], 1e-12)
