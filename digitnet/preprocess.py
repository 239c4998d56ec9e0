"""Any picture of a digit to the network's 784 input activations, the way MNIST was made.

MNIST's digits are light ink on black, their ink fitted into a 20x20 box (keeping the
aspect ratio, anti-aliased) and placed in the 28x28 frame so the centre of mass is at the
centre. :func:`activations` does the same to any image, in small steps, each usable alone:

1. :func:`open_image`: decode the first frame, upright (EXIF), refusing decompression bombs;
2. :func:`grayscale`: one 8-bit channel of paper and ink, transparency composited onto a
   background that contrasts with the ink, 16-bit values scaled rather than clipped;
3. :func:`find_ink`: which way round the ink is, the paper's (possibly uneven) brightness,
   and the ink's bounding box, robust against specks of noise;
4. :func:`frame`: the ink fitted into 20x20 and centred by mass in 28x28.

An image that is already 28x28 is taken as framed, as MNIST's own are: only its polarity is
normalised, so an MNIST digit saved as PNG comes back exactly as its IDX values / 255.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO, NamedTuple

import numpy as np
from PIL import Image

from digitnet import components, digit_shapes
from digitnet import ink as ink_mod
from digitnet.components import Shapes
from digitnet.digit_shapes import Choice
from digitnet.errors import BlankImageError, ImageError, NotOneDigitError

SIDE, BOX, CENTRE = 28, 20, 14.0  # MNIST: 28x28 frame, 20x20 box, centre of mass at (14, 14)
MAX_PIXELS = 50_000_000  # larger canvases are refused unless the caller raises the limit
_EXIF_FORMATS = {"JPEG", "MPO", "WEBP", "TIFF"}
IS_A_DIRECTORY = "is a directory"

Image.MAX_IMAGE_PIXELS = None  # open_image applies its own, adjustable limit instead


def open_image(source: str | os.PathLike | bytes | BinaryIO, max_pixels: int = MAX_PIXELS):
    """Decode an image file (a path, its bytes or a binary file) into a loaded PIL image."""
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fp:
                img = _load(fp, max_pixels)
        else:
            img = _load(io.BytesIO(source) if isinstance(source, bytes) else source, max_pixels)
    except ImageError:
        raise
    except FileNotFoundError:
        raise ImageError("no such file") from None
    except IsADirectoryError:
        raise ImageError(IS_A_DIRECTORY) from None
    except PermissionError:
        raise ImageError("permission denied") from None
    except Image.UnidentifiedImageError:
        raise ImageError(
            _diagnose(source) or "not an image (or a format Pillow cannot read)"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:  # truncated, bad CRC, ...
        raise ImageError(_diagnose(source) or f"damaged image file ({e})") from None
    if img.format in _EXIF_FORMATS:
        from PIL import ImageOps

        img = ImageOps.exif_transpose(img)
    return img


def _load(fp: BinaryIO, max_pixels: int) -> Image.Image:
    """Read the header, check the size, then decode the first frame."""
    img = _open(fp)
    w, h = img.size
    if max_pixels and w * h > max_pixels:
        raise ImageError(
            f"image is {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,} "
            "(a decompression bomb?); --max-pixels raises the limit"
        )
    img.load()
    return img


def _open(fp: BinaryIO) -> Image.Image:
    """Image.open, but straight to the PNG decoder for PNG files.

    Image.open first imports five decoders (BMP, GIF, JPEG, PPM and PNG), a good share of
    the time a one-image run takes; most digits people have are PNGs.
    """
    png = fp.read(8) == PNG_SIGNATURE
    fp.seek(0)
    if not png:
        return Image.open(fp)
    global _PNG
    if _PNG is None:  # imported on first use; this runs once per image
        from PIL import PngImagePlugin as _PNG
    return _PNG.PngImageFile(fp)


_PNG = None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _diagnose(source) -> str | None:
    """Why Pillow could not read a file: empty, or a PNG with a damaged chunk."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read(1 << 20)
    else:
        return None
    if not data:
        return "empty file (0 bytes)"
    if not data.startswith(PNG_SIGNATURE):
        return None
    import struct
    import zlib

    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 4 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(crc) < 4:
            return f"damaged PNG file (truncated in the {kind.decode('latin-1')} chunk)"
        if struct.unpack(">I", crc)[0] != zlib.crc32(body):
            return f"damaged PNG file (CRC error in the {kind.decode('latin-1')} chunk)"
        pos += 12 + length
    return "damaged PNG file"


