"""How convincing a part of a number's ink is as one digit, and what a cut costs: the
scores ``digitnet read`` chooses its segmentation by."""

from __future__ import annotations

import math

import numpy as np

# How wide each digit is for its height: the mean and spread of log(width / height) of its
# ink's box, measured on MNIST's 60,000 training digits by benchmarks/digit_aspect.py. A 1
# is about 0.4 as wide as tall, a 0 or a 2 about 0.9; a part read as a digit is judged by
# that digit's own widths.
LOG_ASPECT = (
    (-0.108, 0.199), (-0.948, 0.458), (-0.074, 0.222), (-0.241, 0.214), (-0.247, 0.216),
    (-0.076, 0.264), (-0.334, 0.219), (-0.271, 0.217), (-0.288, 0.224), (-0.405, 0.207),
)  # fmt: skip
# How much the judge's say weighs in a part's score (benchmarks/train_judge.py).
JUDGE_WEIGHT = 1.5
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


def cut_cost(depth: float) -> float:
    """A cut's log-likelihood by its valley's depth (CUT_COST)."""
    return next(cost for deepest, cost in CUT_COST if depth <= deepest)


def score(output: np.ndarray, one: float, box, height: float) -> float:
    """How convincing one part is as a digit: the log-likelihood of its answer, of its
    being one digit (the judge's say) and of its width for the digit it is read as."""
    return (
        math.log(max(float(output.max()), 1e-9))
        + JUDGE_WEIGHT * math.log(max(float(one), 1e-9))
        - 0.5 * excess_width(output, box, height) ** 2
    )


def excess_width(output: np.ndarray, box, height: float) -> float:
    """How far a part's width is from the usual widths of the digit it is read as, in
    spreads beyond ASPECT_SLACK: 0 for a usual width."""
    mean, spread = LOG_ASPECT[int(output.argmax())]
    aspect = max(box[2] - box[0], 1) / height
    return max(0.0, abs(math.log(aspect) - mean) / spread - ASPECT_SLACK)


def clearly_one(output: np.ndarray, one: float, box, height: float) -> bool:
    """A whole mark read surely, judged one digit and about as wide as its digit usually is
    (CLEAR_EXCESS)."""
    surely, judged = CLEARLY_ONE
    return (
        output.max() >= surely
        and one >= judged
        and excess_width(output, box, height) <= CLEAR_EXCESS
    )
