"""Slashes in dates, told from 1s: a mark read as 1 is a slash when it is one straight stroke
leaning far over, and reading it as a slash makes the line a date (12/05, 3/4/2026)."""

from __future__ import annotations

import itertools

import numpy as np

from digitnet.reading.number import Digit, Separator

# Slashes lean further than most 1s, but many MNIST 1s lean as far (docs/decisions.md, "A
# slash or a 1", measured on benchmarks/read.py's dates and numbers): a mark must lean this
# far ...
SLASH_SLANT = 18.0  # degrees from upright, the top to the right
# ... or this far, for each of two slashes that make a whole date (day, month and year): the
# place tells a pair far more surely than one
PAIR_SLANT = 12.0
# ... and be this many times as long as thick (a slash, leaning, is longer than a 1 and
# straight; a 1 is often bent); the rest is told by the place: the line must read as a date
SLASH_STRAIGHT = 5.0
MOST_CANDIDATES = 6  # marks in a line that may be slashes, at most (each way is tried)
# a day and a month hold 3 digits or more: "1/2" may as well be a 112 (read.py's photos)
DATE_DIGITS = 3


def lean(mask: np.ndarray) -> float:
    """How far ink (a boolean mask) leans like a slash, in degrees from upright with the top
    to the right; 0 unless it is one straight stroke, SLASH_STRAIGHT or more times as long as
    it is thick."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 3:
        return 0.0
    x, y = xs - xs.mean(), ys - ys.mean()
    cxx, cyy, cxy = (x * x).mean(), (y * y).mean(), (x * y).mean()
    slant = -0.5 * np.degrees(np.arctan2(2 * cxy, cyy - cxx))  # rows grow downwards
    low, high = np.linalg.eigvalsh([[cxx, cxy], [cxy, cyy]])
    return float(max(slant, 0.0)) if high >= SLASH_STRAIGHT**2 * max(low, 1e-9) else 0.0


def with_slashes(line: list[Digit | Separator], leans: list[float]) -> list[Digit | Separator]:
    """The line with the 1s that lean like slashes (``leans``, degrees a mark) read as
    slashes, when that makes it a date: two slashes of PAIR_SLANT or more, else one of
    SLASH_SLANT or more; of the ways that do, the one whose slashes lean furthest. Unchanged
    otherwise."""
    if any(isinstance(m, Separator) and m.char != " " for m in line):
        return line  # a date written with slashes has no other separators
    candidates = [
        k
        for k, m in enumerate(line)
        if leans[k] >= PAIR_SLANT and isinstance(m, Digit) and m.digit == 1
        if 0 < k < len(line) - 1
    ][:MOST_CANDIDATES]
    for count, least in ((2, PAIR_SLANT), (1, SLASH_SLANT)):
        ways = [
            chosen
            for chosen in itertools.combinations(candidates, count)
            if min(leans[k] for k in chosen) >= least and _a_date(_groups(line, chosen))
        ]
        if ways:
            chosen = max(ways, key=lambda c: min(leans[k] for k in c))
            return [Separator("/", m.box) if k in chosen else m for k, m in enumerate(line)]
    return line


def _groups(line: list[Digit | Separator], slashes: tuple[int, ...]) -> list[str]:
    """The line's digits in groups parted by the marks at ``slashes``."""
    groups = [""]
    for k, m in enumerate(line):
        if k in slashes:
            groups.append("")
        elif isinstance(m, Digit):
            groups[-1] += str(m.digit)
        else:
            return []  # a space in a date
    return groups


def _a_date(groups: list[str]) -> bool:
    """Whether digit groups are a date: day and month (either order), then perhaps a year of
    2 or 4 digits; or a 4-digit year, a month and a day."""
    if not groups or not all(groups) or len(groups) > 3 or len("".join(groups)) < DATE_DIGITS:
        return False
    if len(groups) == 3 and len(groups[0]) == 4:
        return _month(groups[1]) and _day(groups[2])
    first, second = groups[:2]
    day_month = (_day(first) and _month(second)) or (_month(first) and _day(second))
    return day_month and (len(groups) == 2 or len(groups[2]) in (2, 4))


def _day(g: str) -> bool:
    return len(g) <= 2 and 1 <= int(g) <= 31


def _month(g: str) -> bool:
    return len(g) <= 2 and 1 <= int(g) <= 12