def grayscale(img: Image.Image) -> Image.Image:
    """One 8-bit channel ('L'): transparency composited, 16-bit scaled to 8."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # Pillow clips these to 0-255 when converting; scale the 16-bit range instead.
        return Image.fromarray((np.clip(np.asarray(img), 0, 65535) // 257).astype(np.uint8))
    if img.mode == "F":
        return Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8))
    has_alpha = img.mode in ("LA", "La", "RGBA", "RGBa", "PA") or "transparency" in img.info
    if not has_alpha:
        return img if img.mode == "L" else img.convert("L")
    la = np.asarray(img.convert("RGBA").convert("LA"), dtype=np.float32) / 255
    gray, alpha = la[..., 0], la[..., 1]
    if alpha.min() == 1:
        return Image.fromarray((gray * 255 + 0.5).astype(np.uint8))
    # What is opaque is the ink (or the paper): put it on a background it stands out from.
    opaque = float(alpha.sum())
    mean = float((gray * alpha).sum()) / opaque if opaque else 0.0
    background = 1.0 if mean < 0.5 else 0.0
    out = gray * alpha + background * (1 - alpha)
    return Image.fromarray((out * 255 + 0.5).astype(np.uint8))


class Steps(NamedTuple):
    """What reading a picture found, step by step (``digitnet inspect image --steps``)."""

    gray: np.ndarray  # the picture as 8-bit grayscale, rows x columns
    ink: ink_mod.Ink | None  # None for a 28x28 picture taken as MNIST-framed
    shapes: Shapes | None
    choice: Choice | None
    box: tuple[int, int, int, int] | None  # the digit's box in image pixels
    inputs: np.ndarray | None  # the 784 activations, or None when refused
    refusal: str | None  # why there is no digit to read


# A 28x28 picture is taken as MNIST-framed, as it is, when it looks like MNIST's digits: all
# 70,000 have at least 55% of their pixels exactly black, an ink box 19 or 20 pixels on its
# longer side, and their centre of mass within 0.52 pixels of (14, 14).
FRAMED_PAPER_SHARE = 0.5
FRAMED_BOX = (18, 20)
FRAMED_CENTRE_OFF = 1.0
BOX_INK = 0.25  # the box fitted into 20x20 holds the ink this strong (of the strongest), not noise
# MNIST's strokes, by stroke_width in the 28x28 frame: median 1.85 px, 10% of digits under
# 1.4. Strokes under THIN_STROKE (a ballpoint on a page: 0.9) are grown towards the median
# on a STROKE_ZOOM times finer copy by grey dilation. benchmarks/realworld.py measured the
# choice (150 pictures a family, default model): growing thin pens 88.0% -> 92.7%; also
# shrinking fat strokes and bringing every width outside 1.4-2.6 to the median cost 1.3 to
# 6 points on plain, bold, chalk and low-resolution pictures, so nothing else is changed.
THIN_STROKE = 1.2
STROKE_TARGET = 1.85
STROKE_ZOOM = 4
STROKE_SQUARES = (3, 5, 7, 9, 11, 13)  # the squares tried, smallest first
FAINT = 0.1  # after scaling, values under this are paper texture and faint noise, not ink


def _dark_ink(lo: float, typical: float, hi: float) -> bool:
    """Whether the ink is dark: the ink is the side further from the typical pixel (paper)."""
    return (typical - lo) > (hi - typical)


def mnist_framed(pixels: np.ndarray) -> np.ndarray | None:
    """A 28x28 picture's activations as they are (ink turned light if it is dark), if it
    looks framed the way MNIST's digits are; None otherwise."""
    lo, hi, mean = int(pixels.min()), int(pixels.max()), int(pixels.sum()) / pixels.size
    if hi == lo:
        return None
    ink_up = 255 - pixels if _dark_ink(lo, mean, hi) else pixels
    if (ink_up == 0).mean() < FRAMED_PAPER_SHARE:
        return None
    rows, cols = np.flatnonzero(ink_up.any(1)), np.flatnonzero(ink_up.any(0))
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    if not FRAMED_BOX[0] <= side <= FRAMED_BOX[1]:
        return None
    a = ink_up.astype(np.float32) / np.float32(255)
    cy, cx = _centre_of_mass(a)
    if max(abs(cy - CENTRE), abs(cx - CENTRE)) > FRAMED_CENTRE_OFF:
        return None
    return a.ravel()


def _centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    total = float(a.sum())
    h, w = a.shape
    return (
        float((a.sum(axis=1) * np.arange(h)).sum()) / total,
        float((a.sum(axis=0) * np.arange(w)).sum()) / total,
    )


def read(img: Image.Image) -> Steps:
    """Every step of reading a decoded picture; a picture with no single digit comes back
    with ``refusal`` set and no inputs (see the module's steps)."""
    pixels = np.asarray(grayscale(img))
    if pixels.shape == (SIDE, SIDE) and (framed := mnist_framed(pixels)) is not None:
        return Steps(pixels, None, None, None, (0, 0, SIDE, SIDE), framed, None)
    try:
        ink = ink_mod.find(pixels)
    except BlankImageError as e:
        return Steps(pixels, None, None, None, None, None, str(e))
    shapes = components.label(ink.mask)
    choice = digit_shapes.choose(shapes, ink.strength, ink.faint, ink.scale)
    box = None if choice.box is None else _image_box(choice.box, ink.scale, pixels.shape)
    if choice.refusal is not None:
        return Steps(pixels, ink, shapes, choice, box, None, choice.refusal)
    strength = _digit_strength(pixels, ink, shapes, choice, box)
    try:
        inputs = fit(strength).ravel()
    except BlankImageError as e:
        return Steps(pixels, ink, shapes, choice, box, None, str(e))
    return Steps(pixels, ink, shapes, choice, box, inputs, None)


