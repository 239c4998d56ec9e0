"""Slashes in dates, told from 1s: a mark read as 1 is a slash when it is one straight stroke
leaning far over, and reading it as a slash makes the line a date (12/05, 3/4/2026)."""

from __future__ import annotations

import itertools

import numpy as np

from digitnet.reading.number import Digit, Separator

# Slashes lean further than most 1s, but many MNIST 1s lean as far (docs/decisions.md, "A
# slash or a 1", measured on benchmarks/read.py's dates and numbers): a mark must lean this
# far ...
SLASH_SLANT = 20.0  # degrees from upright, the top to the right
# ... and be this many times as long as thick (a slash, leaning, is longer than a 1 and
# straight; a 1 is often bent); the rest is told by the place: the line must read as a date
SLASH_STRAIGHT = 6.0
MOST_CANDIDATES = 6  # marks in a line that may be slashes, at most (each way is tried)
# a day and a month hold 3 digits or more: "1/2" may as well be a 112 (read.py's photos)
DATE_DIGITS = 3


def slash_shaped(mask: np.ndarray) -> bool:
    """Whether ink (a boolean mask) is one stroke leaning like a slash: SLASH_SLANT or more
    from upright, SLASH_STRAIGHT or more times as long as it is thick."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 3:
        return False
    x, y = xs - xs.mean(), ys - ys.mean()
    cxx, cyy, cxy = (x * x).mean(), (y * y).mean(), (x * y).mean()
    slant = -0.5 * np.degrees(np.arctan2(2 * cxy, cyy - cxx))  # rows grow downwards
    low, high = np.linalg.eigvalsh([[cxx, cxy], [cxy, cyy]])
    return bool(slant >= SLASH_SLANT and high >= SLASH_STRAIGHT**2 * max(low, 1e-9))


def with_slashes(line: list[Digit | Separator], shaped: list[bool]) -> list[Digit | Separator]:
    """The line with the 1s that are slash-shaped (``shaped``, a flag a mark) read as slashes,
    when that makes it a date; the most slashes that do. Unchanged otherwise."""
    if any(isinstance(m, Separator) and m.char != " " for m in line):
        return line  # a date written with slashes has no other separators
    candidates = [
        k
        for k, m in enumerate(line)
        if shaped[k] and isinstance(m, Digit) and m.digit == 1 and 0 < k < len(line) - 1
    ][:MOST_CANDIDATES]
    for count in (2, 1):
        for chosen in itertools.combinations(candidates, count):
            if _a_date(_groups(line, chosen)):
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
