"""Reading MNIST's IDX files with idx2numpy, with every check the files deserve.

A folder holds the four files, gzipped or raw, named as the original distribution
(``train-images-idx3-ubyte``) or as some mirrors do (``train-images.idx3-ubyte``).
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np

from digitnet.errors import DataError

SIDE = 28  # MNIST's images are SIDE x SIDE pixels: the network's 784 inputs
SPLITS = {"train": ("train", 60_000), "test": ("t10k", 10_000)}
MAGIC = {"images": 2051, "labels": 2049}  # 0x00000803 and 0x00000801
_SUFFIX = {"images": "idx3-ubyte", "labels": "idx1-ubyte"}
DATA_ENV = "DIGITNET_DATA"


def default_data_dir() -> Path:
    """Where ``digitnet data download`` puts MNIST: $DIGITNET_DATA, else the user cache."""
    if env := os.environ.get(DATA_ENV):
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "digitnet" / "mnist"


def file_names(split: str, kind: str) -> list[str]:
    """Every name the file may have, preferred first."""
    prefix, suffix = SPLITS[split][0], _SUFFIX[kind]
    stems = [f"{prefix}-{kind}-{suffix}", f"{prefix}-{kind}.{suffix}"]
    return [s + ext for s in stems for ext in (".gz", "")]


def find_file(folder: str | os.PathLike, split: str, kind: str) -> Path:
    """The file of ``split`` (train, test) and ``kind`` (images, labels) in ``folder``,
    under any of its usual names; DataError says what is missing."""
    folder = Path(folder)
    for name in file_names(split, kind):
        if (folder / name).is_file():
            return folder / name
    hint = "" if folder.is_dir() else " (no such folder)"
    raise DataError(
        f"{folder}: no MNIST {split} {kind} file{hint}; expected {file_names(split, kind)[0]}; "
        f"get MNIST with 'digitnet data download' or point --data at your copy"
    )


def open_idx(path: Path):
    """Open an IDX file for reading, decompressing it if it starts with gzip's magic bytes."""
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")


def read_idx(path: str | os.PathLike, kind: str, count: int | None = None) -> np.ndarray:
    """Read one IDX file of ``kind`` 'images' or 'labels', checking its magic number and sizes."""
    import idx2numpy  # imported here: only training and evaluation need it

    path = Path(path)
    try:
        with open_idx(path) as f:
            head = f.read(4)
            if len(head) < 4:
                raise DataError(f"{path}: too short to be an IDX file")
            (magic,) = struct.unpack(">I", head)
            if magic != MAGIC[kind]:
                raise DataError(
                    f"{path}: magic number {magic:#010x}, expected {MAGIC[kind]:#010x} "
                    f"for MNIST {kind}"
                )
            _check_declared_size(path, f, magic & 0xFF)
            f.seek(0)
            data = idx2numpy.convert_from_file(f)
    except DataError:
        raise
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path}: cannot read ({e})") from None
    except Exception as e:  # idx2numpy's FormatError and reshape errors on truncated files
        raise DataError(f"{path}: malformed IDX file ({e or type(e).__name__})") from None
    want = (SIDE, SIDE) if kind == "images" else ()
    if data.shape[1:] != want:
        raise DataError(f"{path}: items have shape {data.shape[1:]}, expected {want}")
    if count is not None and len(data) != count:
        raise DataError(f"{path}: holds {len(data)} {kind}, expected {count}")
    if kind == "labels" and len(data) and data.max() > 9:
        raise DataError(f"{path}: label {int(data.max())} is out of range 0-9")
    return data


def stored_size(path: Path) -> tuple[int, int]:
    """The bytes an IDX file holds once decompressed, and the modulus that figure is known
    to: a gzip file records its size modulo 2**32 in its last four bytes."""
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return os.fstat(f.fileno()).st_size, 0
        f.seek(-4, os.SEEK_END)
        return struct.unpack("<I", f.read(4))[0], 1 << 32


def _check_declared_size(path: Path, f, ndims: int) -> None:
    """Refuse a header whose shape does not match what the file holds, before reading it:
    a small gzip file declaring billions of items would otherwise be inflated whole."""
    head = f.read(4 * ndims)
    if len(head) < 4 * ndims:
        raise DataError(f"{path}: too short to be an IDX file")
    dims = struct.unpack(f">{ndims}I", head)
    declared = 4 + 4 * ndims + int(np.prod(dims, dtype=object))
    size, modulus = stored_size(path)
    if (declared % modulus if modulus else declared) != size:
        shape = " x ".join(f"{d:,}" for d in dims)
        holds = f"{size:,} bytes" + (" as its gzip trailer says (cut short?)" if modulus else "")
        raise DataError(
            f"{path}: malformed IDX file: its header declares {shape} items "
            f"({declared:,} bytes), but the file holds {holds}"
        )


def load(folder: str | os.PathLike, split: str, full: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Images (N x 28 x 28 uint8) and labels (N uint8) of a split, 'train' or 'test'.

    ``full`` insists on MNIST's own counts (60,000 and 10,000); tests pass False to use
    small files of the same format.
    """
    count = SPLITS[split][1] if full else None
    images = read_idx(find_file(folder, split, "images"), "images", count)
    labels = read_idx(find_file(folder, split, "labels"), "labels", count)
    if len(images) != len(labels):
        raise DataError(
            f"{folder}: {len(images)} {split} images but {len(labels)} labels; they must match"
        )
    return images, labels


def as_inputs(images: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """N x 28 x 28 bytes to the N x 784 input activations in [0, 1] the network reads."""
    return images.reshape(len(images), -1).astype(dtype) / dtype(255)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write uint8 images (N x 28 x 28) or labels (N) as IDX, gzipped if the name ends in .gz
    (idx2numpy writes the bytes; the gzip stream has no timestamp, so files are repeatable)."""
    import idx2numpy

    array = np.ascontiguousarray(array, dtype=np.uint8)
    if str(path).endswith(".gz"):
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            idx2numpy.convert_to_file(f, array)
    else:
        with open(path, "wb") as f:
            idx2numpy.convert_to_file(f, array)