def _image_box(box, scale: int, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """An analysis-pixel box, one analysis pixel wider all round, in image pixels."""
    left, top, right, bottom = box
    h, w = shape
    return (
        max(0, (left - 1) * scale),
        max(0, (top - 1) * scale),
        min(w, (right + 1) * scale),
        min(h, (bottom + 1) * scale),
    )


def _digit_strength(pixels, ink, shapes, choice, box) -> np.ndarray:
    """The ink over the paper inside the digit's box, at full resolution, keeping only the
    digit's shapes (and one analysis pixel around them, for the anti-aliased edges)."""
    x0, y0, x1, y1 = box
    k = ink.scale
    crop = pixels[y0:y1, x0:x1].astype(np.float32) / 255
    up = 1 - crop if ink.dark else crop
    paper = Image.fromarray(ink.paper.astype(np.float32), "F").resize(
        (x1 - x0, y1 - y0), Image.Resampling.BILINEAR, box=(x0 / k, y0 / k, x1 / k, y1 / k)
    )
    keep = np.isin(shapes.labels, np.flatnonzero(choice.keep) + 1)
    keep = ink_mod.dilate(keep)[y0 // k : -(-y1 // k), x0 // k : -(-x1 // k)]
    keep = np.repeat(np.repeat(keep, k, axis=0), k, axis=1)[: y1 - y0, : x1 - x0]
    return ink_mod.contrast(up, np.asarray(paper), ink.dark) * keep


def _resized(a: np.ndarray, side: int) -> np.ndarray:
    """An ink image scaled so its longer side is ``side``, its strongest ink 1."""
    h, w = a.shape
    scale = side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = Image.fromarray(a.astype(np.float32), "F")
    out = np.asarray(img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), np.float32)
    return np.clip(out / max(float(out.max()), 1e-6), 0, 1)


def stroke_width(a: np.ndarray) -> float:
    """A stroke's width in pixels: twice its ink over its edges' total variation (a stroke of
    width w and length L holds w L of ink and has 2 L of edge)."""
    edges = np.abs(np.diff(a, axis=0)).sum() + np.abs(np.diff(a, axis=1)).sum()
    return 2 * float(a.sum()) / max(float(edges), 1e-6)


def fit(strength: np.ndarray) -> np.ndarray:
    """Ink (any size, 0..1) fitted into the 20x20 box keeping its aspect, thin strokes
    grown to MNIST's width, and framed."""
    top = float(strength.max())
    if top <= 0:
        raise BlankImageError("no ink found: the image looks blank")
    seen = strength >= BOX_INK * top
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    strength = strength[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    a = _resized(strength, BOX)
    width = stroke_width(a)
    if width < THIN_STROKE:
        # grow the strokes on a finer copy by the square that brings them nearest to
        # MNIST's width (the measure is not linear in the square's size: try them)
        fine = _resized(strength, BOX * STROKE_ZOOM)
        for size in STROKE_SQUARES:
            candidate = _resized(ink_mod.square_filter(fine, size, np.maximum), BOX)
            if abs(stroke_width(candidate) - STROKE_TARGET) >= abs(width - STROKE_TARGET):
                break
            a, width = candidate, stroke_width(candidate)
    a[a < FAINT] = 0
    return frame(a)


def frame(ink_box: np.ndarray) -> np.ndarray:
    """Place an ink image (values 0..1, at most 20x20) in 28x28, its centre of mass central."""
    h, w = ink_box.shape
    if float(ink_box.sum()) <= 0:  # the ink did not survive scaling: too faint or too thin
        raise BlankImageError("no ink found: the image looks blank")
    cy, cx = _centre_of_mass(ink_box)
    top = min(max(int(round(CENTRE - cy)), 0), SIDE - h)
    left = min(max(int(round(CENTRE - cx)), 0), SIDE - w)
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top : top + h, left : left + w] = ink_box
    return out


def activations_of(img: Image.Image) -> np.ndarray:
    """784 float32 activations in [0, 1] for a decoded image (see the module's steps)."""
    steps = read(img)
    if steps.refusal is not None:
        raise (BlankImageError if steps.ink is None else NotOneDigitError)(steps.refusal)
    return steps.inputs


def activations(source, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """The 784 activations for an image file (path, bytes or binary file)."""
    return activations_of(open_image(source, max_pixels))
