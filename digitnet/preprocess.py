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
from PIL import Image, ImageFilter

from digitnet.errors import BlankImageError, ImageError

SIDE, BOX, CENTRE = 28, 20, 14.0  # MNIST: 28x28 frame, 20x20 box, centre of mass at (14, 14)
MAX_PIXELS = 50_000_000  # larger canvases are refused unless the caller raises the limit
ANALYSIS_SIDE = 160  # the ink is found on a copy at most this big (then looked at closer)
SAMPLE_POINTS = 2048  # the paper's surface and the noise are measured on this many pixels
MIN_CONTRAST = 0.08  # ink must differ from the paper by this much (of full scale)
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


class Ink(NamedTuple):
    """Where the ink is in an image, and how to read it off the paper."""

    dark: bool  # dark ink on light paper (to be inverted)
    box: tuple[int, int, int, int]  # left, upper, right, lower, in the image's pixels
    contrast: float  # ink strength over the paper, 0..1
    background: np.ndarray  # quadratic coefficients of the paper's brightness, ink-up

    def paper(self, xs: np.ndarray, ys: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The paper's ink-up brightness on the grid of image columns xs and rows ys."""
        return _surface(self.background, xs / size[0], ys / size[1])


def _surface(c: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The quadratic c0 + c1 u + c2 v + c3 u^2 + c4 uv + c5 v^2 on the grid u (columns) x v
    (rows), built from the two axes rather than from a point per pixel."""
    u, v = u[None, :], v[:, None]
    return (c[0] + c[1] * u + c[3] * u * u) + v * (c[2] + c[4] * u) + c[5] * v * v


def _design(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Least-squares design matrix of the quadratic, a row per point (u, v)."""
    return np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=-1)


def _dark_ink(lo: float, typical: float, hi: float) -> bool:
    """Whether the ink is dark: the ink is the side further from the typical pixel (paper)."""
    return (typical - lo) > (hi - typical)


def _median(a: np.ndarray) -> float:
    # np.median would import numpy.ma, a sizeable share of a one-image run's start-up time.
    flat = a.ravel()
    return float(np.partition(flat, flat.size // 2)[flat.size // 2])


def find_ink(gray: Image.Image, dark: bool | None = None) -> Ink:
    """Find the ink on a grayscale image: polarity (unless given), paper and bounding box."""
    w, h = gray.size
    k = max(1, -(-max(w, h) // ANALYSIS_SIDE))
    small = gray.reduce(k) if k > 1 else gray
    # a 3x3 median filter erases isolated specks of noise before anything is measured
    small = small.filter(ImageFilter.MedianFilter(3))
    a = np.asarray(small, dtype=np.float32) / 255
    step = max(1, int(np.sqrt(a.size / SAMPLE_POINTS)))  # statistics from a sparse grid
    if dark is None:
        dark = _dark_ink(float(a.min()), _median(a[::step, ::step]), float(a.max()))
    if dark:
        a = 1 - a
    sh, sw = a.shape
    u, v = (np.arange(sw) + 0.5) / sw, (np.arange(sh) + 0.5) / sh
    coef = _fit_paper(a[::step, ::step], u[::step], v[::step])
    ink = a - _surface(coef, u, v)
    contrast = float(ink.max())
    sample = ink[::step, ::step]
    noise = _median(np.abs(sample - _median(sample))) * 1.4826
    if contrast < max(MIN_CONTRAST, 6 * noise):
        raise BlankImageError("no ink found: the image looks blank")
    mask = ink > 0.35 * contrast
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    # one analysis pixel of margin keeps the anti-aliased edges of the strokes
    box = (
        max(0, (int(cols[0]) - 1) * k),
        max(0, (int(rows[0]) - 1) * k),
        min(w, (int(cols[-1]) + 2) * k),
        min(h, (int(rows[-1]) + 2) * k),
    )
    return Ink(bool(dark), box, contrast, coef)


def _fit_paper(a: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Least-squares quadratic surface through the paper, leaving out the ink.

    It starts from the darker half of the (ink-up) pixels, which is paper as long as ink
    covers less than half the picture, then keeps what lies within 3 sigma of the surface.
    """
    uu, vv = np.meshgrid(u, v)
    a, design = a.ravel(), _design(uu.ravel(), vv.ravel())
    keep = a <= _median(a)
    coef = np.zeros(6)
    for _ in range(3):
        d = design[keep]  # normal equations: a 6x6 solve, far cheaper than a general lstsq
        coef = np.linalg.solve(d.T @ d + 1e-9 * np.eye(6), d.T @ a[keep])
        resid = a - design @ coef
        spread = 1.4826 * _median(np.abs(resid[keep])) + 1e-3
        keep = resid < 3 * spread
    return coef


def locate_ink(gray: Image.Image) -> tuple[Image.Image, Ink]:
    """find_ink, then a closer look when the ink is small on a large canvas.

    The ink is first found on a copy at most ANALYSIS_SIDE pixels wide, which is coarse
    for a small digit on a big photo; then the neighbourhood of what was found is searched
    again at finer resolution. Returns the (possibly cropped) image and its ink.
    """
    ink = find_ink(gray)
    w, h = gray.size
    left, upper, right, lower = ink.box
    side = max(right - left, lower - upper)
    if max(w, h) <= ANALYSIS_SIDE or side * 4 > max(w, h):
        return gray, ink
    pad = side // 3
    crop = gray.crop(
        (max(0, left - pad), max(0, upper - pad), min(w, right + pad), min(h, lower + pad))
    )
    return crop, find_ink(crop, dark=ink.dark)


def frame(ink_box: np.ndarray) -> np.ndarray:
    """Place an ink image (values 0..1, at most 20x20) in 28x28, its centre of mass central."""
    h, w = ink_box.shape
    total = float(ink_box.sum())
    if total <= 0:  # the ink did not survive scaling: too faint or too thin to read
        raise BlankImageError("no ink found: the image looks blank")
    cy = float((ink_box.sum(axis=1) * np.arange(h)).sum()) / total
    cx = float((ink_box.sum(axis=0) * np.arange(w)).sum()) / total
    top = min(max(int(round(CENTRE - cy)), 0), SIDE - h)
    left = min(max(int(round(CENTRE - cx)), 0), SIDE - w)
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top : top + h, left : left + w] = ink_box
    return out


def activations_of(img: Image.Image) -> np.ndarray:
    """784 float32 activations in [0, 1] for a decoded image (see the module's steps)."""
    gray = grayscale(img)
    if gray.size == (SIDE, SIDE):
        return _as_framed(np.asarray(gray))
    gray, ink = locate_ink(gray)
    left, upper, right, lower = ink.box
    bw, bh = right - left, lower - upper
    scale = BOX / max(bw, bh)
    size = (max(1, round(bw * scale)), max(1, round(bh * scale)))
    small = gray.resize(size, Image.Resampling.LANCZOS, box=ink.box, reducing_gap=3.0)
    a = np.asarray(small, dtype=np.float32) / 255
    if ink.dark:
        a = 1 - a
    # the paper's brightness at the centre of each output pixel, in image coordinates
    xs = left + (np.arange(size[0]) + 0.5) / scale
    ys = upper + (np.arange(size[1]) + 0.5) / scale
    a = a - ink.paper(xs, ys, gray.size).astype(np.float32)
    a = np.clip(a / max(float(a.max()), 1e-6), 0, 1)
    a[a < 0.1] = 0  # paper texture and faint noise are not ink
    return frame(a).ravel()


def _as_framed(pixels: np.ndarray) -> np.ndarray:
    """A 28x28 image as it is, ink turned light if it is dark (the MNIST-PNG fast path)."""
    lo, hi, mean = int(pixels.min()), int(pixels.max()), int(pixels.sum()) / pixels.size
    if hi - lo < MIN_CONTRAST * 255:
        raise BlankImageError("no ink found: the image looks blank")
    a = pixels.astype(np.float32) / np.float32(255)
    return (1 - a).ravel() if _dark_ink(lo, mean, hi) else a.ravel()


def activations(source, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """The 784 activations for an image file (path, bytes or binary file)."""
    return activations_of(open_image(source, max_pixels))
