"""digitnet.image.png: plain PNGs decoded straight, to exactly what Pillow gives, and every other
PNG left to Pillow."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from digitnet.errors import ImageError
from digitnet.image import png, preprocess


def png_bytes(img: Image.Image, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **options)
    return buf.getvalue()


def pillows(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def rechunk(data: bytes, kind: bytes, edit) -> bytes:
    """The PNG with one chunk's body changed by ``edit`` and its CRC made right again."""
    out, pos = bytearray(data[:8]), 8
    while pos < len(data):
        length, k = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        if k == kind:
            body = edit(body)
        out += struct.pack(">I", len(body)) + k + body + struct.pack(">I", zlib.crc32(k + body))
        pos += 12 + length
    return bytes(out)


@settings(max_examples=60, deadline=None)
@given(
    mode=st.sampled_from(["L", "RGB", "LA", "RGBA"]),
    width=st.integers(1, 70),
    height=st.integers(1, 70),
    level=st.integers(0, 9),
    optimize=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_plain_pngs_decode_to_what_pillow_gives(mode, width, height, level, optimize, seed):
    rng = np.random.default_rng(seed)
    bands = len(mode)
    shape = (height, width) if bands == 1 else (height, width, bands)
    # smooth areas as well as noise, so that every PNG row filter gets chosen
    pixels = rng.integers(0, 256, shape, dtype=np.uint8)
    pixels[: height // 2] //= 64
    data = png_bytes(Image.fromarray(pixels, mode), compress_level=level, optimize=optimize)
    quick = png.quick_image(data)
    assert quick is not None and quick.mode == mode and quick.size == (width, height)
    assert np.array_equal(np.asarray(quick), np.asarray(pillows(data)))


def test_an_mnist_png_takes_the_quick_path(samples):
    data = (samples / "three.png").read_bytes()
    quick = png.quick_image(data)
    assert quick is not None
    assert np.array_equal(np.asarray(quick), np.asarray(pillows(data)))


def test_text_and_resolution_chunks_do_not_stop_it():
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "a seven")
    info.add_text("Comment", "zipped" * 30, zip=True)
    img = Image.fromarray(np.tri(28, dtype=np.uint8) * 200)
    data = png_bytes(img, pnginfo=info, dpi=(300, 300))
    assert b"zTXt" in data and b"pHYs" in data
    quick = png.quick_image(data)
    assert quick is not None and np.array_equal(np.asarray(quick), np.asarray(img))


BLACK = Image.new("L", (9, 9), 90)


def _interlaced(data: bytes) -> bytes:
    return rechunk(data, b"IHDR", lambda b: b[:12] + b"\x01")


@pytest.mark.parametrize(
    "make",
    [
        lambda: png_bytes(Image.new("P", (9, 9), 3)),  # a palette
        lambda: png_bytes(Image.new("I;16", (9, 9), 4000)),  # 16 bits
        lambda: png_bytes(Image.new("1", (9, 9), 1)),  # 1 bit
        lambda: png_bytes(Image.new("L", (9, 9), 9), transparency=9),  # tRNS
        lambda: png_bytes(Image.new("L", (9, 9)), save_all=True, append_images=[BLACK]),  # APNG
        lambda: _interlaced(png_bytes(Image.new("L", (9, 9), 5))),
        lambda: b"GIF89a not a png",
    ],
    ids=["palette", "16-bit", "1-bit", "transparency", "animated", "interlaced", "not-png"],
)  # fmt: skip
def test_other_pngs_are_left_to_pillow(make):
    assert png.quick_image(make()) is None


def test_damaged_pngs_are_left_to_pillow_and_keep_its_messages(tmp_path):
    good = png_bytes(Image.fromarray(np.arange(784, dtype=np.uint8).reshape(28, 28)))
    idat = good.index(b"IDAT")
    bad_crc = bytearray(good)
    bad_crc[idat + 6] ^= 0xFF
    broken_zlib = rechunk(good, b"IDAT", lambda b: b[:10] + bytes(len(b) - 10))
    cut_short = rechunk(good, b"IDAT", lambda b: zlib.compress(zlib.decompress(b)[:300]))
    cases = {
        "crc": (bytes(bad_crc), "damaged PNG file (CRC error in the IDAT chunk)"),
        "truncated": (good[: idat + 20], "damaged PNG file (truncated in the IDAT chunk)"),
        "zlib": (broken_zlib, "damaged PNG file"),
        "short": (cut_short, "damaged PNG file"),
    }
    for name, (data, message) in cases.items():
        assert png.quick_image(data) is None, name
        path = tmp_path / f"{name}.png"
        path.write_bytes(data)
        with pytest.raises(ImageError) as e:
            preprocess.gray_pixels(path)
        assert str(e.value).startswith(message), (name, str(e.value))


def test_the_pixel_limit_is_pillows_to_report():
    data = png_bytes(Image.new("L", (100, 100), 255))
    assert png.quick_image(data, max_pixels=10_000) is not None
    assert png.quick_image(data, max_pixels=9_999) is None
    with pytest.raises(ImageError, match="100x100 = 10,000 pixels, over the limit of 9,999"):
        preprocess.gray_pixels(data, max_pixels=9_999)


def test_chunks_walks_and_checks():
    data = png_bytes(Image.new("L", (3, 2), 7))
    kinds = [kind for kind, _ in png.chunks(data)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    ihdr = dict(png.chunks(data))[b"IHDR"]
    assert struct.unpack(">II", ihdr[:8]) == (3, 2)
    with pytest.raises(png.Damaged, match="CRC error in the IHDR chunk"):
        list(png.chunks(data[:19] + b"\x09" + data[20:]))
