"""digitnet read prints the number as written, and leaves printed words out: each mechanism
measured over many generated pictures (MNIST test digits, digitnet.synth), and switched off
to see that it is what does the work."""

from __future__ import annotations

import io

import numpy as np
import pytest
from helpers import noting_words
from PIL import Image, ImageDraw, ImageFont

from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.reading import ruling, segment, slashes, words
from digitnet.reading.number import Digit
from digitnet.reading.reader import read_pixels
from digitnet.saved import shipped
from digitnet.synth.not_numbers import NOT_NUMBERS

COUNT = 40  # pictures a family


@pytest.fixture(scope="module")
def net():
    return shipped.load("default")


@pytest.fixture(scope="module")
def mnist_test(real_mnist):
    from digitnet.data import mnist

    return mnist.load(real_mnist, "test")


def _family(mnist_test, name: str, count: int = COUNT):
    from digitnet.synth.numbers import generate

    return generate(name, count, *mnist_test)


def _said(data: bytes, net, **options) -> str:
    """What read prints for a picture (as written), or its refusal."""
    try:
        return read_pixels(preprocess.gray_pixels(data), net, **options).number()
    except ImageError as e:
        return f"refused: {e}"


def _exact(numbers, net, **options) -> int:
    return sum(_said(n.data, net, **options) == n.text for n in numbers)


