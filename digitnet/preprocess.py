"""Any picture of a digit to the network's 784 input activations, the way MNIST was made.

:func:`inputs` reads a picture in small steps, each usable alone:

1. :func:`open_image`: decode the first frame, upright (EXIF), refusing decompression bombs;
2. :func:`grayscale`: one 8-bit channel of paper and ink, transparency composited onto a
   background that contrasts with the ink, 16-bit values scaled rather than clipped;
3. a 28x28 picture framed the way MNIST's are (:func:`digitnet.framing.mnist_framed`) is
   taken as it is, so an MNIST digit saved as PNG comes back exactly as its IDX values / 255;
   every other picture goes on:
4. :func:`digitnet.ink.find`: on the *analysis copy* (the picture shrunk to at most 160
   pixels a side, each pixel keeping its block's darkest and lightest value), the ink's
   polarity, the paper's light (uneven light, shadows and desks removed) and the ink mask;
5. :func:`digitnet.components.label`: the mask's connected shapes;
6. :func:`digitnet.digit_shapes.choose`: which shapes are the digit (frames, edges, specks
   and ruling left out, pieces of one digit kept together), or why there is no single digit;
7. back in the picture's own pixels (*image pixels*: the analysis copy's box times its
   scale), the digit's ink over the paper, only where the digit's shapes are;
8. :func:`digitnet.framing.fit`: the ink fitted into 20x20, thin strokes grown to MNIST's
   width, and centred by mass in 28x28;
9. ink much wider than tall that ``digitnet read`` reads as several digits, surely, is two
   or more digits touching, and is refused.

:func:`read` returns every step (``digitnet inspect image --steps`` draws them);
:func:`inputs` raises an ImageError with the reason when there is no digit to read.
"""

from __future__ import annotations

import io
import os
import warnings
from typing import BinaryIO, NamedTuple

import numpy as np
from PIL import Image

from digitnet import components, digit_shapes, png
from digitnet import ink as ink_mod
from digitnet.components import Shapes
from digitnet.digit_shapes import Choice
from digitnet.errors import BlankImageError, FolderError, ImageError, NotOneDigitError
from digitnet.framing import SIDE, fit, mnist_framed
from digitnet.limits import (
    MAX_ASPECT,
    MAX_PIXELS,  # re-exported: preprocess.MAX_PIXELS is the API
    MAX_STREAM_BYTES,
)

_EXIF_FORMATS = {"JPEG", "MPO", "WEBP", "TIFF"}
IS_A_DIRECTORY = "is a directory"
# Touching digits are one shape: chosen ink at least this many times as wide as tall (1 in
# 12 of MNIST's 0s and 2s, the widest digits; most touching pairs) is read as a number ...
TOUCHING_ASPECT = 1.25
TOUCHING_SURE = 0.95  # ... and refused when read as several digits, each this surely (at 0.9, one
# framed digit of benchmarks/realworld.py was refused; at 0.95 none, and 15 of 40 touching pairs)
# ... or read as several digits at all when digitnet read's judge gives the whole shape less
# than this of being one digit: touching pairs judge 0.00 to 0.01; 100 pictures of each of
# realworld.py's 21 families: 1 more digit refused, and 28 of 40 touching pairs, not 18
TOUCHING_JUDGED = 0.02


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
    if is_png:  # most digit pictures are plain PNGs: see digitnet.png
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
    digitnet.png leaves to Pillow (a palette PNG), benchmarks/handwritten.py measured
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


class Steps(NamedTuple):
    """What reading a picture found, step by step (``digitnet inspect image --steps``)."""

    gray: np.ndarray  # the picture as 8-bit grayscale, rows x columns
    ink: ink_mod.Ink | None  # None for a 28x28 picture taken as MNIST-framed
    shapes: Shapes | None
    choice: Choice | None
    box: tuple[int, int, int, int] | None  # the digit's box in image pixels
    inputs: np.ndarray | None  # the 784 activations, or None when refused
    refusal: str | None  # why there is no digit to read


def read(img: Image.Image) -> Steps:
    """Every step of reading a decoded picture; a picture with no single digit comes back
    with ``refusal`` set and no inputs (see the module's steps)."""
    pixels = np.asarray(grayscale(img))
    if pixels.shape == (SIDE, SIDE) and (framed := mnist_framed(pixels)) is not None:
        return Steps(pixels, None, None, None, (0, 0, SIDE, SIDE), framed, None)
    return _read_unframed(pixels)


def _read_unframed(pixels: np.ndarray, several: bool = True) -> Steps:
    """Steps 4 to 8 (see the module's steps), for a grayscale picture as rows x columns;
    ``several=False`` skips the checks for digits in lines or touching (which run the
    number reader: a drawing pad uses it while the pen moves)."""
    try:
        ink = ink_mod.find(pixels)
    except BlankImageError as e:
        return Steps(pixels, None, None, None, None, None, str(e))
    shapes = components.label(ink.mask)
    choice = digit_shapes.choose(shapes, ink.strength, ink.faint, ink.scale)
    box = None if choice.box is None else image_box(choice.box, ink.scale, pixels.shape)
    if choice.refusal is not None:
        refusal = _in_lines(pixels, ink, shapes, choice) or choice.refusal
        return Steps(pixels, ink, shapes, choice, box, None, refusal)
    strength = digit_strength(pixels, ink, shapes, choice.keep, box)
    try:
        inputs = fit(strength).ravel()
    except BlankImageError as e:
        return Steps(pixels, ink, shapes, choice, box, None, str(e))
    if not several:
        return Steps(pixels, ink, shapes, choice, box, inputs, None)
    if (lines := _lines_read(strength, inputs)) > 1:
        return Steps(pixels, ink, shapes, choice, box, None, digit_shapes.stacked(lines))
    if (count := _touching(strength, inputs)) > 1:
        return Steps(
            pixels, ink, shapes, choice, box, None, digit_shapes.several(count, "touching")
        )
    return Steps(pixels, ink, shapes, choice, box, inputs, None)


