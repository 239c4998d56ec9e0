"""Any picture of a digit to the network's 784 input activations, the way MNIST was made.

A picture is read in small steps, each usable alone (digitnet.predicting.one_digit runs them all and
adds the last, which needs the number reader):

1. :func:`open_image`: decode the first frame, upright (EXIF), refusing decompression bombs;
2. :func:`grayscale`: one 8-bit channel of paper and ink, transparency composited onto a
   background that contrasts with the ink, 16-bit values scaled rather than clipped;
3. a 28x28 picture framed the way MNIST's are (:func:`digitnet.image.framing.mnist_framed`) is
   taken as it is, so an MNIST digit saved as PNG comes back exactly as its IDX values / 255;
   every other picture goes on:
4. :func:`digitnet.image.ink.find`: on the *analysis copy* (the picture shrunk to at most 160
   pixels a side, each pixel keeping its block's darkest and lightest value), the ink's
   polarity, the paper's light (uneven light, shadows and desks removed) and the ink mask;
5. :func:`digitnet.image.components.label`: the mask's connected shapes;
6. :func:`digitnet.image.digit_shapes.choose`: which shapes are the digit (frames, edges, specks
   and ruling left out, pieces of one digit kept together), or why there is no single digit;
7. back in the picture's own pixels (*image pixels*: the analysis copy's box times its
   scale), the digit's ink over the paper, only where the digit's shapes are;
8. :func:`digitnet.image.framing.fit`: the ink fitted into 20x20, thin strokes grown to MNIST's
   width, and centred by mass in 28x28;
9. (digitnet.predicting.one_digit) ink much wider than tall that ``digitnet read`` reads as several
   digits, surely, is two or more digits touching, and is refused.

:func:`steps` returns steps 3 to 8 (``digitnet inspect image --steps`` draws them);
one_digit.inputs raises an ImageError with the reason when there is no digit to read.
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from typing import BinaryIO, NamedTuple

import numpy as np
from PIL import Image

from digitnet.errors import BlankImageError, FolderError, ImageError
from digitnet.files import STDIN
from digitnet.image import components, digit_shapes, png
from digitnet.image import ink as ink_mod
from digitnet.image.components import Shapes
from digitnet.image.digit_ink import digit_strength, image_box
from digitnet.image.digit_shapes import Choice
from digitnet.image.framing import SIDE, fit, mnist_framed
from digitnet.limits import (
    MAX_ASPECT,
    MAX_PIXELS,  # re-exported: preprocess.MAX_PIXELS is the API
    MAX_STREAM_BYTES,
)

_EXIF_FORMATS = {"JPEG", "MPO", "WEBP", "TIFF"}
IS_A_DIRECTORY = "is a directory"
USE_RECURSIVE = "use --recursive to read the images in it"  # said of a folder given as a file


def open_image(source: str | os.PathLike | bytes | BinaryIO, max_pixels: int = MAX_PIXELS):
    """Decode an image file (a path, its bytes or a binary file) into a loaded PIL image."""
    try:
        img = None
        if isinstance(source, (str, os.PathLike)):
            with _open_file(source) as fp:
                if _is_stream(fp):  # a FIFO, a device, <(process substitution): read once
                    source = read_stream(fp)
                else:
                    img = _load(fp, max_pixels)
        if img is None:
            img = _load(io.BytesIO(source) if isinstance(source, bytes) else source, max_pixels)
    except ImageError:
        raise
    except FileNotFoundError:
        raise ImageError("no such file") from None
    except IsADirectoryError:
        raise FolderError(IS_A_DIRECTORY) from None
    except PermissionError:
        raise ImageError("permission denied") from None
    except Image.UnidentifiedImageError:
        raise ImageError(
            _diagnose(source) or "not an image (or a format Pillow cannot read)"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:  # truncated, bad CRC, ...
        raise ImageError(_diagnose(source) or f"damaged image file ({e})") from None
    if img.format in _EXIF_FORMATS:
        img = _upright(img)
    return img


def _upright(img: Image.Image) -> Image.Image:
    """The picture turned as its EXIF says; as it is when the EXIF is damaged (Pillow's
    warnings about it are not the user's business: the pixels are fine)."""
    from PIL import ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ImageOps.exif_transpose(img)
        except Exception:  # any damage Pillow's EXIF parser trips on
            return img


def _is_stream(fp: BinaryIO) -> bool:
    """Not a regular file: it can be read once, and not sought back."""
    import stat

    return not stat.S_ISREG(os.fstat(fp.fileno()).st_mode)


def read_stream(fp: BinaryIO, limit: int = MAX_STREAM_BYTES) -> bytes:
    """All a pipe or standard input holds, refused past ``limit`` bytes (it is kept in
    memory whole) before more is read."""
    data = fp.read(limit + 1)
    if len(data) > limit:
        raise ImageError(f"over {limit >> 20} MB on a pipe or standard input; not read")
    return data


def _open_file(path: str | os.PathLike) -> BinaryIO:
    """open(path, "rb"), with every reason it may fail (a symlink loop, a name too long)
    as an ImageError saying it; the common ones in the words digitnet uses elsewhere."""
    try:
        return open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except OSError as e:
        raise ImageError(e.strerror or str(e)) from None
    except ValueError:  # open() refuses a name with a NUL byte, which no file can have
        raise ImageError("no such file (the name holds a NUL byte)") from None


def _load(fp: BinaryIO, max_pixels: int) -> Image.Image:
    """Read the header, check the size, then decode the first frame.

    digitnet applies its own, adjustable limit, so Pillow's bomb check is off, but only
    for this call: a program that imports digitnet keeps Pillow's limit for its own images.
    """
    is_png = fp.read(8) == png.SIGNATURE
    fp.seek(0)
    if is_png:  # most digit pictures are plain PNGs: see digitnet.image.png
        data = fp.read()
        if (img := png.quick_image(data, max_pixels)) is not None:
            return img
        fp = io.BytesIO(png.without_text(data))  # the bytes already read, not the file again
    pillows = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():  # damaged metadata (EXIF) is not the user's concern:
            warnings.simplefilter("ignore")  # the pixels are read, or refused with a reason
            img = _open(fp, is_png)
            check_size(*img.size, max_pixels)
            img.load()
        return img
    finally:
        Image.MAX_IMAGE_PIXELS = pillows


def check_size(w: int, h: int, max_pixels: int) -> None:
    """Refuse, from the header alone, a picture too large (a decompression bomb?) or too
    thin to hold a digit."""
    if max_pixels and w * h > max_pixels:
        raise ImageError(
            f"image is {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,} "
            "(a decompression bomb?); --max-pixels raises the limit"
        )
    if max(w, h) > MAX_ASPECT * max(min(w, h), 1):
        raise ImageError(
            f"image is {w}x{h}, over {MAX_ASPECT} times as {'wide' if w > h else 'tall'} "
            f"as it is {'tall' if w > h else 'wide'}: too thin to hold a digit"
        )


def _open(fp: BinaryIO, is_png: bool) -> Image.Image:
    """Image.open, but straight to Pillow's PNG decoder for PNG files.

    Image.open may import several decoders before it finds the PNG one. For the PNGs that
    digitnet.image.png leaves to Pillow (a palette PNG), benchmarks/handwritten.py measured
    reading one as a new process at 218 ms against Image.open's 226 (0.96x).
    """
    if not is_png:
        return Image.open(fp)
    global _PNG
    if _PNG is None:  # imported on first use; this runs once per image
        from PIL import PngImagePlugin as _PNG
    return _PNG.PngImageFile(fp)


_PNG = None


def _diagnose(source) -> str | None:
    """Why Pillow could not read a file: empty, or a PNG with a damaged chunk. Pillow's own
    words for those are "cannot identify image file <_io.BytesIO object at 0x...>" and
    "broken data stream when reading image file" (benchmarks/handwritten.py)."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read(1 << 20)
    else:
        return None
    if not data:
        return "empty file (0 bytes)"
    if not data.startswith(png.SIGNATURE):
        return None
    try:
        for _ in png.chunks(data):
            pass
    except png.Damaged as e:
        return f"damaged PNG file ({e})"
    return "damaged PNG file"


def grayscale(img: Image.Image) -> Image.Image:
    """One 8-bit channel ('L'): transparency composited, 16-bit scaled to 8."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        # Pillow clips these to 0-255 when converting; scale the 16-bit range instead.
        return Image.fromarray((np.clip(np.asarray(img), 0, 65535) // 257).astype(np.uint8))
    if img.mode in ("I", "F"):  # 32-bit integers or floats: scaled by the range they use
        values = np.asarray(img, dtype=np.float64)
        if not np.isfinite(values).all():
            raise ImageError("its pixels hold NaN or infinite values: not a picture")
        return Image.fromarray(_eight_bit(values))
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


SAMPLE_RANGES = (1.0, 255.0, 65535.0)  # floats in 0..1, 8-bit and 16-bit values


def _eight_bit(a: np.ndarray) -> np.ndarray:
    """Samples of any range to 0..255: the smallest of SAMPLE_RANGES that holds them all
    (a float TIFF in 0..1, 8-bit values kept in 32-bit integers), or their own maximum."""
    top = float(a.max()) if a.size else 0.0
    full = next((r for r in SAMPLE_RANGES if top <= r), top)
    return (np.clip(a, 0, full) / full * 255 + 0.5).astype(np.uint8)


BLANK_PAPER = "no digit found (blank paper)"  # all the ink is a blank page's shading


class Steps(NamedTuple):
    """What reading a picture found, step by step (``digitnet inspect image --steps``)."""

    gray: np.ndarray  # the picture as 8-bit grayscale, rows x columns
    ink: ink_mod.Ink | None  # None for a 28x28 picture taken as MNIST-framed
    shapes: Shapes | None
    choice: Choice | None
    box: tuple[int, int, int, int] | None  # the digit's box in image pixels
    inputs: np.ndarray | None  # the 784 activations, or None when refused
    refusal: str | None  # why there is no digit to read
    strength: np.ndarray | None = None  # the digit's ink over the paper, in its box


def steps(pixels: np.ndarray) -> Steps:
    """Steps 3 to 8 (see the module's steps) for a grayscale picture, rows x columns: a
    picture with no single digit among its shapes comes back with ``refusal`` set and no
    inputs. Whether the digit is really several (touching, or in lines) is
    digitnet.predicting.one_digit's to say: it asks the number reader."""
    if pixels.shape == (SIDE, SIDE) and (framed := mnist_framed(pixels)) is not None:
        return Steps(pixels, None, None, None, (0, 0, SIDE, SIDE), framed, None)
    return unframed_steps(pixels)


def unframed_steps(pixels: np.ndarray) -> Steps:
    """Steps 4 to 8 (see the module's steps), for a grayscale picture as rows x columns
    that is not taken as MNIST-framed (the caller has looked)."""
    try:
        ink = ink_mod.find(pixels)
    except BlankImageError as e:
        return Steps(pixels, None, None, None, None, None, str(e))
    shapes = components.label(ink.mask)
    choice = digit_shapes.choose(shapes, ink.strength, ink.faint, ink.scale)
    box = None if choice.box is None else image_box(choice.box, ink.scale, pixels.shape)
    if choice.refusal is not None:
        return Steps(pixels, ink, shapes, choice, box, None, choice.refusal)
    if ink_mod.shading(ink, [box], pixels.shape):
        return Steps(pixels, ink, shapes, choice, box, None, BLANK_PAPER)
    strength = digit_strength(pixels, ink, shapes, choice.keep, box)
    try:
        inputs = fit(strength).ravel()
    except BlankImageError as e:
        return Steps(pixels, ink, shapes, choice, box, None, str(e), strength)
    return Steps(pixels, ink, shapes, choice, box, inputs, None, strength)


def gray_pixels(picture, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """A picture as 8-bit grayscale pixels, rows x columns. A picture is an image file (a
    path, its bytes or a binary file), a PIL image, or an array: rows x columns of gray
    (8-bit, 16-bit or floats in 0..1), or rows x columns x 3 or 4 (RGB, RGBA)."""
    if isinstance(picture, np.ndarray):
        picture = _image_of_array(picture)
    if isinstance(picture, Image.Image):
        check_size(picture.width, picture.height, max_pixels)
        return np.asarray(grayscale(picture))
    return np.asarray(grayscale(open_image(picture, max_pixels)))


def _image_of_array(a: np.ndarray) -> Image.Image:
    if a.ndim == 3 and a.shape[2] in (3, 4) and a.dtype == np.uint8:
        return Image.fromarray(a, "RGB" if a.shape[2] == 3 else "RGBA")
    if a.ndim != 2 or a.size == 0:
        raise ImageError(
            f"an array of shape {a.shape} is no picture: give rows x columns of gray, "
            "or rows x columns x 3 (RGB) or 4 (RGBA) of uint8"
        )
    if a.dtype == np.uint8:
        return Image.fromarray(a, "L")
    if a.dtype.kind not in "uif":
        raise ImageError(f"an array of {a.dtype} is no picture: give numbers")
    values = a.astype(np.float64)
    if not np.isfinite(values).all():
        raise ImageError("its pixels hold NaN or infinite values: not a picture")
    return Image.fromarray(_eight_bit(values), "L")


def gray_of(path: str, max_pixels: int) -> np.ndarray:
    """One input's grayscale pixels ('-': standard input). ImageError says why there are
    none; for a folder, that --recursive reads the images in it."""
    try:
        return gray_pixels(read_stream(sys.stdin.buffer) if path == STDIN else path, max_pixels)
    except FolderError as e:
        raise ImageError(f"{e} ({USE_RECURSIVE})") from None
