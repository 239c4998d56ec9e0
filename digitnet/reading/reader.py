"""Reading the number written in a picture, digit by digit, left to right, line by line.

The digits are found as shapes (:mod:`digitnet.reading.segment`); each is framed exactly as a
single digit is (20x20, centred by mass in 28x28) and the whole number is classified in
one batch. A digit much wider than its line is tall is several digits touching: cuts at
the valleys of its ink's column profile (and every settings.lattice_step of the height) are
tried, and the segmentation the network finds most convincing is kept (segmentation by
recognition: reading.cuts, scored by reading.part_score), a second network's say on each
cut part counting too (reading_networks.HELPER); the best readings' cuts are then moved
about a little and tried again (cuts.refine). Near a cut, the ink is shared out along its
strokes rather than by the cut's column (digitnet.reading.ink_sharing). The digits cut out are read
by the network and a part reader, trained on such parts, together
(reading_networks.PART_READER).
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import OUT_OF_MEMORY, ImageError, NotOneDigitError
from digitnet.image import strokes
from digitnet.nn.network import Network
from digitnet.reading import segment, slashes, words
from digitnet.reading.cuts import Cuts, cuts_of, refine
from digitnet.reading.number import Digit, Reading, Result, Separator
from digitnet.reading.parts import Parts
from digitnet.reading.read_settings import DEFAULT, ReadSettings
from digitnet.reading.reading_networks import (
    HELPER,
    JUDGE,
    PART_READER,
    SIGNS,
    TEXT,
    Shipped,
    judged_letter,
    judged_one,
    network,
    shipped_judge,
    shipped_network,
    shipped_text,
)
from digitnet.reading.signs import NO_NUMBER, of_signs, sign_marks, trimmed, without_signs


def read(source, net: Network | None = None, max_pixels: int | None = None) -> Reading:
    """The number written in a picture (see preprocess.gray_pixels for what a picture may
    be). ``net`` defaults to the shipped default model."""
    from digitnet.image import preprocess
    from digitnet.saved import shipped

    net = net if net is not None else shipped.load(None)
    return read_pixels(preprocess.gray_pixels(source, max_pixels or preprocess.MAX_PIXELS), net)


def _read_path(net: Network, path: str, max_pixels: int) -> Result:
    from digitnet.image.preprocess import gray_of

    return _result(net, path, lambda: gray_of(path, max_pixels))


def result_of(net: Network, data, max_pixels: int, name: str = "-") -> Result:
    """The Result for one picture given as a file's bytes (or anything that
    preprocess.gray_pixels takes), exactly as ``read`` reads that file (``name`` is the
    path it reports)."""
    from digitnet.image import preprocess

    return _result(net, name, lambda: preprocess.gray_pixels(data, max_pixels))


def _result(net: Network, name: str, pixels) -> Result:
    try:
        return Result(name, read_pixels(pixels(), net))
    except ImageError as e:
        return Result(name, error=str(e))
    except MemoryError:  # a picture too large for this machine costs only its own answer
        return Result(name, error=OUT_OF_MEMORY)


def _read_in_worker(paths: list[str]) -> list[Result]:
    from digitnet.batch import worker

    net, max_pixels = worker()
    return [_read_path(net, path, max_pixels) for path in paths]


READ_CHUNK = 4  # pictures a worker reads at a time: a number takes long enough to pay a trip


def readings(net: Network, paths, max_pixels: int, jobs: int = 1):
    """A Result for each path, in order; with ``jobs`` > 1 read in worker processes."""
    if jobs <= 1:
        for path in paths:
            yield _read_path(net, path, max_pixels)
        return
    from digitnet.batch import in_workers

    def lost(chunk: list[str], reason: str) -> list[Result]:
        return [Result(path, error=reason) for path in chunk]

    for results in in_workers(_read_in_worker, paths, READ_CHUNK, net, max_pixels, jobs, lost):
        yield from results


def read_pixels(
    pixels: np.ndarray,
    net: Network,
    judge: Network | str | Shipped | None = JUDGE,
    helper: Network | str | Shipped | None = HELPER,
    part_reader: Network | str | Shipped | None = PART_READER,
    settings: ReadSettings = DEFAULT,
    text: Network | str | Shipped | None = TEXT,
    signs: Network | str | Shipped | None = SIGNS,
) -> Reading:
    """The number in a grayscale picture (rows x columns, uint8). ImageError when there is
    no ink, or no digit in it. ``judge`` tells a whole digit from a piece or a pair (see
    models/train_judge.py): the shipped one by default, None to go by the digit network
    alone. ``helper`` gives a second opinion on cut parts (HELPER): None for none.
    ``part_reader`` reads the digits cut out with ``net`` (PART_READER): None for ``net``
    alone. ``text`` tells printed letters from digits, to leave words out (reading.words):
    None reads letters as digits. ``signs`` tells a line of marks that are no digit (a
    letter, a sign, a drawn tick: reading.signs), to leave it out: None reads them as
    digits. Each network may also be a model's name or path.
    ``settings``: how parts are scored and marks cut (digitnet.reading.read_settings)."""
    judge = network(judge, shipped_judge)
    found = segment.find(pixels)
    if found is None or not any(m.kind == "digit" for line in found.lines for m in line):
        raise NotOneDigitError("no digits found")
    marks = digit_marks(found)
    parts = Parts(found, net, judge, helper, settings)
    # first every digit whole, in one batch; then the marks read too unsurely for any cut
    # to lose (by the network and judge: a cut scores at most the cheapest cut's cost),
    # unless clearly one digit, are cut at their valleys, in a second batch; the best
    # paths' cuts are then moved about and tried again (cuts.refine)
    each = [mark for mark, _ in marks]
    wholes = dict(zip(each, parts.add_all([(mark, None) for mark in each]), strict=True))
    parts.judge_new()
    cut: dict[segment.Mark, Cuts] = {}
    for mark, height in marks:
        whole = wholes[mark]
        if whole is not None and (
            parts.clearly_one(whole, height) or parts.score(whole, height) >= settings.best_cut
        ):
            continue
        if (cuts := cuts_of(parts, mark, height, whole)) is not None:
            cut[mark] = cuts
    parts.judge_new()
    chosen = {mark: [wholes[mark]] for mark, _ in marks}
    chosen.update(refine(parts, list(cut.values())))
    parts.read_cut([i for ids in chosen.values() for i in ids if i is not None], part_reader)
    whole = {m: parts.digit(i) for m, i in wholes.items() if i is not None}
    lines, heights, lettered, as_signs = _lines_of(found, parts, chosen, whole, signs, text)
    if lettered and not lines:
        raise NotOneDigitError(words.TEXT)
    lines, word_boxes = words.without_words(lines, heights, _letters(lines, text))
    lines, sign_boxes = without_signs(lines, as_signs)  # words first: their reason is text
    if not lines:
        raise NotOneDigitError(NO_NUMBER if sign_boxes else "no digits found")
    return Reading(lines, (*found.left_out, *lettered, *word_boxes, *sign_boxes))


def _lines_of(found: segment.Segments, parts: Parts, chosen, whole: dict, signs, text):
    """Each line read (_line_read) and its height, but for lines of text (an i or a !:
    dotted), left out; and what the ``signs`` network makes of each line (asked of each
    mark read ``whole``): signs.without_signs's ``as_signs``, a line of signs left out
    (signs.of_signs), a sure sign at a line's ends taken off ("$42": signs.trimmed) where
    what is left holds no printed letter (_without_letters). Returns the lines, their
    heights, the boxes of the text, and as_signs."""
    said = sign_marks(whole, signs)
    lines, heights, lettered, as_signs, cuts = [], [], [], {}, []
    for line, height in zip(found.lines, found.line_heights, strict=True):
        if dotted(found, line):  # an i or a !: a line of text
            lettered += [found.in_picture(m.box) for m in line if m.kind != " "]
            continue
        out = _line_read(found, line, parts, chosen)
        if not any(isinstance(m, Digit) for m in out):
            continue
        if of_signs([m for m in line if m.kind == "digit"], said):
            as_signs[id(out)] = (None, [d.box for d in out if isinstance(d, Digit)])
        elif (cut := trimmed(line, said))[1]:
            off = [found.in_picture(m.box) for m in cut[1]]
            cuts.append((len(lines), _line_read(found, cut[0], parts, chosen), off))
        lines.append(out)
        heights.append(height * found.scale)
    for k, line, off in _without_letters(cuts, text):
        lines[k] = line
        as_signs[id(line)] = (line, off)
    return lines, heights, lettered, as_signs


def _without_letters(cuts: list, text) -> list:
    """The lines with their sure signs taken off, ``cuts`` (index, line, boxes taken off),
    in which the ``text`` network finds no printed letter: "$42" reads 42, but "cat" stays
    whole for the text network to find its word (its c and t are sure signs too)."""
    letters = _letters([line for _, line, _ in cuts], text)
    if letters is None:
        return cuts
    out, k = [], 0
    for cut in cuts:
        n = sum(isinstance(d, Digit) for d in cut[1])
        if not n or letters[k : k + n].max() < words.LETTER:
            out.append(cut)
        k += n
    return out


def dotted(found: segment.Segments, line) -> bool:
    """Whether a line's marks (segment's, before reading) hold an i, a j or a !: a stroke
    with a dot apart above or below it (strokes.dotted_stroke), which no digit is."""
    return any(m.kind == "digit" and strokes.dotted_stroke(found.shapes, m.shapes) for m in line)


def _letters(lines, text) -> np.ndarray | None:
    """How likely each digit of the lines is a printed letter, by the ``text`` network (a
    read_pixels argument); None without one, or without digits."""
    text = network(text, shipped_text)
    digits = [d for line in lines for d in line if isinstance(d, Digit)]
    if text is None or not digits:
        return None
    return judged_letter(text, np.array([d.inputs for d in digits], np.float64))


def _line_read(found: segment.Segments, line, parts: Parts, chosen) -> list[Digit | Separator]:
    """A line's digits (each mark's chosen parts) and separators, slashes told from 1s."""
    out: list[Digit | Separator] = []
    strokes: list[slashes.Stroke] = []  # each mark's shape, when a whole mark read as 1
    for mark in line:
        if mark.kind == "digit":
            ids = [i for i in chosen[mark] if i is not None]
            out += [parts.digit(i) for i in ids]
            whole_one = len(ids) == 1 and out[-1].digit == 1
            if whole_one and not _in_a_comb(found, mark.box):  # a comb: a box a digit
                strokes.append(slashes.stroke(found.shapes.pixels_of(mark.shapes, mark.box)))
            else:
                strokes += [slashes.NO_STROKE] * len(ids)
        else:
            out.append(Separator(mark.kind, found.in_picture(mark.box)))
            strokes.append(slashes.NO_STROKE)
    return slashes.with_slashes(out, strokes)


def _in_a_comb(found: segment.Segments, box) -> bool:
    """Whether a mark's box lies in one of the picture's comb fields."""
    left, top, right, bottom = found.in_picture(box)
    return any(a <= left and b <= top and right <= c and bottom <= d for a, b, c, d in found.combs)


def digit_marks(found: segment.Segments) -> list[tuple[segment.Mark, float]]:
    """Every digit mark of the picture, top line first, with its line's height, or its own
    where it is taller: a digit in pieces (a 2 whose top stroke is broken off) is as tall as
    its pieces together, and its line, measured by whole shapes, no taller than its foot."""
    return [
        (mark, max(height, mark.box[3] - mark.box[1]))
        for line, height in zip(found.lines, found.line_heights, strict=True)
        for mark in line
        if mark.kind == "digit"
    ]


def touching_count(strength: np.ndarray, inputs: np.ndarray, sure: float, judged: float) -> int:
    """How many digits the ink of one shape (its strength over the paper, 0..1) is read as
    by the shipped default model, when each is read at least ``sure`` or the judge gives the
    whole shape (its 784 ``inputs``) less than ``judged`` of being one digit; else 1."""
    return sum(surely_several(strength, inputs, sure, judged))


def surely_several(
    strength: np.ndarray, inputs: np.ndarray, sure: float, judged: float
) -> list[int]:
    """The digits in each line that ink taken for one digit is read as (see
    touching_count), or [1] when it is read as one digit, or not surely as several."""
    reading = sure_reading(strength, inputs, sure, judged)
    if reading is None:
        return [1]
    return [sum(isinstance(m, Digit) for m in line) for line in reading.lines]


def ink_reading(strength: np.ndarray) -> Reading | None:
    """How the number reader reads ink (``strength``, as preprocessing measured it), with the
    shipped default model; None when it finds no number."""
    margin = max(strength.shape) // 4
    gray = 255 - np.round(255 * np.pad(strength, margin)).astype(np.uint8)
    try:
        return read_pixels(
            gray, shipped_network("default"), part_reader=None, text=None, signs=None
        )
    except ImageError:
        return None


def sure_reading(
    strength: np.ndarray, inputs: np.ndarray, sure: float, judged: float
) -> Reading | None:
    """How the number reader reads ink taken for one digit, when it reads several digits
    each at least ``sure`` (or the judge gives the whole less than ``judged`` of being one
    digit); else None. Read with the shipped default model, whose confidences the
    thresholds were measured on (whatever $DIGITNET_MODEL names), loaded once."""
    reading = ink_reading(strength)
    if reading is None or len(reading.digits) < 2:
        return None
    digits = reading.digits
    if all(d.confidence >= sure for d in digits):
        return reading
    whole = judged_one(shipped_judge(), inputs.reshape(1, -1).astype(np.float64))[0]
    return reading if whole < judged else None