def _printed(text: str, size: int = 60) -> bytes:
    """``text`` printed in Pillow's own font (the text network was trained on others)."""
    font = ImageFont.load_default(size=size)
    img = Image.new("L", (size * len(text), 3 * size), 255)
    ImageDraw.Draw(img).text((size // 2, size // 2), text, fill=20, font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_printed_words_are_refused_as_text(net):
    rng = np.random.default_rng(3)
    words = [NOT_NUMBERS["word"](rng, None) for _ in range(COUNT)]
    said = [_said(w, net) for w in words]
    # "ok" and "Hi!" are read: o, i and ! look like digits, leaving one letter (decisions.md)
    assert sum(s == "refused: no number found (text)" for s in said) >= 0.7 * COUNT, said
    # without the text and sign networks the same words are read as digits, but those with
    # an i or a !
    undotted = [w for w in words if not _has_a_dot(w)]
    assert len(undotted) >= 0.6 * COUNT
    bare = [_said(w, net, text=None, signs=None) for w in undotted]
    assert sum(s.startswith("refused") for s in bare) <= 0.1 * COUNT


def _has_a_dot(data: bytes) -> bool:
    from digitnet.reading.reader import dotted

    found = segment.find(preprocess.gray_pixels(data))
    return any(dotted(found, line) for line in found.lines)


def test_an_i_or_a_bang_makes_a_line_text(net):
    """A stroke with a dot apart above or below it is no digit: "Hi!" was read as 411 (its
    letters each a 1 to the text network), with or without the text network."""
    for text in ("Hi!", "mail", "in", "lid"):
        for size in (40, 90):
            picture = _printed(text, size)
            assert _has_a_dot(picture), text
            assert _said(picture, net, text=None) == "refused: no number found (text)", text


def test_no_handwritten_number_has_an_i_or_a_bang(mnist_test):
    """The dot rule over every kind of number read.py writes from MNIST digits: a digit in two
    pieces (a 5's bar, a broken pen line) is never a stroke and a dot."""
    from digitnet.synth.numbers import FAMILIES

    dotted = [
        (name, n.text)
        for name in FAMILIES
        for n in _family(mnist_test, name, 20)
        if _has_a_dot(n.data)
    ]
    assert not dotted


def test_a_word_beside_a_number_is_never_read_as_digits(net):
    for text in ("Total: 42", "Price 3.50", "Room 12", "No. 17", "hello world"):
        assert _said(_printed(text), net) == "refused: no number found (text)", text
    without = _said(_printed("Total: 42"), net, text=None)  # the letters read as digits
    assert not without.startswith("refused") and len(without) >= 6, without


@pytest.mark.slow
def test_numbers_keep_their_digits_with_the_text_network_on(mnist_test, net):
    """The words' mechanism must not take handwritten digits for letters (touching digits'
    cut parts: test_read_mechanisms.test_the_text_network_costs_few_pairs)."""
    from unittest import mock

    for name in ("separated", "close"):
        wordy: list[bool] = []  # each picture: whether words were found in it
        with mock.patch.object(words, "without_words", noting_words(wordy)):
            for n in _family(mnist_test, name):
                _said(n.data, net)
        assert sum(wordy) <= 1, (name, wordy)


@pytest.mark.slow
def test_dates_keep_their_slashes(mnist_test, net, monkeypatch):
    numbers = [n for n in _family(mnist_test, "dates", 80) if "/" in n.text]
    said = [_said(n.data, net) for n in numbers]
    slashed = sum(s.count("/") == n.text.count("/") for s, n in zip(said, numbers, strict=True))
    assert slashed >= 0.85 * len(numbers), list(zip(said, [n.text for n in numbers], strict=True))
    monkeypatch.setattr(slashes, "RULES", ())  # no mark is a slash
    assert not any("/" in _said(n.data, net) for n in numbers)


def _written(mnist_test, pattern: str, count: int, seed: int):
    """``count`` numbers of ``pattern`` ({0}, {1}, ... digits from 2 to 9) written by hand."""
    from digitnet.synth.written import written

    rng = np.random.default_rng(seed)
    texts = [pattern.format(*rng.integers(2, 10, 3)) for _ in range(count)]
    return [written(rng, *mnist_test, text) for text in texts]


@pytest.mark.slow
def test_a_date_of_two_digits_keeps_its_slash_when_it_leans_far(mnist_test, net, monkeypatch):
    dates = _written(mnist_test, "{0}/{1}", 80, 11)
    ones = _written(mnist_test, "{0}1{1}", 80, 12)  # the same shape, with a 1
    kept = sum(_said(n.data, net) == n.text for n in dates)
    taken = sum("/" in _said(n.data, net) for n in ones)
    assert kept >= 0.3 * len(dates) and taken <= 0.12 * len(ones), (kept, taken)
    monkeypatch.setattr(slashes, "RULES", slashes.RULES[:2])  # dates of 3 digits or more
    assert not any("/" in _said(n.data, net) for n in dates)


@pytest.mark.slow
def test_a_bent_one_is_no_slash(mnist_test, net, monkeypatch):
    """A 1 in a date's place (15/9 or 1519) leaning like a slash is one when straight."""
    ones = _written(mnist_test, "1{0}1{1}", 100, 13)
    taken = sum("/" in _said(n.data, net) for n in ones)
    rules = [(n, slant, 0.0, digits) for n, slant, _, digits in slashes.RULES]
    monkeypatch.setattr(slashes, "RULES", tuple(rules))  # any shape leaning far is a slash
    assert sum("/" in _said(n.data, net) for n in ones) >= taken + 10, taken


@pytest.mark.slow
def test_ones_are_not_taken_for_slashes(mnist_test, net):
    """Numbers of digits only (many with 1s, some leaning like slashes) print no slash."""
    said = [_said(n.data, net) for n in _family(mnist_test, "separated", 80)]
    assert sum("/" in s for s in said) <= 1, said


def test_times_signs_and_points_are_printed(mnist_test, net):
    signed = _family(mnist_test, "signed")
    assert _exact(signed, net) >= 0.75 * COUNT
    negative = [n for n in signed if n.text.startswith("-")]
    minus = sum(_said(n.data, net).startswith("-") for n in negative)
    assert minus >= 0.95 * len(negative)
    times = [n for n in _family(mnist_test, "dates", 120) if ":" in n.text]
    assert sum(":" in _said(n.data, net) for n in times) >= 0.9 * len(times)


@pytest.mark.slow
def test_a_lighter_digit_is_read(mnist_test, net, monkeypatch):
    numbers = _family(mnist_test, "light digit")
    plain = [n.plain for n in numbers]
    with_light = sum(
        _said(n.data, net).replace(" ", "") == p for n, p in zip(numbers, plain, strict=True)
    )
    assert with_light >= 0.75 * COUNT
    monkeypatch.setattr(segment, "LIGHT_BODY", np.inf)  # only the darkest strokes count
    monkeypatch.setattr(segment, "LIGHT_LEVEL", 0.0)
    without = sum(
        _said(n.data, net).replace(" ", "") == p for n, p in zip(numbers, plain, strict=True)
    )
    assert without <= with_light - 0.2 * COUNT


def _line(digits: str, gaps: list[int], height: int = 40):
    """Digit marks 30 pixels wide, ``gaps`` pixels apart, as the reader gives them."""
    line, x = [], 0
    for d, gap in zip(digits, [0, *gaps], strict=True):
        x += gap
        line.append(Digit(int(d), 0.99, (x, 0, x + 30, height), np.zeros(10), np.zeros(784)))
        x += 30
    return line


@pytest.mark.parametrize(
    "digits, gaps, letters, wordy",
    [
        ("656", [4, 30], [0.0, 1.0, 0.0], False),  # a sure letter in a run of two: a number
        ("65", [4], [0.0, 1.0], True),  # ... but a whole line of two ("ok"): words
        ("731013", [4] * 5, [0.4, 0, 0.95, 0, 0.95, 0], False),  # letter-like 1s: a number
        ("7318", [4] * 3, [0.4, 0.95, 0.95, 0], True),  # a letter besides the 1: words
        ("1111", [4] * 3, [0.995] * 4, False),  # 1s alone, however sure
    ],
)
def test_which_lines_hold_words(digits, gaps, letters, wordy):
    """words.without_words on lines made by hand: a 1 is as much a stroke as a letter, and a
    sure letter makes words of a whole line of two marks, not of two marks of a longer line."""
    line = _line(digits, gaps)
    try:
        kept, boxes = words.without_words([line, _line("42", [4])], [40.0, 40.0],
                                          np.array([*letters, 0.0, 0.0]))  # fmt: skip
    except ImageError:
        pytest.fail("the second line is a number")
    assert (len(kept) == 1) == wordy and len(boxes) == (len(line) if wordy else 0)


def test_no_slashes_in_a_comb_field(mnist_test, net):
    """A comb field holds a character a box: a leaning stroke in a box is a 1, never a date's
    slash. Every MNIST 1 swapped for a slash drawn with MNIST's pen, 30 degrees over."""
    from digitnet.synth.layout import separator_ink
    from digitnet.synth.numbers import generate

    images, labels = mnist_test
    slash = separator_ink("/", 20)  # 30 degrees: the middle of the drawn range
    square = np.zeros((28, 28), np.float32)
    top, left = (28 - slash.shape[0]) // 2, (28 - slash.shape[1]) // 2
    square[top : top + slash.shape[0], left : left + slash.shape[1]] = slash
    slashed = images.copy()
    slashed[labels == 1] = (square * 255).astype(np.uint8)
    said = []
    for number in generate("comb", 60, slashed, labels):
        found = segment.find(preprocess.gray_pixels(number.data))
        assert found is not None and len(found.combs) == 1, number.text
        said.append(_said(number.data, net))
    with_ones = [s for s in said if s and "1" in s]
    assert len(with_ones) >= 20 and not any("/" in s for s in said), said


@pytest.mark.parametrize("walls, comb", [(0, False), (1, True), (4, True)])
def test_a_comb_field_is_a_frame_parted_by_walls(walls, comb):
    lines = np.zeros((60, 200), bool)
    lines[10:50, [20, 180]] = lines[[10, 49], 20:181] = True  # a box around a number
    for x in np.linspace(20, 180, walls + 2)[1:-1].astype(int):
        lines[10:50, x] = True
    assert ruling.walled(lines, (20, 10, 181, 50)) is comb


@pytest.mark.slow
def test_a_shaded_corner_is_no_lighter_digit(mnist_test, net):
    """A photo's shaded corner is faint ink as tall as a digit, as a digit written lighter is;
    it reaches the picture's edge, which no digit of these numbers does. Over 200 photos of
    numbers, no digit read touches the picture's edge (one did: a corner read as 7)."""
    from digitnet.image import components

    touching = []
    for n in _family(mnist_test, "photo", 200):
        pixels = preprocess.gray_pixels(n.data)
        try:
            reading = read_pixels(pixels, net)
        except ImageError:
            continue
        boxes = [d.box for d in reading.digits]
        if components.at_edge(boxes, pixels.shape).any():
            touching.append(reading.number())
    assert touching == []


def test_a_sure_letter_beside_a_one_alone_is_no_word():
    """ "ok" (the o read as 0) is a word by its one sure letter; a 6 the text network takes
    for a G beside a 1 ("61") is not: a stroke is as much a 1 as an l."""

    def line(*digits):
        return [Digit(d, 1.0, (30 * k, 0, 30 * k + 20, 40), np.eye(10)[d], np.zeros(784))
                for k, d in enumerate(digits)]  # fmt: skip

    sure = np.array([0.999, 0.1])
    kept, words_found = words.without_words([line(0, 6), line(6, 1)], [40.0, 40.0],
                                            np.concatenate([sure[::-1], sure]))  # fmt: skip
    assert [[d.digit for d in each] for each in kept] == [[6, 1]] and len(words_found) == 2
