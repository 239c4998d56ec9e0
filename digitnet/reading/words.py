"""Printed words beside a number, or instead of one: their marks left out, or the picture
refused as text (an MNIST network reads "cat" as 021; the text network knows a letter)."""

from __future__ import annotations

import numpy as np

from digitnet.errors import NotOneDigitError
from digitnet.reading.number import Digit, Separator

# Thresholds measured on printed words (Pillow's own font, which the text network never saw)
# against every benchmarks/read.py family (docs/decisions.md, "Printed words"):
LETTER = 0.9  # a digit the text network gives at least this of being a letter is one ...
LINE_LETTERS = 2  # ... and a line, or a run of its marks, holds words when at least this
LINE_SHARE = 1 / 3  # many of its marks are letters, making up at least this share of them;
SURE_LETTER = 0.99  # or when a whole line of two marks or more has a letter this surely, and
#                     half of its marks are letters ("ok": the o is read as a 0, the k is a
#                     letter surely); a mark read as 1 is a stroke, never letter enough
#                     alone, and a sure letter beside 1s alone ("61") makes no word
# a gap between marks at least this share of the line's height parts words: printed letters
# sit closer, words further (docs/decisions.md, "Printed words")
WORD_GAP = 0.35

Line = list[Digit | Separator]
TEXT = "no number found (text)"


def without_words(lines: list[Line], heights: list[float], letter: np.ndarray | None):
    """The lines that hold no words, and the boxes of the marks of those that do (a line,
    or a run of its marks no further apart than WORD_GAP, holds words: _wordy). A number
    beside a word is left out with it: what is left of a line of text ("Room 12" cut
    wrongly) is no reading to trust. NotOneDigitError when words were all there was.
    ``letter``: how likely each digit of the lines, in order, is a printed letter
    (reading_networks.judged_letter); None leaves every line in."""
    if letter is None:
        return lines, []
    each = iter(letter.tolist())
    out, words = [], []
    for line, height in zip(lines, heights, strict=True):
        letters = [next(each) if isinstance(m, Digit) else 0.0 for m in line]
        runs = [list(range(len(line))), *_runs(line, height)]
        if any(_wordy(line, letters, run) for run in runs):
            words += [m.box for m in line if isinstance(m, Digit)]
        else:
            out.append(line)
    if words and not out:
        raise NotOneDigitError(TEXT)
    return out, words


def _wordy(line: Line, letters: list[float], marks: list[int]) -> bool:
    """Whether these marks of a line hold words (``letters``: how likely each is a letter):
    LINE_LETTERS letters or more, making up LINE_SHARE of their digits or more; or, a whole
    line of two or more, one SURE_LETTER and half of them letters. Never 1s alone."""
    count = sum(isinstance(line[k], Digit) for k in marks)
    found = [k for k in marks if letters[k] >= LETTER]
    if all(line[k].digit == 1 for k in found):  # a lone stroke is as much a 1 as an l
        return False
    sure = any(letters[k] >= SURE_LETTER and line[k].digit != 1 for k in marks)
    rest = [line[k].digit for k in marks if k not in found and isinstance(line[k], Digit)]
    if rest and all(d == 1 for d in rest):  # "61": a letter-like digit beside a stroke
        sure = False
    if count >= 2 and sure and len(found) >= count / 2 and len(marks) == len(line):
        return True
    return len(found) >= LINE_LETTERS and len(found) >= LINE_SHARE * count


def _runs(line: Line, height: float) -> list[list[int]]:
    """The line's marks in runs parted by gaps of WORD_GAP of ``height`` or more."""
    runs: list[list[int]] = [[0]]
    for k in range(1, len(line)):
        if line[k].box[0] - line[k - 1].box[2] >= WORD_GAP * height:
            runs.append([])
        runs[-1].append(k)
    return runs
