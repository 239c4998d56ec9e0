"""Preprocessing: any image to 784 activations the way MNIST was made."""

import io
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from helpers import centre_of_mass, drawn_digit, png_bytes
from PIL import Image

from digitnet.data import mnist
from digitnet.errors import BlankImageError, ImageError
from digitnet.predicting import one_digit


def reference():
    return one_digit.inputs(png_bytes(drawn_digit()))


def test_mnist_digits_saved_as_png_come_back_exactly(real_mnist):
    images, _ = mnist.load(real_mnist, "test")
    want = mnist.as_inputs(images[:300])
    for i in range(300):
        got = one_digit.inputs(png_bytes(Image.fromarray(images[i])))
        np.testing.assert_array_equal(got, want[i])


def test_output_is_framed_like_mnist():
    a = reference()
    assert a.shape == (784,) and a.dtype == np.float32
    assert a.min() >= 0 and a.max() == 1
    grid = a.reshape(28, 28)
    rows, cols = np.flatnonzero(grid.any(1)), np.flatnonzero(grid.any(0))
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == 20
    cy, cx = centre_of_mass(a)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert grid[0].sum() == 0 and grid[:, 0].sum() == 0  # a border free of ink


def modes():
    gray = drawn_digit()
    rgb = Image.merge("RGB", [gray, gray, gray])
    rgba_ink_only = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba_ink_only.putalpha(Image.eval(gray, lambda v: 255 - v))  # ink opaque, paper clear
    la = gray.convert("LA")
    p_trans = gray.convert("P")
    p_trans.info["transparency"] = p_trans.getpixel((0, 0))  # the paper colour transparent
    i16 = Image.fromarray(np.asarray(gray).astype(np.uint16) * 257)
    assert i16.mode in ("I;16", "I")
    return {
        "1": gray.point(lambda v: 255 if v > 127 else 0).convert("1"),
        "L": gray,
        "LA": la,
        "P": gray.convert("P"),
        "P+transparency": p_trans,
        "RGB": rgb,
        "RGBA": rgb.convert("RGBA"),
        "RGBA ink on clear": rgba_ink_only,
        "I;16": i16,
    }


@pytest.mark.parametrize("mode", list(modes()))
def test_every_mode_gives_the_same_digit(mode):
    img = modes()[mode]
    a = one_digit.inputs(png_bytes(img))
    assert np.isfinite(a).all() and a.min() >= 0 and a.max() <= 1
    assert np.abs(a - reference()).mean() < 0.03, mode


def test_sixteen_bit_values_are_scaled_not_clipped():
    dim = Image.fromarray(np.asarray(drawn_digit(ink=255, paper=0)).astype(np.uint16) * 40)
    a = one_digit.inputs(png_bytes(dim))  # ink at 10,200 of 65,535: clipping gives white
    assert np.abs(a - reference()).mean() < 0.03


def test_light_ink_on_dark_is_kept_and_dark_on_light_inverted():
    dark_paper = one_digit.inputs(png_bytes(drawn_digit(ink=255, paper=0)))
    np.testing.assert_allclose(dark_paper, reference(), atol=0.02)


def test_tinted_uneven_noisy_paper_gives_the_same_digit():
    rng = np.random.default_rng(0)
    ink = 1 - np.asarray(drawn_digit(size=400), dtype=np.float32) / 255
    ys, xs = np.mgrid[0:400, 0:400] / 400
    paper = 0.85 - 0.25 * xs + 0.1 * ys  # lit from the left
    photo = paper - 0.55 * ink + rng.normal(0, 0.03, ink.shape)
    specks = rng.choice(400 * 400, 40, replace=False)  # dust far from the digit
    photo.ravel()[specks] = 0
    rgb = np.stack([photo * 1.0, photo * 0.95, photo * 0.8], axis=-1)  # yellowish paper
    img = Image.fromarray((np.clip(rgb, 0, 1) * 255).astype(np.uint8))
    a = one_digit.inputs(png_bytes(img))
    assert np.corrcoef(a, reference())[0, 1] > 0.9


def test_small_digit_in_a_corner_of_a_large_canvas_is_found_and_centred():
    canvas = Image.new("L", (1200, 900), 255)
    canvas.paste(drawn_digit(size=120), (1000, 700))
    a = one_digit.inputs(png_bytes(canvas))
    cy, cx = centre_of_mass(a)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert np.corrcoef(a, reference())[0, 1] > 0.9


def test_first_frame_of_an_animation_is_used():
    first, second = drawn_digit(), drawn_digit().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    for fmt in ("PNG", "GIF"):
        buf = io.BytesIO()
        first.save(buf, format=fmt, save_all=True, append_images=[second], duration=100)
        a = one_digit.inputs(buf.getvalue())
        np.testing.assert_allclose(a, one_digit.inputs(png_bytes(first)), atol=0.02)


def test_interlaced_png_reads_like_a_plain_one():
    png = pytest.importorskip("png", reason="pypng (in the test extra) writes interlaced PNGs")
    gray = drawn_digit()
    buf = io.BytesIO()
    png.Writer(gray.width, gray.height, greyscale=True, interlace=True).write(
        buf, np.asarray(gray).tolist()
    )
    assert Image.open(io.BytesIO(buf.getvalue())).info.get("interlace") == 1
    np.testing.assert_array_equal(one_digit.inputs(buf.getvalue()), reference())


def test_jpeg_exif_orientation_is_applied():
    upright = drawn_digit()
    rotated = upright.transpose(Image.Transpose.ROTATE_90)  # stored sideways ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... with a tag saying "rotate 90 degrees clockwise to view"
    buf = io.BytesIO()
    rotated.save(buf, format="JPEG", exif=exif, quality=95)
    a = one_digit.inputs(buf.getvalue())
    assert np.corrcoef(a, reference())[0, 1] > 0.95


