"""PNG files: their chunks, and the plain ones decoded without Pillow's Python layers.

Pillow reads a PNG by parsing its chunks in Python and then running its C zlib decoder.
For a small picture the Python part is most of the cost: benchmarks/handwritten.py decoded
2,000 28x28 PNG digits to arrays in 110 us a picture with ``Image.open`` and ``np.asarray``,
and in 62 us (0.57x) by handing the IDAT data straight to the same C decoder, which lets
``predict --jobs 2`` reach 1.77x a bare Pillow loop. ``quick_image`` does that for
the plain PNGs digit pictures are (8 bits per sample; gray, gray and alpha, RGB or RGBA; not
interlaced; no chunk that changes the pixels) and gives up (None) on anything else, which
then takes Pillow's own path with its checks and messages. It gives the very image Pillow
would: tests/test_png.py compares the two on every kind of PNG.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from PIL import Image

from digitnet.limits import MAX_ASPECT

SIGNATURE = b"\x89PNG\r\n\x1a\n"

# (bit depth, colour type) -> Pillow's mode, as PngImagePlugin maps them; other pairings
# (palettes, fewer or more bits) are left to Pillow.
MODES = {(8, 0): "L", (8, 2): "RGB", (8, 4): "LA", (8, 6): "RGBA"}
# Chunks that leave the pixels as Pillow gives them (text, time, resolution, colour-space
# hints it does not apply, a suggested palette). Any other, tRNS and animation among them,
# sends the file to Pillow.
HARMLESS = {
    b"tEXt", b"zTXt", b"iTXt", b"tIME", b"pHYs", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"bKGD", b"hIST", b"sPLT", b"PLTE", b"eXIf",
}  # fmt: skip


class Damaged(ValueError):
    """A PNG's chunks are cut short or fail their CRC; the message names the chunk."""

    def __init__(self, what: str, kind: bytes):
        super().__init__(f"{what} in the {kind.decode('latin-1')} chunk")


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Each chunk of a PNG file's bytes (after the signature) as (type, body), checked:
    Damaged if one is cut short or its CRC is wrong. Stops after IEND."""
    pos = len(SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 8 + length
        if end + 4 > len(data):
            raise Damaged("truncated", kind)
        (crc,) = struct.unpack_from(">I", data, end)
        if crc != zlib.crc32(memoryview(data)[pos + 4 : end]):
            raise Damaged("CRC error", kind)
        yield kind, data[pos + 8 : end]
        if kind == b"IEND":
            return
        pos = end + 4


TEXT = {b"tEXt", b"zTXt", b"iTXt"}


def without_text(data: bytes) -> bytes:
    """A PNG file's bytes without its text chunks, which say nothing of the pixels (Pillow
    refuses a large one as if the file were damaged); unchanged if its chunks are damaged."""
    try:
        found = list(chunks(data))
    except Damaged:
        return data
    if not any(kind in TEXT for kind, _ in found):
        return data
    out = [SIGNATURE]
    for kind, body in found:
        if kind not in TEXT:
            crc = zlib.crc32(kind + body)
            out.append(struct.pack(">I4s", len(body), kind) + body + struct.pack(">I", crc))
    return b"".join(out)


def quick_image(data: bytes, max_pixels: int | None = None) -> Image.Image | None:
    """The decoded image of a plain PNG file's bytes, or None when Pillow should read it
    (not a plain PNG, damaged, or over ``max_pixels``, so that Pillow's path says why)."""
    if not data.startswith(SIGNATURE):
        return None
    try:
        found = list(chunks(data))
    except Damaged:
        return None
    if not found or found[0][0] != b"IHDR" or found[-1][0] != b"IEND" or len(found[0][1]) != 13:
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", found[0][1]
    )
    mode = MODES.get((depth, colour))
    if mode is None or compression or filtering or interlace or not width or not height:
        return None
    if max_pixels and width * height > max_pixels:
        return None
    if max(width, height) > MAX_ASPECT * min(width, height):
        return None
    if any(kind not in HARMLESS for kind, _ in found[1:-1] if kind != b"IDAT"):
        return None
    img = Image.new(mode, (width, height))
    decoder = Image._getdecoder(mode, "zip", mode)  # what PngImagePlugin's tile asks for
    decoder.setimage(img.im, (0, 0, width, height))
    done, error = decoder.decode(b"".join(body for kind, body in found if kind == b"IDAT"))
    if done >= 0 or error:  # it wanted more data (cut short), or zlib failed
        return None
    return img
