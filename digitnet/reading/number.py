"""What reading a number gives: its digits and separators, line by line, and the JSON
``digitnet read --format json`` prints for it."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

TOP = 3  # each digit's brightest output neurons kept, for --format json's "top"


class Digit(NamedTuple):
    """A digit read: the brightest output neuron, its activation, where it is (image
    pixels: left, top, right, bottom), all ten outputs and the 784 inputs they came from
    (for a digit cut out of touching ones, the network's and the part reader's together)."""

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


def unsure(d: Digit, threshold: float | None) -> bool:
    """Whether a digit is read less surely than ``threshold`` (then shown as '?')."""
    return threshold is not None and d.confidence < threshold


class Reading(NamedTuple):
    """The number in a picture: its lines, top to bottom, each its digits and separators
    left to right."""

    lines: list[list[Digit | Separator]]
    left_out: tuple = ()  # the boxes of the clutter left out: frames, edges, lines, words

    @property
    def digits(self) -> list[Digit]:
        return [d for line in self.lines for d in line if isinstance(d, Digit)]

    @property
    def confidence(self) -> float:
        """How sure the whole reading is: the product of its digits' confidences."""
        return math.prod(d.confidence for d in self.digits)

    def text(self, digits_only: bool = False, threshold: float | None = None) -> list[str]:
        """Each line's number as written (signs, points, slashes, dashes, colons and spaces
        kept), or its digits alone with ``digits_only``; a digit below ``threshold`` is '?'."""
        out = []
        for line in self.lines:
            chars = []
            for m in line:
                if isinstance(m, Separator):
                    if not digits_only:
                        chars.append(m.char)
                elif unsure(m, threshold):
                    chars.append("?")
                else:
                    chars.append(str(m.digit))
            out.append("".join(chars).strip())
        return out

    def number(self, digits_only: bool = False, threshold: float | None = None) -> str:
        """The number, a line per line (joined by newlines)."""
        return "\n".join(self.text(digits_only, threshold))

    def single_line(self) -> Reading:
        """The same reading with every line's marks in one line, top line first."""
        return (
            self._replace(lines=[[m for line in self.lines for m in line]]) if self.lines else self
        )

    def to_dict(self, digits_only: bool = False, threshold: float | None = None) -> dict:
        """The reading as JSON-ready values (see ``digitnet read --format json``)."""
        lines = self.text(digits_only, threshold)
        return {
            "number": "\n".join(lines),
            "lines": lines,
            "confidence": round(self.confidence, 6),
            "digits": [
                {
                    "digit": None if unsure(d, threshold) else d.digit,
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


class Result(NamedTuple):
    """One input's reading, or why it has none."""

    path: str
    reading: Reading | None = None
    error: str | None = None
