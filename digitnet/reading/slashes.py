"""Slashes in dates, told from 1s: a mark read as 1 is a slash when it is one straight stroke
leaning far over, and reading it as a slash makes the line a date (12/05, 3/4/2026)."""

from __future__ import annotations

import calendar
import itertools
from typing import NamedTuple

import numpy as np

from digitnet.image import strokes
from digitnet.reading.number import Digit, Separator

# Slashes lean further than most 1s, but many MNIST 1s lean as far (benchmarks/slashes.py;
# docs/decisions.md, "A slash or a 1"): a mark must lean this far and be this many times as
# long as thick (a slash is one straight line; a 1 as far over is often bent) ...
SLASH_SLANT = 18.0  # degrees from upright, the top to the right
SLASH_STRAIGHT = 5.8
# ... or this far and this straight, for each of two slashes that make a whole date (day,
# month and year): the place tells a pair far more surely than one
PAIR_SLANT = 12.0
PAIR_STRAIGHT = 5.0
# The rest is told by the place: the line must read as a date, of this many digits or more
# ("1/2" may as well be a 112) ...
DATE_DIGITS = 3
# ... or of 2 ("4/9") when its slash leans this far and is this straight, as few 1s are
SHORT_SLANT = 28.0
SHORT_STRAIGHT = 7.0
MOST_CANDIDATES = 6  # marks in a line that may be slashes, at most (each way is tried)
# A point or comma inside a group of a whole date (day, month and year) is dust on the page or
# a speck of a digit's own ink ("1/07/1,984"), left out; a date of one slash keeps the line as
# it is, as "1,214" may as well be 12/4 (docs/decisions.md, "A slash or a 1")
DUST = ".,"


class Stroke(NamedTuple):
    """A mark's shape as a slash would have it."""

    slant: float  # degrees from upright, the top to the right (0 when it leans left)
    straight: float  # the long axis over the short one: how like one straight line


NO_STROKE = Stroke(0.0, 0.0)  # a mark that cannot be a slash
# each rule: how many slashes, how far and how straight each, how many digits the date holds
RULES = (
    (2, PAIR_SLANT, PAIR_STRAIGHT, DATE_DIGITS),
    (1, SLASH_SLANT, SLASH_STRAIGHT, DATE_DIGITS),
    (1, SHORT_SLANT, SHORT_STRAIGHT, 2),
)


def stroke(mask: np.ndarray) -> Stroke:
    """The slant and straightness of ink (a boolean mask), from its second moments."""
    slant, straight = strokes.axis(mask)
    return Stroke(max(slant, 0.0), straight)


def with_slashes(line: list[Digit | Separator], strokes: list[Stroke]) -> list[Digit | Separator]:
    """The line with the 1s that lean like slashes (``strokes``, one a mark) read as
    slashes, when that makes it a date by one of RULES, tried in turn; of the ways a rule
    finds, the one whose slashes lean furthest. Unchanged otherwise."""
    if any(isinstance(m, Separator) and m.char not in " " + DUST for m in line):
        return line  # a date written with slashes has no other separators
    candidates = [
        k
        for k, m in enumerate(line)
        if strokes[k].slant >= PAIR_SLANT and isinstance(m, Digit) and m.digit == 1
        if 0 < k < len(line) - 1
    ][:MOST_CANDIDATES]
    for count, least, straight, digits in RULES:
        ways = [
            chosen
            for chosen in itertools.combinations(candidates, count)
            if all(strokes[k].slant >= least and strokes[k].straight >= straight for k in chosen)
            and _a_date(_groups(line, chosen, dust=count == 2), digits)
        ]
        if ways:
            chosen = max(ways, key=lambda c: min(strokes[k].slant for k in c))
            return [
                Separator("/", m.box) if k in chosen else m
                for k, m in enumerate(line)
                if k in chosen or isinstance(m, Digit)  # its spaces and dust left out
            ]
    return line


def _groups(line: list[Digit | Separator], slashes: tuple[int, ...], dust: bool) -> list[str]:
    """The line's digits in groups parted by the marks at ``slashes``; [] when it is no
    date. A space beside a slash is the slash's own gap; with ``dust``, a point or comma
    between two digits of a group is dust (DUST)."""
    groups = [""]
    for k, m in enumerate(line):
        if k in slashes:
            groups.append("")
        elif isinstance(m, Digit):
            groups[-1] += str(m.digit)
        elif m.char == " " and (k - 1 in slashes or k + 1 in slashes):
            continue
        elif not (dust and m.char in DUST and _between_digits(line, k, slashes)):
            return []  # a space or a point within a date
    return groups


def _between_digits(line: list[Digit | Separator], k: int, slashes: tuple[int, ...]) -> bool:
    """Whether the mark at k has a digit on each side that is no slash."""
    return 0 < k < len(line) - 1 and all(
        isinstance(line[j], Digit) and j not in slashes for j in (k - 1, k + 1)
    )


def _a_date(groups: list[str], digits: int) -> bool:
    """Whether digit groups are a date of ``digits`` digits or more: day and month (either
    order), then perhaps a year of 2 or 4 digits; or a 4-digit year, a month and a day."""
    if not groups or not all(groups) or len(groups) > 3 or len("".join(groups)) < digits:
        return False
    if len(groups) == 3 and len(groups[0]) == 4:
        return _day_of(groups[2], groups[1])
    first, second = groups[:2]
    day_month = _day_of(first, second) or _day_of(second, first)
    return day_month and (len(groups) == 2 or len(groups[2]) in (2, 4))


LEAP_YEAR = 2000  # a date without its year may be the 29th of February


def _day_of(day: str, month: str) -> bool:
    """Whether two groups are a day of a month that has it (31/4 is no date: 3114)."""
    if len(day) > 2 or len(month) > 2 or not 1 <= int(month) <= 12:
        return False
    return 1 <= int(day) <= calendar.monthrange(LEAP_YEAR, int(month))[1]
