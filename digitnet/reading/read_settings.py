"""The number reader's settings, in one frozen object passed explicitly (reader.read_pixels
takes one): how parts are scored and where wide marks are cut. Each value was chosen by
measurement; docs/decisions.md ("The number reader's settings") gives the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadSettings:
    """The tunables of digitnet read; ``dataclasses.replace(DEFAULT, ...)`` varies one."""

    # how much the judge's say (one digit, or a piece or a pair) weighs in a part's score
    judge_weight: float = 1.5
    # widths within this many spreads of their digit's mean width are all as likely
    aspect_slack: float = 1.0
    # a mark read this surely and judged one digit this likely is not cut (saves time) ...
    clearly_one: tuple[float, float] = (0.95, 0.25)
    # ... if at most this many spreads wider than aspect_slack allows
    clear_excess: float = 1.0
    # a cut's log-likelihood by its valley's depth: digits meet in little ink
    cut_cost: tuple[tuple[float, float], ...] = (
        (0.35, math.log(0.9)),
        (0.7, math.log(0.6)),
        (math.inf, math.log(0.4)),
    )
    # a digit's usual width for its height, and candidate cuts per digit a mark may hold
    typical_width: float = 0.75
    cuts_per_digit: int = 3
    # in marks at least dense_from as wide as tall, cuts every lattice_step of the height
    # too: touching digits seldom part at a valley
    lattice_step: float = 0.05
    dense_from: float = 1.3
    # a part narrower or wider than this (of the height) is no digit
    part_width: tuple[float, float] = (0.12, 1.5)
    # the best readings of this many counts of digits have their cuts moved by these steps
    # (of the height), in this many rounds, in marks at least refine_from wide ...
    refined_counts: int = 3
    refine: tuple[float, ...] = tuple(round(0.03 * k, 2) for k in range(-6, 7) if k)
    rounds: int = 2
    refine_from: float = 1.1
    # ... and a moved reading with another count of digits must win by this much
    recount: float = -0.3

    @property
    def best_cut(self) -> float:
        """No reading with a cut scores more than this: a mark scoring it whole is kept."""
        return max(cost for _, cost in self.cut_cost)

    def cost_of_cut(self, depth: float) -> float:
        """A cut's log-likelihood by its valley's depth (the ink in the cut column over the
        usual column's)."""
        return next(cost for deepest, cost in self.cut_cost if depth <= deepest)


DEFAULT = ReadSettings()
