"""Memory bounded by what the limits promise: thin pictures, model files and IDX files that
declare more than they hold, standard input without end (issue 26, points 5 to 8). Each
runs under an address-space limit, so a case that tried to allocate gigabytes fails here
instead of passing slowly."""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib

import numpy as np
import pytest
from hostile_helpers import THREE, answered, digest, digitnet
from PIL import Image

from digitnet.image.png import SIGNATURE
from digitnet.nn.network import Network
from digitnet.saved import modelfile

LIMIT = "ulimit -v 1500000; "  # 1.5 GB of address space: far more than any case needs


def limited(*args, **kw):
    """digitnet under LIMIT (NumPy's one BLAS thread fits in it)."""
    import shlex

    cmd = LIMIT + "exec " + shlex.join(["python3", "-m", "digitnet", *map(str, args)])
    return digitnet_sh(cmd, **kw)


def digitnet_sh(cmd: str, stdin: bytes = b"", timeout: float = 60):
    import os
    import subprocess
    import sys

    from hostile_helpers import Run

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PATH": os.path.dirname(sys.executable)}
    env["PATH"] += os.pathsep + "/usr/bin:/bin"
    done = subprocess.run(
        ["bash", "-c", cmd.replace("python3", sys.executable, 1)],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=timeout,
    )
    return Run(done)


@pytest.mark.parametrize("size", [(300_000, 1), (1, 600_000), (50_000_000, 1)])
@pytest.mark.parametrize("command", ["predict", "read"])
def test_a_thin_picture_is_refused_from_its_header_and_the_others_answered(
    tmp_path, good, size, command
):
    thin = tmp_path / "thin.png"
    Image.new("L", size, 255).save(thin)
    run = limited(command, good[0], thin, good[1], timeout=30)
    assert run.status == 1
    run.one_error(str(thin), "too thin to hold a digit")
    if command == "predict":
        answered(run, good)
    else:
        assert [line.split("\t")[0] for line in run.out.splitlines()] == [str(p) for p in good]


def test_inspect_refuses_a_thin_picture_in_one_line(tmp_path):
    thin = tmp_path / "thin.png"
    Image.new("L", (1, 600_000), 255).save(thin)
    run = limited("inspect", "image", thin, timeout=30)
    assert run.status == 1
    run.one_error("too thin")


@pytest.mark.slow  # a process held to a memory limit, beside others
def test_a_picture_too_large_for_memory_costs_only_its_own_answer(tmp_path, good):
    """--max-pixels raised past what memory holds: a 200-megapixel canvas under the limit."""
    big = tmp_path / "big.png"
    big.write_bytes(blank_png(40_000, 30_000))  # 1.2 gigapixels, over what LIMIT leaves
    run = limited("predict", good[0], big, good[1], "--max-pixels", 2 * 10**9, timeout=60)
    assert run.status == 1
    run.one_error(str(big), "out of memory")
    answered(run, good)


