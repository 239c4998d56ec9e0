"""Model files: a network saved as a NumPy .npz archive (format version 1).

Contents, all plain arrays (never pickled objects):

- ``W1, b1, ..., WL, bL``: layer l's weights, shape (outputs, inputs), and biases, shape
  (outputs,), float32 or float64, all finite; W1 has 784 inputs and WL 10 outputs;
- ``activations``: a 1-d string array with one activation name per layer;
- ``metadata``: a 0-d string array holding one JSON object, whose keys digitnet.saved.metadata
  defines (``format``, ``format_version``, ``architecture``, ``training``, ...).

Files are written deterministically (fixed zip timestamps, sorted keys), so the same
network gives the same bytes, and atomically: to a temporary file that is then renamed.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import zlib

import numpy as np

from digitnet.atomic import atomic_path
from digitnet.errors import ModelFileError
from digitnet.nn import functions as act
from digitnet.nn.network import INPUTS, OUTPUTS, Layer, Network
from digitnet.saved.metadata import FORMAT, FORMAT_VERSION, check_types, file_metadata

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps keep files byte-identical


def _arrays(net: Network) -> dict[str, np.ndarray]:
    architecture = {
        "sizes": net.sizes,
        "activations": [layer.activation for layer in net.layers],
        "parameters": net.parameter_count,
    }
    meta = file_metadata(net.metadata, architecture)
    arrays = {
        "metadata": np.array(json.dumps(meta, sort_keys=True)),
        "activations": np.array([layer.activation for layer in net.layers]),
    }
    for i, layer in enumerate(net.layers, start=1):
        arrays[f"W{i}"] = layer.weights
        arrays[f"b{i}"] = layer.biases
    return arrays


def save(net: Network, path: str | os.PathLike) -> None:
    """Write ``net`` to ``path`` atomically: a half-written file never takes its place."""
    import zipfile

    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in sorted(_arrays(net).items()):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arr), allow_pickle=False)
            zf.writestr(info, buf.getvalue())


def load(path: str | os.PathLike) -> Network:
    """Read and validate a model file; any problem raises ModelFileError with the reason."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ModelFileError(f"{path}: is a directory, not a model file")
    try:
        with open(path, "rb") as f:
            data = f.read(_FAST_READ_LIMIT + 1)
            budget = inflated_budget(os.fstat(f.fileno()).st_size)
        if data[:4] != b"PK\x03\x04":  # every .npz is a zip archive
            raise ModelFileError("not a valid .npz model file (not a zip archive)")
        arrays = _read_plain_npz(data, budget) if len(data) <= _FAST_READ_LIMIT else None
        if arrays is None:  # anything unusual: zipfile, each header checked before inflating
            arrays = _read_npz(path, budget)
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied") from None
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from None
    except MemoryError:
        raise ModelFileError(f"{path}: too large to load in this machine's memory") from None
    except OSError as e:
        if e.strerror:  # the system's own reason: a symlink loop, a name too long, ...
            raise ModelFileError(f"{path}: {e.strerror}") from None
        raise ModelFileError(f"{path}: not a valid .npz model file ({e})") from None
    except ValueError as e:
        if "allow_pickle" in str(e) or "Object arrays" in str(e):
            raise ModelFileError(f"{path}: holds pickled objects, which are never loaded") from None
        raise ModelFileError(f"{path}: not a digitnet model file ({e})") from None
    except Exception as e:  # zipfile.BadZipFile, EOFError, OSError, zlib.error, ...
        raise ModelFileError(f"{path}: not a valid .npz model file ({e})") from None
    try:
        return from_arrays(arrays)
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from None


_FAST_READ_LIMIT = 64 << 20  # larger files go straight to zipfile
# Arrays may inflate to this many times the file's size (plus a little for small files):
# weights barely compress, and a member that claims gigabytes behind a small file is a bomb
# (docs/decisions.md, "Model files").
INFLATE_FACTOR = 8
INFLATE_SLACK = 1 << 20
MEMBER = re.compile(r"(?:[Wb][1-9][0-9]{0,2}|activations|metadata)\.npy")


def inflated_budget(file_size: int) -> int:
    """The most bytes a model file's arrays may hold, all together."""
    return INFLATE_FACTOR * file_size + INFLATE_SLACK


def _check_member(name: str, shape: tuple, dtype: np.dtype, budget: int) -> int:
    """Refuse a member whose header declares more bytes than the budget left, before it is
    inflated; return the bytes it declares."""
    if dtype.hasobject:
        raise ModelFileError("holds pickled objects, which are never loaded")
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize if len(shape) < 8 else -1
    if not 0 <= size <= budget:
        raise ModelFileError(
            f"{name} declares shape {shape} of {dtype}, more than a file of this size can hold"
        )
    return size


def _check_name(name: str) -> None:
    """Refuse a member digitnet never writes, before anything of it is read."""
    if not MEMBER.fullmatch(name):
        raise ModelFileError(
            f"unexpected member {name!r} (a model file holds W1.npy, b1.npy, ..., "
            "activations.npy and metadata.npy)"
        )


def _npy_header(fp) -> tuple[tuple, np.dtype]:
    fmt = np.lib.format
    version = fmt.read_magic(fp)
    read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
    shape, _, dtype = read(fp)
    return shape, dtype


def _read_npz(path: str, budget: int) -> dict[str, np.ndarray]:
    """The arrays of any .npz (zip64, other compressors), each member's header checked
    against the budget before it is inflated."""
    import zipfile

    arrays = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            _check_name(info.filename)
            with zf.open(info) as fp:
                shape, dtype = _npy_header(fp)
            budget -= _check_member(info.filename, shape, dtype, budget)
            with zf.open(info) as fp:
                arrays[info.filename[:-4]] = np.lib.format.read_array(fp, allow_pickle=False)
    return arrays


