"""Made on the spot for the tests: digits drawn with Pillow, in any mode, and tiny
MNIST-format data sets."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitnet.data import mnist


def drawn_digit(size: int = 200, ink: int = 0, paper: int = 255, width: int | None = None):
    """A '7' drawn with thick strokes on a square canvas, as an 'L' image."""
    img = Image.new("L", (size, size), paper)
    d = ImageDraw.Draw(img)
    w = width or max(2, size // 12)
    s = size / 200
    d.line([(50 * s, 40 * s), (150 * s, 40 * s), (90 * s, 170 * s)], fill=ink, width=w)
    return img


def noting_words(found: list[bool]):
    """reading.words.without_words, noting in ``found``, a call a reading, whether it found
    words (or refused the picture as text): to patch in with mock.patch.object."""
    from digitnet.reading import words

    real = words.without_words

    def without_words(lines, heights, letter):
        found.append(True)  # until it has found none: a refusal as text raises
        kept, boxes = real(lines, heights, letter)
        found[-1] = bool(boxes)
        return kept, boxes

    return without_words


def png_bytes(img: Image.Image, **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **params)
    return buf.getvalue()


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    a = a.reshape(28, 28)
    idx = np.arange(28)
    return float((a.sum(1) * idx).sum() / a.sum()), float((a.sum(0) * idx).sum() / a.sum())


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n learnable 28x28 uint8 'digits': digit k is a bright bar in its own place, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
    for i, k in enumerate(labels):
        row = 4 + 2 * int(k)
        col = 6 + rng.integers(-3, 4)
        images[i, row : row + 2, col : col + 16] = 255
    return images, labels


def write_mnist(folder: Path, train: int = 600, test: int = 200, gz: bool = True) -> Path:
    """A folder of the four MNIST files, small, in the original naming."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if gz else ""
    for split, n, seed in (("train", train, 1), ("t10k", test, 2)):
        images, labels = synthetic_digits(n, seed)
        mnist.write_idx(folder / f"{split}-images-idx3-ubyte{ext}", images)
        mnist.write_idx(folder / f"{split}-labels-idx1-ubyte{ext}", labels)
    return folder
