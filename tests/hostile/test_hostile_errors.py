"""Tracebacks and unclear errors become one line, and the rest of the batch is answered
(issue 26, points 13 and 14)."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib

import numpy as np
import pytest
from hostile_helpers import THREE, answered, digitnet
from PIL import Image

from digitnet.image.png import SIGNATURE


def test_a_nul_byte_in_a_listed_name_costs_only_that_name(tmp_path, good):
    listing = tmp_path / "list"
    listing.write_bytes(f"{good[0]}\nbad\0name.png\n{good[1]}\n".encode())
    run = digitnet("predict", "-T", listing)
    assert run.status == 1
    run.one_error("bad\\x00name.png", "NUL byte")
    answered(run, good)


def test_a_nul_byte_in_labels_csv_costs_only_that_picture(tmp_path):
    (tmp_path / "a.png").write_bytes(THREE.read_bytes())
    (tmp_path / "labels.csv").write_bytes(b"file,label\na.png,3\nb\0c.png,3\n")
    run = digitnet("evaluate", "--images", tmp_path, "--format", "json")
    assert run.status == 0, run.err
    result = json.loads(run.out)
    assert (result["n"], result["correct"], result["refused"]) == (2, 1, 1)


def test_a_huge_labels_csv_field_is_one_line_naming_the_line(tmp_path):
    (tmp_path / "labels.csv").write_text("file,label\n" + "x" * 200_000 + ",3\n")
    run = digitnet("evaluate", "--images", tmp_path)
    assert run.status == 1
    run.one_error("labels.csv, line 2", "field larger than field limit")


def test_color_always_in_a_non_utf8_locale_is_one_line(tmp_path):
    run = digitnet(
        "inspect", "image", THREE, "--color", "always", env={"PYTHONIOENCODING": "latin-1"}
    )
    assert run.status == 1
    run.one_error("--color always", "cannot show", "--color never")
    auto = digitnet("inspect", "image", THREE, env={"PYTHONIOENCODING": "latin-1"})
    assert auto.status == 0 and "\x1b[" not in auto.out


def test_an_ascii_output_writes_a_non_ascii_name_escaped(tmp_path, good):
    name = tmp_path / "café.png"
    name.write_bytes(THREE.read_bytes())
    run = digitnet("predict", good[0], name, good[1], env={"PYTHONIOENCODING": "ascii"})
    assert run.status == 0, run.err
    assert f"{tmp_path}/caf\\xe9.png\t3" in run.out.splitlines()
    answered(run, good)


@pytest.mark.parametrize("name", ["new\nline.png", "tab\there.png", "esc\x1b[31mred.png"])
def test_control_characters_in_names_are_escaped_in_text_output(tmp_path, good, name):
    path = tmp_path / name
    path.write_bytes(THREE.read_bytes())
    missing = tmp_path / ("gone-" + name)
    run = digitnet("predict", good[0], path, missing, good[1])
    assert run.status == 1
    lines = run.out.splitlines()
    assert len(lines) == 3  # one line an answer: the name cannot break it
    assert "\x1b" not in run.out + run.err
    shown = name.replace("\n", "\\n").replace("\t", "\\t").replace("\x1b", "\\x1b")
    assert lines[1] == f"{tmp_path}/{shown}\t3"
    run.one_error(f"gone-{shown}", "no such file")


def test_names_that_are_not_utf8_give_valid_json(tmp_path, good):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.png"
    with open(raw, "wb") as f:
        f.write(THREE.read_bytes())
    run = digitnet("predict", "--format", "json", good[0], os.fsdecode(raw))
    assert run.status == 0, run.err
    rows = [json.loads(line) for line in run.out.splitlines()]
    assert rows[1]["path"] == f"{tmp_path}/caf\\xe9.png" and rows[1]["digit"] == 3
    json.dumps(rows, ensure_ascii=False).encode("utf-8")  # no lone surrogate left


def test_a_float_tiff_with_nan_says_so(tmp_path, good):
    values = np.zeros((40, 40), np.float32)
    values[5:35, 18:22] = 1.0
    values[0, 0] = np.nan
    path = tmp_path / "nan.tif"
    Image.fromarray(values, "F").save(path)
    run = digitnet("predict", good[0], path, good[1])
    assert run.status == 1
    run.one_error("NaN or infinite")
    answered(run, good)


def test_a_photo_with_damaged_exif_is_read_without_warnings(tmp_path):
    img = Image.open(THREE).convert("RGB").resize((200, 200))
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03\xff\xff"
    path = tmp_path / "exif.jpg"
    img.save(path, exif=exif + bytes(10))
    run = digitnet("predict", path)
    assert run.status == 0 and run.out == "3\n" and run.err == "", run.err


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body))
    return struct.pack(">I", len(body)) + kind + body + crc


@pytest.mark.parametrize("mode", ["L", "P"])
def test_a_png_with_a_large_text_chunk_is_read(tmp_path, mode):
    buf = io.BytesIO()
    Image.open(THREE).convert(mode).save(buf, format="PNG")
    data = buf.getvalue()
    text = _png_chunk(b"zTXt", b"comment\0\0" + zlib.compress(b"x" * 5_000_000))
    path = tmp_path / "text.png"
    path.write_bytes(data[:33] + text + data[33:])  # after IHDR
    assert path.read_bytes().startswith(SIGNATURE)
    run = digitnet("predict", path)
    assert run.status == 0 and run.out == "3\n", run.err


def test_a_symlink_loop_as_model_says_so(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    run = digitnet("predict", "--model", tmp_path / "a", THREE)
    assert run.status == 1
    run.one_error("Too many levels of symbolic links")


def test_a_model_file_on_a_full_disk_names_the_file(full_disk):
    from digitnet.nn.network import Network
    from digitnet.saved import modelfile

    (full_disk / "filler").write_bytes(bytes(40_000))
    out = full_disk / "big.npz"
    net = Network.create([784, 200, 10], rng=np.random.default_rng(0))
    with pytest.raises(OSError, match="No space left on device") as e:
        modelfile.save(net, out)
    assert e.value.filename == str(out)
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_a_picture_on_a_full_disk_names_the_file(full_disk):
    (full_disk / "filler").write_bytes(bytes(60_000))
    out = full_disk / "w.png"
    run = digitnet("inspect", "weights", "--image", out)
    assert run.status == 1
    run.one_error(str(out), "No space left on device")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]
