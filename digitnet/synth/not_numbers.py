"""Pictures that hold no number: NOT_NUMBERS, each ``(rng, pool) -> bytes`` (pool: MNIST
digits, unused here).
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from digitnet.synth.not_digits import NOT_DIGITS
from digitnet.synth.paper import (
    encode,
)


def empty_frame(rng, pool) -> bytes:
    """A form's box, or a frame along the page, with nothing written in it."""
    w, h = int(rng.integers(200, 801)), int(rng.integers(150, 601))
    img = Image.new("L", (w, h), 255)
    inset = rng.uniform(0, 0.3)
    box = [w * inset / 2, h * inset / 2, w * (1 - inset / 2) - 1, h * (1 - inset / 2) - 1]
    ImageDraw.Draw(img).rectangle(box, outline=20, width=int(rng.integers(2, 8)))
    return encode(img)


def scribble(rng, pool) -> bytes:
    """A pen's tangle: a few dozen random strokes over a patch of the page."""
    side = int(rng.integers(200, 601))
    img = Image.new("L", (side, side), 255)
    points = rng.uniform(0.25, 0.75, (int(rng.integers(20, 60)), 2)) * side
    ImageDraw.Draw(img).line([tuple(p) for p in points], fill=20, width=int(rng.integers(2, 7)))
    return encode(img)


NOT_NUMBERS = {
    "line": NOT_DIGITS["line"],
    "dot": NOT_DIGITS["dot"],
    "specks": NOT_DIGITS["specks"],
    "scribble": scribble,
    "word": NOT_DIGITS["word"],
    "empty frame": empty_frame,
    "blank photo": NOT_DIGITS["blank photo"],
    "slanted line": NOT_DIGITS["slanted line"],
    "printed letter": NOT_DIGITS["printed letter"],
    "printed sign": NOT_DIGITS["printed sign"],
    "drawn shape": NOT_DIGITS["drawn shape"],
}
