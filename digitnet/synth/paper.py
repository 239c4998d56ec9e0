"""Paper, pen and camera for generated pictures: ink from an MNIST digit, laid on paper,
lit, photographed and encoded.

A ``Family`` is a function ``(rng, digit) -> bytes`` (an encoded image file), ``digit`` a
28x28 uint8 MNIST digit (light ink on black, as in the IDX files). The same rng state gives
the same bytes, so benchmarks and tests are deterministic.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

Family = Callable[[np.random.Generator, np.ndarray], bytes]


def encode(img: Image.Image, fmt: str = "PNG", **params) -> bytes:
    """The image as a file's bytes (PNG unless ``fmt``)."""
    buf = io.BytesIO()
    img.save(buf, format=fmt, **params)
    return buf.getvalue()


def crop_to_ink(digit: np.ndarray) -> np.ndarray:
    """The digit's pixels inside its ink's bounding box."""
    rows, cols = np.flatnonzero(digit.any(1)), np.flatnonzero(digit.any(0))
    return digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def ink(digit: np.ndarray, height: int) -> np.ndarray:
    """The digit cropped to its ink and scaled to ``height`` rows: ink amount in 0..1."""
    tight = crop_to_ink(digit)
    h, w = tight.shape
    width = max(1, round(w * height / h))
    big = Image.fromarray(tight).resize((width, height), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(big, dtype=np.float32) / 255, 0, 1)


def thicken(a: np.ndarray, size: int) -> np.ndarray:
    """Grey dilation by an odd ``size``: a bigger brush."""
    img = Image.fromarray((a * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(size | 1))
    return np.asarray(img, dtype=np.float32) / 255


def place(canvas: np.ndarray, a: np.ndarray, top: int, left: int) -> np.ndarray:
    """An ink layer of the canvas's size with ``a`` at (top, left), clipped at the edges."""
    layer = np.zeros_like(canvas)
    h, w = a.shape
    t0, l0 = max(top, 0), max(left, 0)
    t1, l1 = min(top + h, canvas.shape[0]), min(left + w, canvas.shape[1])
    layer[t0:t1, l0:l1] = a[t0 - top : t1 - top, l0 - left : l1 - left]
    return layer


def centred(shape: tuple[int, int], a: np.ndarray, rng, jitter: float = 0.1) -> np.ndarray:
    """``a`` on an empty layer of ``shape``, about in its middle (moved by up to ``jitter``)."""
    h, w = shape
    top = (h - a.shape[0]) // 2 + int(rng.uniform(-jitter, jitter) * h)
    left = (w - a.shape[1]) // 2 + int(rng.uniform(-jitter, jitter) * w)
    return place(np.zeros(shape, np.float32), a, top, left)


def on_paper(paper: np.ndarray, layer: np.ndarray, ink_level: float = 0.05) -> np.ndarray:
    """Brightness of paper with ink laid on it (the ink's own brightness ``ink_level``)."""
    return paper * (1 - layer) + ink_level * layer


def gray_image(b: np.ndarray) -> Image.Image:
    """Brightness in [0, 1] as an 8-bit grayscale image."""
    return Image.fromarray((np.clip(b, 0, 1) * 255 + 0.5).astype(np.uint8))


def rgb_image(b: np.ndarray, tint=(1.0, 1.0, 1.0)) -> Image.Image:
    """Brightness in [0, 1] as an RGB image, each channel scaled by ``tint``."""
    rgb = np.stack([b * t for t in tint], axis=-1)
    return Image.fromarray((np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8))


def uneven_light(rng, h: int, w: int, base=(0.75, 0.95), spread: float = 0.25) -> np.ndarray:
    """Paper lit unevenly: a tilted plane, a vignette and sensor noise."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xs / w - 0.5, ys / h - 0.5
    gx, gy = rng.uniform(-spread, spread, 2)
    vignette = rng.uniform(0, 0.3) * (u * u + v * v)
    paper = rng.uniform(*base) + gx * u + gy * v - vignette
    return paper + rng.normal(0, rng.uniform(0.005, 0.03), (h, w)).astype(np.float32)


def photographed(rng, digit, size=(800, 1200), frac=(0.2, 0.45)):
    """Uneven paper with the digit on it: brightness array and the digit's place."""
    h, w = (int(rng.integers(*size)) for _ in range(2))
    paper = uneven_light(rng, h, w)
    a = ink(digit, int(min(h, w) * rng.uniform(*frac)))
    layer = centred((h, w), a, rng, jitter=0.15)
    return on_paper(paper, layer, rng.uniform(0.05, 0.25)), layer


def jpeg_bytes(b: np.ndarray, rng, tint=(1.0, 0.97, 0.9)) -> bytes:
    """Brightness as a phone's JPEG: warm-tinted, at a random quality."""
    return encode(rgb_image(b, tint), "JPEG", quality=int(rng.integers(60, 90)))


def half_plane(rng, h: int, w: int, cover=(0.05, 0.25)) -> np.ndarray:
    """A boolean region along one side of the picture, its edge a little slanted."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    side = int(rng.integers(4))
    t = (xs / w, 1 - xs / w, ys / h, 1 - ys / h)[side]
    s = (ys / h, ys / h, xs / w, xs / w)[side] - 0.5
    return t < rng.uniform(*cover) + rng.uniform(-0.08, 0.08) * s
