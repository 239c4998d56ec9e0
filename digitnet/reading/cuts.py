"""The ways to cut a wide digit mark into digits: candidate cuts as a lattice, the best
paths through it, and the best paths' cuts moved about (segmentation by recognition)."""

from __future__ import annotations

import math

import numpy as np

from digitnet.reading import ink_sharing, segment
from digitnet.reading.parts import Parts
from digitnet.reading.read_settings import DEFAULT, ReadSettings


class Cuts:
    """The ways to cut one wide mark (see lattice): which of its ink lies right of each cut
    tried (columns of the picture's strength), and the part between any two cuts."""

    def __init__(self, parts: Parts, mark, height: float, whole: int | None, lattice):
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
        """Share out the ink at new cuts (ink_sharing.right_of)."""
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
        """A cut's log-likelihood at column c (part_score.cut_cost)."""
        return self.parts.settings.cost_of_cut(float(self.depth[c - self.mark.box[0]]))

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


def cuts_of(parts: Parts, mark: segment.Mark, height: float, whole: int | None):
    """The ways to cut a mark (its Cuts, every lattice part added to ``parts``), or None
    for a mark as narrow as one digit."""
    found = lattice(mark, height, parts.mask(mark), parts.settings)
    return None if found is None else Cuts(parts, mark, height, whole, found)


def refine(parts: Parts, marks: list[Cuts]) -> dict[segment.Mark, list[int | None]]:
    """Each cut mark's best reading, as its parts' numbers. A column profile's valley is
    seldom exactly where touching digits part: the best paths of settings.refined_counts
    counts of digits each have their cuts moved (moved), settings.rounds times over; then the
    best path, as found or as moved in any round, wins (one with another count of digits
    than the lattice's best paying settings.recount)."""
    plans = [
        (c, path)
        for c in marks
        for path in c.best_paths(
            parts.settings.refined_counts
            if c.mark.box[2] - c.mark.box[0] >= parts.settings.refine_from * c.height
            else 1
        )
    ]
    tried = [[path] for _, path in plans]  # each plan's path, then as moved each round
    for _ in range(parts.settings.rounds):
        shifted = moved(parts, [(c, seen[-1]) for (c, _), seen in zip(plans, tried, strict=True)])
        for seen, new in zip(tried, shifted, strict=True):
            seen.append(new)
    best: dict[segment.Mark, tuple[float, list[int | None]]] = {}
    first: dict[segment.Mark, int] = {}
    for (c, path), seen in zip(plans, tried, strict=True):
        first.setdefault(c.mark, len(path))
        for cuts in seen:
            score = c.score(cuts) + parts.settings.recount * (len(cuts) != first[c.mark])
            if c.mark not in best or score > best[c.mark][0]:
                best[c.mark] = (score, c.parts_of(cuts))
    return {mark: ids for mark, (_, ids) in best.items()}


def moved(parts: Parts, plans: list[tuple[Cuts, list[int]]]) -> list[list[int]]:
    """Each plan's path with every cut moved by each of settings.refine (of the height) and
    kept where the two parts beside it read best, its neighbours where they are; the parts
    of every move tried are made and read in one batch."""
    marks = list({id(c): c for c, _ in plans}.values())
    tries: dict[tuple[int, int], list[int]] = {}  # (plan, cut) -> the columns to try
    for n, (c, path) in enumerate(plans):
        x0, x1 = c.mark.box[0], c.mark.box[2]
        margin = segment.cut_margin(c.height)
        narrow, wide = (w * c.height for w in parts.settings.part_width)
        for k in range(1, len(path) - 1):
            a, b = path[k - 1], path[k + 1]
            tries[n, k] = [
                col
                for col in (path[k] + round(step * c.height) for step in parts.settings.refine)
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


def lattice(mark: segment.Mark, height: float, mask: np.ndarray, settings: ReadSettings = DEFAULT):
    """The ways to cut a wide digit mark into digits, as a lattice: the cut columns (the
    mark's left and right edges first and last, candidate cuts at its ink's valleys
    between), every column's depth (its ink against a usual column's) and the parts worth
    reading (pairs of nodes a digit's width apart). ``mask`` is the mark's own ink
    (ink_sharing.mask_of). None for a mark as narrow as one digit."""
    x0, _, x1, _ = mark.box
    width = x1 - x0
    if width <= segment.MAY_SPLIT * height:
        return None
    profile = mask.sum(axis=0).astype(float)
    typical = float(np.median(profile[profile > 0])) if profile.any() else 1.0
    per_digit = settings.cuts_per_digit
    most = max(per_digit, round(per_digit * width / (settings.typical_width * height)))
    cuts = set(segment.cuts(profile, height, most))
    if width >= settings.dense_from * height:
        margin = segment.cut_margin(height)
        step = max(1.0, settings.lattice_step * height)
        every = np.arange(margin, width - margin, step).round()
        cuts |= set(every.astype(int).tolist())
    cuts = sorted(cuts)
    nodes = [x0, *(x0 + c for c in cuts), x1]
    narrow, wide = (w * height for w in settings.part_width)
    edges = [
        (i, j)
        for i in range(len(nodes))
        for j in range(i + 1, len(nodes))
        if (i, j) != (0, len(nodes) - 1) and narrow <= nodes[j] - nodes[i] <= wide
    ]
    return nodes, profile / typical, edges