def _in_lines(pixels: np.ndarray, ink: ink_mod.Ink, shapes: Shapes, choice) -> str | None:
    """For several digits side by side: the refusal of digits in lines one above another,
    if they are (a digit over a digit joins into one group, so the groups stand side by
    side), else None."""
    if not digit_shapes.side_by_side(choice.refusal):
        return None
    from digitnet import segment

    keep = np.zeros(shapes.count, bool)
    keep[np.concatenate(choice.groups)] = True
    box = image_box(digit_shapes.union(shapes.box[keep]), ink.scale, pixels.shape)
    lines = segment.digit_lines(digit_strength(pixels, ink, shapes, keep, box))
    return digit_shapes.stacked(lines) if lines > 1 else None


def _lines_read(strength: np.ndarray, inputs: np.ndarray) -> int:
    """How many lines of digits ink taken for one digit holds: 1 unless it splits into lines
    and digitnet read finds in them a line of several digits, every digit surely (a digit
    broken in two, or a shadow's sliver over a digit, reads as one digit over another)."""
    from digitnet import reader, segment

    if segment.digit_lines(strength) < 2:
        return 1
    per_line = reader.surely_several(strength, inputs, TOUCHING_SURE, judged=0.0)
    return len(per_line) if max(per_line) > 1 else 1


def _touching(strength: np.ndarray, inputs: np.ndarray) -> int:
    """How many digits touch in the chosen ink (``inputs``: as the network sees it): 1
    unless it is at least TOUCHING_ASPECT as wide as tall and digitnet read finds several
    digits in it, each surely or the whole judged no single digit."""
    rows, cols = np.flatnonzero(strength.any(axis=1)), np.flatnonzero(strength.any(axis=0))
    if len(cols) < TOUCHING_ASPECT * max(len(rows), 1):
        return 1
    from digitnet import reader

    return reader.touching_count(strength, inputs, TOUCHING_SURE, TOUCHING_JUDGED)


def image_box(box, scale: int, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """An analysis-pixel box, one analysis pixel wider all round, in image pixels."""
    left, top, right, bottom = box
    h, w = shape
    return (
        max(0, (left - 1) * scale),
        max(0, (top - 1) * scale),
        min(w, (right + 1) * scale),
        min(h, (bottom + 1) * scale),
    )


def digit_strength(
    pixels: np.ndarray,
    ink: ink_mod.Ink,
    shapes: Shapes,
    keep: np.ndarray,
    box: tuple,
    shrink: int = 1,
    mask: np.ndarray | None = None,
    drop: np.ndarray | None = None,
) -> np.ndarray:
    """The ink over the paper inside ``box`` (image pixels), keeping only the ``keep``
    shapes, or the analysis pixels of ``mask`` if given (and one analysis pixel around
    them, for anti-aliased edges): at full resolution, or measured on block means
    ``shrink`` image pixels a side (big writing: the paper's light and the ink's strength
    are then worked out on a quarter of the pixels or fewer); analysis pixels in ``drop``
    are left out whatever they are next to (a comb field's lines)."""
    x0, y0, x1, y1 = box
    k, f = ink.scale, shrink
    crop = pixels[y0:y1, x0:x1]
    if f > 1:  # block means (the last row and column of blocks may be partial)
        crop = np.asarray(Image.fromarray(crop).reduce(f))
    h, w = crop.shape
    up = crop.astype(np.float32) / 255
    up = 1 - up if ink.dark else up
    ph, pw = ink.paper.shape  # a partial last block may reach past the paper
    paper = Image.fromarray(ink.paper.astype(np.float32), "F").resize(
        (w, h),
        Image.Resampling.BILINEAR,
        box=(x0 / k, y0 / k, min((x0 + w * f) / k, pw), min((y0 + h * f) / k, ph)),
    )
    keep = ink_mod.dilate(shapes.pixels_of(np.flatnonzero(keep) + 1) if mask is None else mask)
    if drop is not None:
        keep &= ~drop
    # the analysis pixel under each block's centre
    rows = np.minimum((y0 + np.arange(h) * f + f // 2) // k, keep.shape[0] - 1)
    cols = np.minimum((x0 + np.arange(w) * f + f // 2) // k, keep.shape[1] - 1)
    keep = keep.take(rows, axis=0).take(cols, axis=1)  # 6x as quick as np.ix_
    return ink_mod.contrast(up, np.asarray(paper), ink.dark) * keep


def inputs_of(img: Image.Image) -> np.ndarray:
    """784 float32 activations in [0, 1] for a decoded image (see the module's steps)."""
    return inputs_of_pixels(np.asarray(grayscale(img)))


def inputs_of_pixels(pixels: np.ndarray, several: bool = True) -> np.ndarray:
    """784 float32 activations in [0, 1] for a grayscale picture (rows x columns, uint8);
    ``several=False``: without the checks for several digits (see _read_unframed)."""
    if pixels.shape == (SIDE, SIDE) and (framed := mnist_framed(pixels)) is not None:
        return framed  # no Steps for MNIST's own pictures: this path must be quick
    steps = _read_unframed(pixels, several)
    if steps.refusal is not None:
        raise (BlankImageError if steps.ink is None else NotOneDigitError)(steps.refusal)
    return steps.inputs


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


def inputs(picture, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """The 784 activations for a picture (see gray_pixels for what a picture may be)."""
    return inputs_of_pixels(gray_pixels(picture, max_pixels))
