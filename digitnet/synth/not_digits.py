"""Pictures with no single digit in them (dots, specks, lines, words, blank photos, two
digits): NOT_DIGITS, each ``(rng, pool) -> bytes``, pool being MNIST digits to draw from.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.synth.paper import (
    encode,
    gray_image,
    ink,
    jpeg_bytes,
    on_paper,
    place,
    uneven_light,
)
from digitnet.synth.signs import drawn_shape, printed_letter, printed_sign


def dot(rng, pool):
    """A single round dot of ink, anywhere on a page."""
    side = int(rng.integers(100, 801))
    img = Image.new("L", (side, side), 255)
    r = side * rng.uniform(0.005, 0.03)
    x, y = rng.uniform(0.2, 0.8, 2) * side
    ImageDraw.Draw(img).ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(0, 60)))
    return encode(img)


def specks(rng, pool):
    """A few specks of dust or toner on grey paper."""
    side = int(rng.integers(200, 801))
    img = Image.new("L", (side, side), int(rng.integers(200, 256)))
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 12))):
        x, y = rng.uniform(0, side, 2)
        r = rng.uniform(0.5, 3)
        d.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(0, 100)))
    return encode(img)


def line(rng, pool):
    """One pen line across the page, a little slanted."""
    w, h = int(rng.integers(200, 801)), int(rng.integers(150, 601))
    img = Image.new("L", (w, h), 255)
    y0 = rng.uniform(0.3, 0.7) * h
    slope = rng.uniform(-0.3, 0.3)
    x0, x1 = rng.uniform(0.05, 0.3) * w, rng.uniform(0.7, 0.95) * w
    ImageDraw.Draw(img).line(
        [(x0, y0), (x1, y0 + slope * (x1 - x0))], fill=20, width=int(rng.integers(2, 10))
    )
    return encode(img)


def slanted_line(rng, pool):
    """One pen line across the page, leaning further over than a 1 but less than the lines
    LINE_ASPECT refuses by their box (22 to 34 degrees from level, either way)."""
    w, h = int(rng.integers(300, 801)), int(rng.integers(300, 601))
    img = Image.new("L", (w, h), 255)
    rise = np.tan(np.radians(rng.uniform(22, 34))) * rng.choice([-1, 1])
    length = rng.uniform(0.6, 0.9) * min(w, h / abs(rise))
    x0 = rng.uniform(0.05, 0.95 - length / w) * w
    y0 = h / 2 - rise * length / 2
    ImageDraw.Draw(img).line(
        [(x0, y0), (x0 + length, y0 + rise * length)], fill=20, width=int(rng.integers(2, 10))
    )
    return encode(img)


WORDS = ["the", "cat", "hello", "ok", "abc", "yes", "no", "Hi!", "note", "mail", "xyz", "done"]


def word(rng, pool):
    """A short printed word (WORDS) in the default font."""
    text = WORDS[rng.integers(len(WORDS))]
    size = int(rng.integers(30, 90))
    font = ImageFont.load_default(size=size)
    w, h = int(size * (len(text) + 2) * 0.7), int(size * 2)
    img = Image.new("L", (w, h), 255)
    ImageDraw.Draw(img).text((size * 0.5, size * 0.4), text, fill=20, font=font)
    return encode(img)


def blank_photo(rng, pool):
    """A phone photo of blank, unevenly lit paper."""
    h, w = int(rng.integers(300, 801)), int(rng.integers(300, 801))
    return jpeg_bytes(uneven_light(rng, h, w), rng)


def touching_gap(left: np.ndarray, right: np.ndarray, overlap: int) -> int:
    """The gap (negative) that makes ``right`` touch ``left`` and overlap by ``overlap``."""
    rows = min(left.shape[0], right.shape[0])
    a, b = left[-rows:] > 0.3, right[-rows:] > 0.3
    both = a.any(1) & b.any(1)
    if not both.any():
        return -overlap
    a_right = left.shape[1] - 1 - np.argmax(a[:, ::-1], axis=1)
    b_left = np.argmax(b, axis=1)
    # right's left edge sits at left.width + gap: the nearest rows touch when
    # min(b_left + left.width + gap - a_right) == 1 - overlap
    need = (b_left - a_right + left.shape[1])[both].min()
    return int(1 - overlap - need)


def _pair(a: np.ndarray, b: np.ndarray, gap: int) -> bytes:
    """Two digits' ink ``gap`` pixels apart (negative: overlapping), on white paper."""
    h, w = 300, a.shape[1] + b.shape[1] + gap + 100
    canvas = np.zeros((h, w), np.float32)
    layer = place(canvas, a, 50, 50) + place(canvas, b, 50, 50 + a.shape[1] + gap)
    return encode(gray_image(on_paper(np.ones((h, w), np.float32), np.clip(layer, 0, 1))))


def touching_digits(rng, pool):
    """Two MNIST digits touching or overlapping a little (up to 4% of their height): one
    shape, as wide as two digits."""
    a, b = (ink(pool[i], 200) for i in rng.choice(len(pool), 2, replace=False))
    return _pair(a, b, touching_gap(a, b, int(rng.integers(0, 9))))


def two_digits(rng, pool):
    """Two MNIST digits side by side, like "42", a tenth to half a digit apart."""
    a, b = (ink(pool[i], 200) for i in rng.choice(len(pool), 2, replace=False))
    return _pair(a, b, int(200 * rng.uniform(0.1, 0.5)))


NOT_DIGITS: dict[str, Callable[[np.random.Generator, np.ndarray], bytes]] = {
    "dot": dot,
    "specks": specks,
    "line": line,
    "word": word,
    "blank photo": blank_photo,
    "two digits": two_digits,
    "touching digits": touching_digits,
    "slanted line": slanted_line,
    "printed letter": printed_letter,
    "printed sign": printed_sign,
    "drawn shape": drawn_shape,
}
