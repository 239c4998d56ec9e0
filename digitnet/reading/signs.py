"""Marks that are no digit at all: a letter, a printed sign, a tick or a heart drawn by hand,
which an MNIST network reads as some digit, often surely. The sign network
(models/train_signs.py) tells them from digits: ``predict`` refuses such a mark, ``read``
leaves out a line made mostly of them."""

from __future__ import annotations

import numpy as np

from digitnet.nn.network import Network
from digitnet.reading.number import Digit, Separator
from digitnet.reading.reading_networks import SIGNS, Shipped, judged_sign, network, shipped_signs

# A mark the sign network gives at least this of being no digit is none: the MNIST test
# digits drawn as benchmarks/realworld.py's families seldom reach it, letters and signs it
# never saw mostly do (docs/decisions.md, "Letters and signs").
SIGN = 0.95
KIND = "a letter or a sign"
A_SIGN = f"no digit found ({KIND})"  # predict's refusal
NO_NUMBER = f"no number found ({KIND})"  # read's

Line = list[Digit | Separator]


def signs_of(x: np.ndarray, signs: Network | str | Shipped | None = SIGNS) -> np.ndarray:
    """Whether each input (N x 784, framed as MNIST's) is a mark that is no digit; all False
    without a sign network (``signs`` None)."""
    signs = network(signs, shipped_signs)
    if signs is None or not len(x):
        return np.zeros(len(x), bool)
    return judged_sign(signs, np.asarray(x, np.float64)) >= SIGN


def sign_marks(wholes: dict, signs: Network | str | Shipped | None = SIGNS) -> set:
    """The marks (keys of ``wholes``, each mark's Digit read whole, before any cut) that are
    no digit. Judged whole: a sign cut up reads as digits ("%" as 96), and the network
    learned whole marks, touching digits among them."""
    marks = list(wholes)
    judged = signs_of(np.array([wholes[m].inputs for m in marks]), signs)
    return {m for m, sign in zip(marks, judged.tolist(), strict=True) if sign}


def without_signs(lines: list[Line], of_signs: list[Line]) -> tuple[list[Line], list[tuple]]:
    """The lines but those of ``of_signs`` (the same line objects), and the boxes of the
    digits read in those."""
    kept = [line for line in lines if not any(line is s for s in of_signs)]
    left = [line for line in lines if any(line is s for s in of_signs)]
    return kept, [d.box for line in left for d in line if isinstance(d, Digit)]
