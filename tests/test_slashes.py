"""reading.slashes on lines built by hand: which 1s become slashes by their place, with
each mark's shape given (the shapes themselves are measured over many pictures in
test_read_written.py)."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.reading import slashes
from digitnet.reading.number import Digit, Separator

LEANING = slashes.Stroke(30.0, 9.0)  # as far over and as straight as most slashes
UPRIGHT = slashes.Stroke(2.0, 6.0)  # a 1 as most are written


def _line(written: str) -> tuple[list[Digit | Separator], list[slashes.Stroke]]:
    """A line of marks for ``written``: '/' a 1 leaning like a slash, '_' a space, ',' and
    '.' themselves, a digit upright."""
    line, strokes = [], []
    for k, c in enumerate(written):
        box = (10 * k, 0, 10 * k + 8, 20)
        if c in "_,.":
            line.append(Separator(" " if c == "_" else c, box))
            strokes.append(slashes.NO_STROKE)
        else:
            digit = 1 if c == "/" else int(c)
            line.append(Digit(digit, 0.99, box, np.zeros(10), np.zeros(784)))
            strokes.append(LEANING if c == "/" else UPRIGHT)
    return line, strokes


def _text(line) -> str:
    return "".join(str(m.digit) if isinstance(m, Digit) else m.char for m in line)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12/7/1997", "12/7/1997"),
        ("12/7/_1997", "12/7/1997"),  # a wide gap after a slash is its own, no space
        ("12_/7_/1997", "12/7/1997"),
        ("10/23/1,999", "10/23/1999"),  # a speck inside the year of a whole date is dust
        ("3/4/20.26", "3/4/2026"),
        ("12/5", "12/5"),
        ("30/4", "30/4"),
        ("29/2/2024", "29/2/2024"),
        ("2024/12/31", "2024/12/31"),
    ],
)
def test_a_date_is_read_through_its_gaps_and_dust(written, read):
    assert _text(slashes.with_slashes(*_line(written))) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1,2/4", "1,214"),  # one slash: a thousands' comma tells a number, no dust
        ("12/,5/1997", "121,511997"),  # a point beside a slash is in no group
        ("12_5/1997", "12 511997"),  # a space inside a group parts two numbers
        ("3.1/4", "3.114"),
        ("31/4", "3114"),  # April has 30 days: no date, so no slash
        ("4/31", "4131"),
        ("2024/4/31", "202414131"),
    ],
)
def test_what_is_no_date_keeps_its_1s(written, read):
    assert _text(slashes.with_slashes(*_line(written))) == read


def test_without_the_dust_rule_a_speck_keeps_a_date_a_number(monkeypatch):
    monkeypatch.setattr(slashes, "DUST", "")
    assert _text(slashes.with_slashes(*_line("10/23/1,999"))) == "1012311,999"