def _read_plain_npz(data: bytes, budget: int) -> dict[str, np.ndarray] | None:
    """The arrays of an .npz held in ``data``, or None if it is anything but plain.

    Plain: stored or deflated members, no zip64, every checksum right (digitnet writes
    such files). Reading them with struct and zlib spares a one-image run the import of
    zipfile and what it pulls in: benchmarks/handwritten.py measured loading the default
    model as a new process at 162 ms against np.load's 171 (0.95x). Anything else,
    damaged files included, is left to np.load.
    """
    try:
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
        if end < 0:
            return None
        count, _, directory = struct.unpack_from("<HII", data, end + 10)
        arrays, pos = {}, directory
        for _ in range(count):
            if data[pos : pos + 4] != b"PK\x01\x02":
                return None
            method, _, _, crc, packed, size, n, x, c = struct.unpack_from(
                "<HHHIIIHHH", data, pos + 10
            )
            (local,) = struct.unpack_from("<I", data, pos + 42)
            name = data[pos + 46 : pos + 46 + n].decode("utf-8")
            pos += 46 + n + x + c
            if data[local : local + 4] != b"PK\x03\x04":
                return None
            _check_name(name)
            ln, lx = struct.unpack_from("<HH", data, local + 26)
            raw = data[local + 30 + ln + lx : local + 30 + ln + lx + packed]
            if method == 8:
                raw, declared = _inflate_npy(raw, name, budget)
                budget -= declared
            elif method == 0:
                budget -= _check_member(name, *_npy_header(io.BytesIO(raw)), budget)
            else:
                return None
            if len(raw) != size or zlib.crc32(raw) != crc:
                return None
            arrays[name[:-4]] = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        return arrays
    except (struct.error, zlib.error, UnicodeDecodeError, ValueError):
        return None


NPY_HEAD = 4096  # enough inflated bytes to hold any .npy header digitnet (or NumPy) writes


def _inflate_npy(packed: bytes, name: str, budget: int) -> tuple[bytes, int]:
    """A deflated .npy member, inflated no further than its header's shape and dtype say
    it holds (plus one byte, to notice more), and only if that fits the budget: a crafted
    member cannot inflate to gigabytes behind a small file. Also the bytes it declares."""
    inflater = zlib.decompressobj(-15)
    head = inflater.decompress(packed, NPY_HEAD)
    fp = io.BytesIO(head)
    shape, dtype = _npy_header(fp)
    declared = _check_member(name, shape, dtype, budget)
    rest = max(0, fp.tell() + declared - len(head)) + 1
    return head + inflater.decompress(inflater.unconsumed_tail, rest), declared


def from_arrays(arrays: dict[str, np.ndarray]) -> Network:
    """Build a Network from the arrays of a model file, checking every one of them."""
    if "activations" not in arrays or "metadata" not in arrays:
        missing = sorted({"activations", "metadata"} - set(arrays))
        raise ModelFileError(f"missing array {', '.join(missing)}")
    fs = arrays["activations"]
    if fs.dtype.kind != "U" or fs.ndim != 1 or len(fs) == 0:
        raise ModelFileError("'activations' must be a 1-d array of activation names")
    n = len(fs)
    expected = {"activations", "metadata"} | {f"{p}{i}" for p in "Wb" for i in range(1, n + 1)}
    if missing := sorted(expected - set(arrays)):
        raise ModelFileError(f"missing array {', '.join(missing)}")
    if extra := sorted(set(arrays) - expected):
        raise ModelFileError(f"unexpected array {', '.join(extra)}")
    metadata = _metadata(arrays["metadata"])
    layers, inputs = [], INPUTS
    for i, f in enumerate(fs.tolist(), start=1):
        if f not in act.NAMES:
            raise ModelFileError(f"layer {i}: unknown activation {f!r}")
        w, b = arrays[f"W{i}"], arrays[f"b{i}"]
        for name, arr in ((f"W{i}", w), (f"b{i}", b)):
            if arr.dtype not in (np.float32, np.float64):
                raise ModelFileError(f"{name} has dtype {arr.dtype}, expected float32 or float64")
            if not np.isfinite(arr).all():
                raise ModelFileError(f"{name} holds NaN or infinite values")
        if w.ndim != 2 or w.shape[1] != inputs:
            raise ModelFileError(f"W{i} has shape {w.shape}, expected (outputs, {inputs})")
        if w.shape[0] == 0:
            raise ModelFileError(f"layer {i} has no neurons (W{i} has shape {w.shape})")
        if b.shape != (w.shape[0],):
            raise ModelFileError(f"b{i} has shape {b.shape}, expected ({w.shape[0]},)")
        layers.append(Layer(w, b, f))
        inputs = w.shape[0]
    if inputs != OUTPUTS:
        raise ModelFileError(f"the last layer has {inputs} outputs, expected {OUTPUTS}")
    return Network(layers, metadata)


def _metadata(arr: np.ndarray) -> dict:
    if arr.dtype.kind != "U" or arr.ndim != 0:
        raise ModelFileError("'metadata' must be a single JSON string")
    try:
        meta = json.loads(str(arr))
    except json.JSONDecodeError as e:
        raise ModelFileError(f"metadata is not valid JSON ({e})") from None
    except RecursionError:
        raise ModelFileError("metadata is nested too deeply to be digitnet's") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"metadata does not say format {FORMAT!r}")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"format version {version!r} is not supported (this digitnet reads {FORMAT_VERSION})"
        )
    if wrong := check_types(meta):
        raise ModelFileError(f"metadata: {wrong}")
    # The architecture is derived from the arrays on save; keep only what was recorded besides.
    return {k: v for k, v in meta.items() if k not in ("format", "format_version", "architecture")}
