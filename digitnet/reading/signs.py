"""Marks that are no digit at all: a letter, a printed sign, a tick or a heart drawn by hand,
which an MNIST network reads as some digit, often surely. The sign network
(models/train_signs.py) tells them from digits: ``predict`` refuses such a mark, ``read``
leaves out a line made mostly of them."""

from __future__ import annotations

import numpy as np

from digitnet.nn.network import Network
from digitnet.reading.reading_networks import SIGNS, Shipped, judged_sign, network, shipped_signs
from digitnet.reading.words import Line

# A mark the sign network gives at least this of being no digit is none: the MNIST test
# digits drawn as benchmarks/realworld.py's families seldom reach it, letters and signs it
# never saw mostly do (docs/decisions.md, "Letters and signs").
SIGN = 0.95
# A mark at either end of a line of digits this surely no digit is left out of the number, a
# currency's sign or a percent's: one MNIST test digit in 20,000, as it is or restyled, and
# none of read.py's 3,000 numbers' reach it, the printed signs do (docs/decisions.md,
# "Letters and signs").
SURE_SIGN = 0.999
# ... when at least this many digit marks are left: "ok" and "no" would leave an o, read as
# a 0 (benchmarks/read.py's words; docs/decisions.md, "Letters and signs")
TRIM_LEAVES = 2
# The widest mark judged, for its height: the network learned one digit, or two touching
# (read.py's touching numbers of four and five digits in one mark were judged signs).
WIDEST = 2.5
KIND = "a letter or a sign"
A_SIGN = f"no digit found ({KIND})"  # predict's refusal
NO_NUMBER = f"no number found ({KIND})"  # read's


def judged(x: np.ndarray, signs: Network | str | Shipped | None = SIGNS) -> np.ndarray:
    """How likely each input (N x 784, framed as MNIST's) is a mark that is no digit; all 0
    without a sign network (``signs`` None)."""
    signs = network(signs, shipped_signs)
    if signs is None or not len(x):
        return np.zeros(len(x))
    return judged_sign(signs, np.asarray(x, np.float64))


def signs_of(x: np.ndarray, signs: Network | str | Shipped | None = SIGNS) -> np.ndarray:
    """Whether each input is a mark that is no digit (judged SIGN or more)."""
    return judged(x, signs) >= SIGN


def sign_marks(wholes: dict, signs: Network | str | Shipped | None = SIGNS) -> dict:
    """How likely each mark (the keys of ``wholes``, each mark's Digit read whole, before
    any cut) is no digit. Judged whole: a sign cut up reads as digits ("%" as 96), and the
    network learned whole marks, two touching digits among them; a mark wider than WIDEST
    (several touching digits) is not judged (0)."""
    marks = [m for m in wholes if m.box[2] - m.box[0] <= WIDEST * (m.box[3] - m.box[1])]
    said = judged(np.array([wholes[m].inputs for m in marks]), signs)
    return {m: 0.0 for m in wholes} | dict(zip(marks, said.tolist(), strict=True))


def of_signs(digits: list, said: dict) -> bool:
    """Whether a line's digit marks (segment's) are more signs than digits: a tick drawn
    like a 1 beside a star and a cross is a line of signs too."""
    return 2 * sum(said.get(m, 0.0) >= SIGN for m in digits) > len(digits)


def trimmed(line: list, said: dict) -> tuple[list, list]:
    """A line's marks (segment's) without a sure sign at either end ("$42", "42%", "42 ✓"),
    and the marks taken off; a line keeps them unless TRIM_LEAVES digit marks are left.
    One an end: a word's first letters are sure signs too, and what is left of it a letter
    (reader's _without_letters)."""

    def sure(m) -> bool:
        return m.kind == "digit" and said.get(m, 0.0) >= SURE_SIGN

    start, end = 0, len(line)
    if start < end and sure(line[start]):  # one sign an end: "hello" loses no "he"
        start += 1
        while start < end and line[start].kind == " ":
            start += 1
    if end > start and sure(line[end - 1]):
        end -= 1
        while end > start and line[end - 1].kind == " ":
            end -= 1
    if sum(m.kind == "digit" for m in line[start:end]) < TRIM_LEAVES:
        return line, []
    off = [m for m in line[:start] + line[end:] if m.kind == "digit"]
    return line[start:end], off


def without_signs(lines: list[Line], as_signs: dict) -> tuple[list[Line], list[tuple]]:
    """The lines as the signs leave them, and the boxes the signs took out: ``as_signs``
    maps a line (its id) to what is kept of it (None: nothing, a line of signs) and the
    boxes left out; a line not in it stays whole."""
    kept, boxes = [], []
    for line in lines:
        use, off = as_signs.get(id(line), (line, []))
        boxes += off
        if use is not None:
            kept.append(use)
    return kept, boxes
