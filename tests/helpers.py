"""Images made on the spot for the tests: digits drawn with Pillow, in any mode."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def drawn_digit(size: int = 200, ink: int = 0, paper: int = 255, width: int | None = None):
    """A '7' drawn with thick strokes on a square canvas, as an 'L' image."""
    img = Image.new("L", (size, size), paper)
    d = ImageDraw.Draw(img)
    w = width or max(2, size // 12)
    s = size / 200
    d.line([(50 * s, 40 * s), (150 * s, 40 * s), (90 * s, 170 * s)], fill=ink, width=w)
    return img


def png_bytes(img: Image.Image, **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **params)
    return buf.getvalue()


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    a = a.reshape(28, 28)
    idx = np.arange(28)
    return float((a.sum(1) * idx).sum() / a.sum()), float((a.sum(0) * idx).sum() / a.sum())