def test_other_formats_are_read():
    for fmt in ("BMP", "WEBP", "GIF", "JPEG"):
        buf = io.BytesIO()
        drawn_digit().save(buf, format=fmt)
        assert np.corrcoef(one_digit.inputs(buf.getvalue()), reference())[0, 1] > 0.95


@pytest.mark.parametrize("paper", [0, 128, 255])
def test_blank_images_are_refused_not_guessed(paper):
    for size in (28, 300):
        with pytest.raises(BlankImageError, match="no ink found"):
            one_digit.inputs(png_bytes(Image.new("L", (size, size), paper)))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_decompression_bombs_are_refused_before_decoding():
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)  # 900 megapixels
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")
    with pytest.raises(ImageError, match="over the limit of 50,000,000"):
        one_digit.inputs(bomb)
    img = png_bytes(drawn_digit(size=300))
    with pytest.raises(ImageError, match="--max-pixels raises the limit"):
        one_digit.inputs(img, max_pixels=300 * 300 - 1)
    assert one_digit.inputs(img, max_pixels=300 * 300).shape == (784,)


def test_damaged_files_give_clear_errors():
    good = png_bytes(drawn_digit())
    with pytest.raises(ImageError, match=r"damaged PNG file \(truncated in the IDAT chunk\)"):
        one_digit.inputs(good[: len(good) // 2])
    buf = io.BytesIO()
    drawn_digit().save(buf, format="JPEG")
    with pytest.raises(ImageError, match="damaged image file"):
        one_digit.inputs(buf.getvalue()[:300])
    bad_crc = bytearray(good)
    bad_crc[29] ^= 0xFF  # the IHDR chunk's checksum
    with pytest.raises(ImageError, match="damaged PNG file .CRC error in the IHDR chunk"):
        one_digit.inputs(bytes(bad_crc))
    with pytest.raises(ImageError, match=r"empty file \(0 bytes\)"):
        one_digit.inputs(b"")
    with pytest.raises(ImageError, match="not an image"):
        one_digit.inputs(b"digits are fun\n" * 10)


def test_thick_ink_covering_much_of_the_canvas_is_still_ink():
    img = drawn_digit(size=200, width=45)
    assert (np.asarray(img) < 128).mean() > 0.25
    a = one_digit.inputs(png_bytes(img))
    grid = a.reshape(28, 28) > 0.5
    rows, cols = np.flatnonzero(grid.any(1)), np.flatnonzero(grid.any(0))
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) >= 18
    assert np.corrcoef(a, reference())[0, 1] > 0.5  # thicker, but the same 7


def test_a_one_pixel_wide_canvas_gives_values_or_a_clear_error():
    """Found by the property tests: a 1x257 strip whose ink vanished in scaling (a strip
    over MAX_ASPECT times as long as wide is now refused as too thin, so a 1x99 one)."""
    for length in (3, 40, 99):
        strip = np.full((99, 1), 255, dtype=np.uint8)
        strip[30 : 30 + min(length, 69)] = 0
        try:
            a = one_digit.inputs(png_bytes(Image.fromarray(strip)))
        except ImageError as e:  # a 3-pixel stroke is a speck, not a digit
            assert re.match(r"no ink found|no digit found \(a speck \d+ px wide\)", str(e))
        else:
            assert a.shape == (784,) and 0 < a.max() <= 1


@pytest.mark.parametrize("mode, scale", [("I", 1), ("I", 257), ("F", 1 / 255), ("F", 1)])
def test_32_bit_integer_and_float_tiffs_are_scaled_by_their_range(mode, scale):
    """8-bit values kept in 32-bit integers, and floats in 0..1, were refused as blank."""
    values = np.asarray(drawn_digit(), dtype=np.float64) * scale
    img = Image.fromarray(values.astype(np.int32 if mode == "I" else np.float32), mode)
    buf = io.BytesIO()
    img.save(buf, format="TIFF")
    a = one_digit.inputs(buf.getvalue())
    np.testing.assert_allclose(a, reference(), atol=0.02)


def test_pillows_own_bomb_limit_is_left_to_programs_that_import_digitnet():
    import subprocess
    import sys

    code = (
        "from PIL import Image; before = Image.MAX_IMAGE_PIXELS; "
        "from digitnet.predicting import one_digit; "
        "one_digit.inputs('digitnet/samples/three.png'); "
        "print(before == Image.MAX_IMAGE_PIXELS != None)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert out.stdout.strip() == "True", out.stderr


def test_pictures_over_pillows_own_limit_are_read_when_digitnet_allows_them():
    big = Image.new("L", (10_000, 9_000), 255)  # 90 megapixels, over Pillow's 89.5
    big.paste(drawn_digit(size=3000), (3000, 3000))
    buf = io.BytesIO()
    big.save(buf, format="BMP")  # BMP: decoded through Image.open and its bomb check
    with pytest.raises(ImageError, match="over the limit of 50,000,000"):
        one_digit.inputs(buf.getvalue())
    a = one_digit.inputs(buf.getvalue(), max_pixels=100_000_000)
    assert np.corrcoef(a, reference())[0, 1] > 0.9


def test_dilate_is_a_three_by_three_maximum():
    from digitnet.image import ink

    rng = np.random.default_rng(3)
    for shape in [(1, 1), (1, 7), (6, 1), (2, 2), (40, 25)]:
        mask = rng.random(shape) < 0.15
        assert np.array_equal(ink.dilate(mask), ink.square_filter(mask, 3, np.maximum))
    stack = rng.random((3, 12, 9)) < 0.15  # a stack: each mask grows on its own
    assert np.array_equal(ink.dilate(stack), np.stack([ink.dilate(m) for m in stack]))
