"""Model files: they round-trip, and every kind of bad file is refused with its reason."""

import io
import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from digitnet.cli import cli
from digitnet.errors import ModelFileError
from digitnet.nn.network import Network
from digitnet.saved import modelfile


@pytest.fixture
def net():
    n = Network.create([784, 16, 16, 10], rng=np.random.default_rng(0))
    n.metadata = {"test_accuracy": 0.5, "training": {"seed": 0}}
    return n


def arrays_of(net):
    return modelfile._arrays(net)


def test_round_trip_keeps_every_number_and_the_metadata(tmp_path, net):
    path = tmp_path / "m.npz"
    modelfile.save(net, path)
    back = modelfile.load(path)
    assert back.sizes == net.sizes
    for a, b in zip(back.layers, net.layers, strict=True):
        np.testing.assert_array_equal(a.weights, b.weights)
        np.testing.assert_array_equal(a.biases, b.biases)
        assert a.activation == b.activation
    assert back.metadata == net.metadata
    raw = json.loads(str(np.load(path)["metadata"]))
    assert raw["format"] == "digitnet-model" and raw["format_version"] == 1
    assert raw["architecture"]["parameters"] == 13_002


def test_same_network_gives_the_same_bytes(tmp_path, net):
    modelfile.save(net, tmp_path / "a.npz")
    modelfile.save(net, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def _zip(good: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **good)
    return buf.getvalue()


def _with(good: dict, name: str, index, value) -> dict:
    """good with one value of array ``name`` changed."""
    changed = good[name].copy()
    changed[index] = value
    return {**good, name: changed}


def _metadata(good: dict, **changes) -> dict:
    meta = {**json.loads(str(good["metadata"])), **changes}
    return {**good, "metadata": np.array(json.dumps(meta))}


# Each bad file: its name, how to make it from a good file's arrays, and the reason given.
BAD_FILES = [
    ("not a zip", lambda good: b"hello, I am not a model", "not a valid .npz"),
    ("truncated", lambda good: _zip(good)[: len(_zip(good)) // 2], "not a valid .npz"),
    ("missing", lambda good: {k: v for k, v in good.items() if k != "b2"}, "missing array b2"),
    ("extra", lambda good: {**good, "W9": good["W1"]}, "unexpected array W9"),
    (
        "shapes",
        lambda good: {**good, "W2": np.zeros((16, 15), np.float32)},
        "W2 has shape (16, 15)",
    ),
    ("bias shape", lambda good: {**good, "b1": np.zeros(3, np.float32)}, "b1 has shape (3,)"),
    (
        "objects",
        lambda good: {**good, "W1": np.array([None] * 3, dtype=object)},
        "pickled objects",
    ),
    ("nan", lambda good: _with(good, "W1", (0, 0), np.nan), "W1 holds NaN or infinite values"),
    ("inf", lambda good: _with(good, "b3", 1, np.inf), "b3 holds NaN or infinite values"),
    ("int dtype", lambda good: {**good, "b1": np.zeros(16, np.int64)}, "b1 has dtype int64"),
    (
        "activation",
        lambda good: {**good, "activations": np.array(["relu", "tanh", "softmax"])},
        "tanh",
    ),
    ("version", lambda good: _metadata(good, format_version=99), "format version 99"),
    (
        "metadata",
        lambda good: {**good, "metadata": np.array("{not json")},
        "metadata is not valid JSON",
    ),
    (
        "outputs",
        lambda good: {**good, "W3": np.zeros((9, 16), np.float32), "b3": np.zeros(9, np.float32)},
        "9 outputs, expected 10",
    ),
]


def make(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with open(path, "wb") as f:
            np.savez(f, **content)


@pytest.mark.parametrize("name, content_of, reason", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_with_their_reason(tmp_path, net, name, content_of, reason):
    path = tmp_path / f"{name.replace(' ', '_')}.npz"
    make(path, content_of(arrays_of(net)))
    with pytest.raises(ModelFileError) as err:
        modelfile.load(path)
    assert str(err.value).startswith(f"{path}: ")
    assert reason in str(err.value)
    # and on the command line: one line on stderr, exit status 1, no traceback
    result = CliRunner().invoke(cli, ["inspect", "weights", "--model", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"digitnet: {err.value}"
    assert "Traceback" not in result.output


def test_missing_model_file_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", "weights", "--model", str(tmp_path / "no.npz")])
    assert result.exit_code == 1
    assert result.stderr == f"digitnet: {tmp_path / 'no.npz'}: no such model file\n"


def test_an_interrupted_save_leaves_the_old_file_and_no_debris(tmp_path, net, monkeypatch):
    path = tmp_path / "m.npz"
    modelfile.save(net, path)
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", explode)
    with pytest.raises(KeyboardInterrupt):
        modelfile.save(net, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_saved_files_are_plain_zip_archives_with_npy_members(tmp_path, net):
    path = tmp_path / "m.npz"
    modelfile.save(net, path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(
            ["W1.npy", "b1.npy", "W2.npy", "b2.npy", "W3.npy", "b3.npy"]
            + ["activations.npy", "metadata.npy"]
        )


@pytest.mark.parametrize("writer", ["digitnet", "savez", "savez_compressed"])
def test_fast_reader_and_numpy_agree(tmp_path, net, writer):
    """Plain .npz files are read without zipfile; the result must be NumPy's own."""
    path = tmp_path / "m.npz"
    if writer == "digitnet":
        modelfile.save(net, path)
    else:
        getattr(np, writer)(path, **modelfile._arrays(net))
    fast = modelfile._read_plain_npz(path.read_bytes(), 10**9)
    assert fast is not None, writer
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(fast) == sorted(npz.files)
        for name in npz.files:
            np.testing.assert_array_equal(fast[name], npz[name])
            assert fast[name].dtype == npz[name].dtype


def test_fast_reader_declines_damaged_archives(tmp_path, net):
    modelfile.save(net, tmp_path / "m.npz")
    data = bytearray((tmp_path / "m.npz").read_bytes())
    data[200] ^= 0xFF  # inside the first member's compressed bytes
    assert modelfile._read_plain_npz(bytes(data), 10**9) is None
    assert modelfile._read_plain_npz(bytes(data[:-30]), 10**9) is None


def test_a_member_that_inflates_past_its_declared_array_is_not_inflated(
    tmp_path,
):
    """A crafted file: a 1-element W1 header followed by 200 MB of zeros, deflated."""
    import zipfile
    import zlib as _zlib

    path = tmp_path / "bomb.npz"
    modelfile.save(Network.create([784, 16, 16, 10], rng=np.random.default_rng(0)), path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    header = members["W1.npy"][:128]  # the real header: float32, shape (16, 784)
    bomb = header + bytes(200_000_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, bomb if name == "W1.npy" else data)
    assert len(path.read_bytes()) < 1_000_000  # small on disk
    inflated, declared = modelfile._inflate_npy(
        _zlib.compress(bomb)[2:-4],
        "W1.npy",
        10**9,  # raw deflate, as in a zip member
    )
    assert declared == 16 * 784 * 4
    assert len(inflated) == 128 + 16 * 784 * 4 + 1  # stopped just past the declared array
    import subprocess
    import sys

    code = (  # VmHWM: this process's peak memory (ru_maxrss counts the parent's, on Linux)
        "import sys\n"
        "from digitnet.saved import modelfile\n"
        "from digitnet.errors import ModelFileError\n"
        "try:\n    modelfile.load(sys.argv[1])\nexcept ModelFileError:\n    pass\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(int(peak.split()[1]) // 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert int(out.stdout) < 150, out.stderr  # MB: the 200 MB were never inflated


def test_a_file_that_is_no_zip_archive_is_named_once(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_text("junk")
    with pytest.raises(ModelFileError) as e:
        modelfile.load(path)
    assert str(e.value) == f"{path}: not a valid .npz model file (not a zip archive)"
