"""Fetching MNIST from public mirrors, checked by the MD5 of each file's *content*.

Mirrors serve the files gzipped, and a copy may have been re-compressed since, so the check
is made on the decompressed bytes: any faithful copy passes, whatever its compression.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from digitnet.atomic import atomic_path
from digitnet.data.mnist import open_idx
from digitnet.errors import DataError

MIRROR_SCHEMES = ("https", "http", "file")  # what urllib.request.urlopen fetches

# MD5 of the decompressed content of each file: the official MNIST checksums.
FILES = {
    "train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte.gz": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte.gz": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637",
}
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
# Each file's decompressed size and its size gzipped as the original distribution has it.
SIZES = {
    "train-images-idx3-ubyte.gz": (47_040_016, 9_912_422),
    "train-labels-idx1-ubyte.gz": (60_008, 28_881),
    "t10k-images-idx3-ubyte.gz": (7_840_016, 1_648_877),
    "t10k-labels-idx1-ubyte.gz": (10_008, 4_542),
}
MIRRORS_ENV = "DIGITNET_MNIST_MIRRORS"
CHUNK = 1 << 16
# A mirror may have re-compressed a file: it may send up to this many times the original's
# gzipped size (plus PACKED_SLACK) before it is cut off, whatever its Content-Length says
# (docs/decisions.md, "Downloads").
PACKED_FACTOR = 2
PACKED_SLACK = 1 << 20
UNKNOWN_SIZE = 64 << 20  # the cap for a file whose size digitnet does not know
# A file must arrive within DEADLINE_BASE seconds plus one for every MIN_RATE bytes it may
# have: a server that trickles a byte every few seconds is given up on.
DEADLINE_BASE = 30.0
MIN_RATE = 50_000

Progress = Callable[[str, int, int | None], None]  # file name, bytes so far, total if known


def mirrors_from_env() -> list[str] | None:
    """$DIGITNET_MNIST_MIRRORS: mirror URLs separated by spaces or commas."""
    value = os.environ.get(MIRRORS_ENV, "")
    urls = [u for u in value.replace(",", " ").split() if u]
    return urls or None


def content_md5(path: str | os.PathLike, most: int | None = None) -> str:
    """MD5 of a file's content, decompressed first if it is gzipped; ValueError once it
    holds more than ``most`` bytes (a gzip bomb is not inflated to the end)."""
    h = hashlib.md5(usedforsecurity=False)
    seen = 0
    with open_idx(path) as f:
        while chunk := f.read(CHUNK):
            seen += len(chunk)
            if most is not None and seen > most:
                raise ValueError(f"decompresses to over {most:,} bytes")
            h.update(chunk)
    return h.hexdigest()


def check(path: str | os.PathLike, md5: str, size: int | None = None) -> str | None:
    """None when the file's content has the right checksum (and ``size``, if known), else
    what is wrong with it."""
    try:
        got = content_md5(path, size)
    except ValueError as e:
        return str(e)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        return f"corrupt or truncated ({e})"
    return None if got == md5 else f"checksum mismatch (content MD5 {got}, expected {md5})"


def _caps(name: str) -> tuple[int | None, int, float]:
    """A file's content size (None: unknown), the most bytes a mirror may send for it, and
    the seconds it may take."""
    size, packed = SIZES.get(name, (None, None))
    most = PACKED_FACTOR * packed + PACKED_SLACK if packed else UNKNOWN_SIZE
    return size, most, DEADLINE_BASE + most / MIN_RATE


def remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files of an earlier download that was killed (a kill runs no cleanup)."""
    for stale in folder.glob(f".{name}.*.part"):
        stale.unlink(missing_ok=True)


def fetch(
    name: str,
    folder: Path,
    md5: str,
    mirrors: list[str],
    progress: Progress | None = None,
    timeout: float = 30,
) -> None:
    """Download ``name`` into ``folder`` from the first mirror that gives a valid copy.

    Each attempt goes to a temporary file beside the target, renamed into place only once
    its checksum is right; a failed attempt leaves nothing behind.
    """
    problems = []
    size, most, seconds = _caps(name)
    remove_leftovers(folder, name)
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        try:
            with atomic_path(folder / name, suffix=".part") as tmp:
                with open(tmp, "wb") as out:
                    _copy(url, out, name, progress, min(timeout, seconds), most, seconds)
                if problem := check(tmp, md5, size):
                    raise _Rejected(problem)
            return
        except _Rejected as e:
            problems.append(f"{url}: {e}")
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            problems.append(f"{url}: {_describe(e, reason)}")
    raise DataError(f"{name}: no mirror gave a valid copy: " + "; ".join(problems))


class _Rejected(Exception):
    """A download that arrived but is not a faithful copy."""


def _describe(e: Exception, reason) -> str:
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code} {e.reason}"
    return str(reason)


def _copy(
    url: str,
    out,
    name: str,
    progress: Progress | None,
    timeout: float,
    most: int = UNKNOWN_SIZE,
    seconds: float = DEADLINE_BASE + UNKNOWN_SIZE / MIN_RATE,
) -> None:
    """Copy ``url`` to ``out``: ValueError past ``most`` bytes (or a Content-Length over
    it, before anything is written) or after ``seconds``."""
    import time

    deadline = time.monotonic() + seconds
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None
        if total is not None and total > most:
            raise ValueError(f"the server offers {total:,} bytes, over the {most:,} expected")
        read = getattr(response, "read1", response.read)  # what has arrived, not a full chunk
        done = 0
        while chunk := read(CHUNK):
            done += len(chunk)
            if done > most:
                raise ValueError(f"sent over {most:,} bytes, more than the file can be")
            if time.monotonic() > deadline:
                raise ValueError(f"too slow: {done:,} bytes in {seconds:.0f} s")
            out.write(chunk)
            if progress is not None:
                progress(name, done, total)
        if total is not None and done < total:
            raise ValueError(f"connection closed after {done:,} of {total:,} bytes")


def download(
    folder: str | os.PathLike,
    mirrors: list[str] | None = None,
    files: dict[str, str] | None = None,
    progress: Progress | None = None,
    report: Callable[[str, str], None] | None = None,
) -> list[str]:
    """Make ``folder`` hold every MNIST file, valid; returns the names it had to download.

    Files already present and valid are kept. ``report(name, status)`` hears of each file
    ('present', 'downloaded' or 'failed: why'). Raises DataError naming every failure.
    """
    folder = Path(folder)
    made = [p for p in (folder, *folder.parents) if not p.exists()]  # to remove on failure
    folder.mkdir(parents=True, exist_ok=True)
    mirrors = mirrors or mirrors_from_env() or MIRRORS
    fetched, failures = [], []
    try:
        for name, md5 in (files or FILES).items():
            if (folder / name).is_file() and check(folder / name, md5, _caps(name)[0]) is None:
                status = "present"
            else:
                try:
                    fetch(name, folder, md5, mirrors, progress)
                    fetched.append(name)
                    status = "downloaded"
                except DataError as e:
                    failures.append(str(e))
                    status = "failed"
            if report is not None:
                report(name, status)
    finally:  # failed or interrupted: the folders this call made, deepest first, if empty
        for made_folder in made:
            if made_folder.is_dir() and not any(made_folder.iterdir()):
                made_folder.rmdir()
    if failures:
        raise DataError("\n".join(failures))
    return fetched
