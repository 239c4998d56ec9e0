"""Laying out a generated number: the digits drawn from MNIST and the separators between
them on one line of ink, and that ink on paper as a picture."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from digitnet.synth.paper import encode, gray_image, ink, on_paper

SEPARATORS = ",.-/: "


class Number(NamedTuple):
    """A generated number's picture and what it truly shows."""

    data: bytes  # the encoded picture
    text: str  # what is written, separators included; lines joined by "\n"
    digits: list[int]  # the MNIST indices of its digits, in reading order
    boxes: list[tuple[int, int, int, int]]  # each digit's ink box (left, top, right, bottom)

    @property
    def plain(self) -> str:
        """The digits alone, a line per line: what `digitnet read` prints by default."""
        return "\n".join("".join(c for c in line if c.isdigit()) for line in self.text.split("\n"))


NumberFamily = Callable[[np.random.Generator, np.ndarray, np.ndarray], Number]


def separator_ink(char: str, height: int, rng=None) -> np.ndarray:
    """A separator's ink, as tall as a digit line (``height``) with the mark where it goes;
    a slash slants by SLASH_SLANT (drawn from ``rng``, else its middle)."""
    h = height
    if char == "/":
        return _slash(h, rng)
    w = max(3, int(0.22 * h)) if char in ",.:" else max(4, int(0.35 * h))
    a = np.zeros((h, w), np.float32)
    ys, xs = np.mgrid[0:h, 0:w]
    r = max(2.0, 0.07 * h)
    if char == ".":
        a[(ys - (h - r - 1)) ** 2 + (xs - w / 2) ** 2 <= r * r] = 1
    elif char == ",":
        a[(ys - (h - r - 1)) ** 2 + (xs - w / 2) ** 2 <= r * r] = 1
        tail = (
            (ys > h - r)
            & (ys < h + 0.2 * h)
            & (np.abs(xs - (w / 2 - (ys - h + r) * 0.5)) < r * 0.6)
        )
        a[tail] = 1
        a = np.vstack([a, np.zeros((int(0.15 * h), w), np.float32)])
        yy, xx = np.mgrid[0 : a.shape[0], 0:w]
        extra = (yy >= h) & (np.abs(xx - (w / 2 - (yy - h + r) * 0.5)) < r * 0.6)
        a[extra] = 1
    elif char == "-":
        thick = max(2, int(0.09 * h))
        a[h // 2 - thick // 2 : h // 2 - thick // 2 + thick, 1 : w - 1] = 1
    elif char == ":":
        for y in (0.4 * h, h - r - 1):
            a[(ys - y) ** 2 + (xs - w / 2) ** 2 <= r * r] = 1
    return a


SLASH_SLANT = (15.0, 40.0)  # degrees from upright: people's slashes (a 1 leans less)


def _slash(h: int, rng) -> np.ndarray:
    """A pen stroke from the bottom left to the top right, a digit line tall."""
    angle = np.deg2rad(rng.uniform(*SLASH_SLANT) if rng is not None else sum(SLASH_SLANT) / 2)
    pen = max(2, int(0.15 * h))  # MNIST's pen, for a digit h tall
    w = int(h * np.tan(angle)) + 2 * pen
    img = Image.new("L", (w, h), 0)
    ImageDraw.Draw(img).line([(pen, h - pen // 2), (w - pen, pen // 2)], fill=255, width=pen)
    return np.asarray(img, np.float32) / 255


def pen_line(layer: np.ndarray, start, end, width: int) -> np.ndarray:
    """Ink (0..1) with a pen line ``width`` pixels wide drawn on it from ``start`` to ``end``
    ((x, y) each): an underline, a margin line."""
    img = Image.fromarray((np.clip(layer, 0, 1) * 255).astype(np.uint8))
    ImageDraw.Draw(img).line([tuple(start), tuple(end)], fill=255, width=width)
    return np.asarray(img, np.float32) / 255


def lay_out(
    rng: np.random.Generator,
    images: np.ndarray,
    text: str,
    height: int,
    gap: Callable[[], int],
    jitter: float = 0.0,
    sizes: tuple[float, float] = (1.0, 1.0),
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, list[int], list[tuple[int, int, int, int]]]:
    """Ink (0..1) of one line of ``text`` ('#' a digit drawn from images, a digit one of
    that digit's images, by ``labels``; else a separator), the MNIST indices used and each
    digit's ink box; baseline at ``height``, margins of a digit's height all round."""
    marks: list[tuple[np.ndarray, int, int, bool]] = []  # ink, left, top, is a digit
    used: list[int] = []
    x = 0
    for char in text:
        if char == "#" or char.isdigit():
            if char == "#":
                i = int(rng.integers(len(images)))
            else:
                i = int(rng.choice(np.flatnonzero(labels == int(char))))
            size = int(height * rng.uniform(*sizes))
            a = ink(images[i], size)
            top = height - size + int(rng.normal(0, jitter) * height)
            used.append(i)
            marks.append((a, x, top, True))
            x += a.shape[1] + gap()
        elif char == " ":
            x += int(height * rng.uniform(0.5, 0.8))
        else:
            a = separator_ink(char, height, rng)
            marks.append((a, x, 0, False))
            x += a.shape[1] + gap()
    m = height  # the margin
    lowest = min(t for _, _, t, _ in marks)
    h = max(t + a.shape[0] for a, _, t, _ in marks) - lowest + 2 * m
    w = max(left + a.shape[1] for a, left, _, _ in marks) + 2 * m
    layer = np.zeros((h, w), np.float32)
    boxes = []
    for a, left, top, digit in marks:
        y, xx = top - lowest + m, left + m
        layer[y : y + a.shape[0], xx : xx + a.shape[1]] = np.maximum(
            layer[y : y + a.shape[0], xx : xx + a.shape[1]], a
        )
        if digit:
            boxes.append((xx, y, xx + a.shape[1], y + a.shape[0]))
    return layer, used, boxes


def picture(layer: np.ndarray, rng, ink_level: float = 0.05) -> bytes:
    """Ink (0..1) laid on plain paper of a random light grey, as a PNG file's bytes."""
    paper = np.full(layer.shape, rng.uniform(0.9, 1.0), np.float32)
    return encode(gray_image(on_paper(paper, np.clip(layer, 0, 1), ink_level)))


def digit_run(rng, low: int = 1, high: int = 8) -> str:
    """The text of a number of ``low`` to ``high`` digits drawn at random ('#' each)."""
    return "#" * int(rng.integers(low, high + 1))


def fill(text: str, labels: np.ndarray, used: list[int]) -> str:
    """The text with each '#' replaced by the digit drawn for it (a digit written out in
    ``text`` has an image in ``used`` too, of its own label)."""
    it = iter(used)
    return "".join(str(labels[next(it)]) if c == "#" or c.isdigit() else c for c in text)