def blank_png(width: int, height: int) -> bytes:
    """A white 8-bit gray PNG, compressed a row at a time (never whole in memory)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    packer = zlib.compressobj(1)
    row = b"\x00" + b"\xff" * width
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.slow  # a process held to a memory limit
def test_inspect_out_of_memory_is_one_line(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(blank_png(40_000, 30_000))
    run = limited("inspect", "image", big, "--max-pixels", 2 * 10**9, timeout=60)
    assert run.status == 1
    run.one_error("out of memory")


def _members(net_path) -> dict[str, bytes]:
    with zipfile.ZipFile(net_path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _npy_header(shape, dtype="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    return buf.getvalue()


@pytest.fixture
def small_model(tmp_path):
    path = tmp_path / "small.npz"
    modelfile.save(Network.create([784, 16, 16, 10], rng=np.random.default_rng(0)), path)
    return path


def _rewrite(path, members: dict[str, bytes], stored: bool = False) -> None:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize("zip64", [False, True], ids=["plain zip", "zip64 (zipfile's path)"])
def test_a_model_that_declares_gigabytes_is_refused_before_inflating(tmp_path, small_model, zip64):
    """W1 declares (320000, 784) float64, 2 GB, behind 2 MB of deflated zeros."""
    members = _members(small_model)
    members["W1.npy"] = _npy_header((320_000, 784)) + bytes(2_000_000)
    bomb = tmp_path / "bomb.npz"
    _rewrite(bomb, members)
    if zip64:  # force zipfile's reader: a member written with zip64 extra fields
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                with z.open(name, "w", force_zip64=True) as f:
                    f.write(data)
    run = limited("predict", "--model", bomb, THREE, timeout=30)
    assert run.status == 1
    run.one_error("declares shape (320000, 784)", "more than a file of this size can hold")


def test_a_model_member_that_is_not_npy_is_refused(tmp_path, small_model):
    members = _members(small_model)
    members["payload"] = zlib.compress(bytes(50_000_000))[:100]  # never inflated
    members["W1"] = members.pop("W1.npy")
    odd = tmp_path / "odd.npz"
    _rewrite(odd, members)
    run = limited("inspect", "weights", "--model", odd, timeout=30)
    assert run.status == 1
    run.one_error("unexpected member")


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda m: {**m, "test_accuracy": "high"}, 'test_accuracy is "high"'),
        (lambda m: {**m, "training": [1, 2]}, "training is [1, 2]"),
        (lambda m: {**m, "test_images": 2.5}, "test_images is 2.5"),
        (lambda m: {**m, "test_accuracy": 7}, "test_accuracy is 7"),
    ],
    ids=["accuracy a string", "training a list", "images a fraction", "accuracy over 1"],
)
def test_metadata_of_the_wrong_type_is_refused(tmp_path, small_model, change, words):
    members = _members(small_model)
    meta = json.loads(np.load(io.BytesIO(members["metadata.npy"])).item())
    buf = io.BytesIO()
    np.save(buf, np.array(json.dumps(change(meta))))
    members["metadata.npy"] = buf.getvalue()
    bad = tmp_path / "bad.npz"
    _rewrite(bad, members)
    for args in (["inspect", "weights"], ["predict", THREE]):
        run = digitnet(*args, "--model", bad)
        assert run.status == 1
        run.one_error(words)


def test_metadata_nested_too_deep_is_refused_by_predict_and_train_teacher(tmp_path, small_model):
    members = _members(small_model)
    buf = io.BytesIO()
    np.save(buf, np.array("[" * 100_000 + "]" * 100_000))
    members["metadata.npy"] = buf.getvalue()
    deep = tmp_path / "deep.npz"
    _rewrite(deep, members)
    run = digitnet("predict", "--model", deep, THREE)
    assert run.status == 1
    run.one_error("nested too deeply")
    data = tmp_path / "mnist"
    from helpers import write_mnist

    write_mnist(data, train=50, test=20)
    run = digitnet("train", "--data", data, "--teacher", deep, "-o", tmp_path / "m.npz")
    assert run.status != 0
    run.one_error("nested too deeply")


def test_a_layer_of_no_neurons_is_refused(tmp_path, small_model):
    members = _members(small_model)
    for name, shape in (("W2", (0, 16)), ("b2", (0,)), ("W3", (10, 0))):
        buf = io.BytesIO()
        np.save(buf, np.zeros(shape))
        members[f"{name}.npy"] = buf.getvalue()
    empty = tmp_path / "empty.npz"
    _rewrite(empty, members)
    run = digitnet("inspect", "weights", "--model", empty)
    assert run.status == 1
    run.one_error("layer 2 has no neurons")


def test_standard_input_without_end_is_capped(tmp_path):
    run = digitnet_sh(LIMIT + "head -c 400M /dev/zero | exec python3 -m digitnet predict -")
    assert run.status == 1
    run.one_error("over 256 MB on a pipe or standard input")


def test_an_idx_file_that_declares_more_than_it_holds_is_refused_at_once(tmp_path):
    """A 60,000,000-image header over 1.9 MB of gzip: refused from its header and trailer."""
    from helpers import write_mnist

    folder = write_mnist(tmp_path / "mnist", train=10, test=10)
    images = folder / "t10k-images-idx3-ubyte.gz"
    raw = struct.pack(">IIII", 2051, 60_000_000, 28, 28) + bytes(200_000_000)
    images.write_bytes(gzip.compress(raw, compresslevel=1))
    before = digest(images)
    run = limited("data", "show", "--data", folder, "--count", 1, timeout=30)
    assert run.status == 1
    run.one_error("declares 60,000,000 x 28 x 28 items", "but the file holds")
    assert digest(images) == before
