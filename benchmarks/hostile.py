"""Peak memory and time of the worst hostile inputs: thin pictures at and inside the limits,
a model file that declares gigabytes, standard input from /dev/zero, a 50-megapixel photo.

Targets (issue 26): a picture inside --max-pixels costs at most about 16 bytes a pixel plus
200 MB; a model file a few times its own size. Each case runs as a new process and its peak
RSS is the kernel's figure for that process (wait4).

    python benchmarks/hostile.py [--python PY]   # PY: a Python with another digitnet installed
"""

from __future__ import annotations

import argparse
import io
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitnet.limits import MAX_STREAM_BYTES

PIXEL_BYTES, BASE_MB = 16, 200  # the target for pictures: 16 bytes a pixel plus 200 MB
TIMEOUT = 300  # seconds a case may run before it is killed (exit -9)


def blank_png(width: int, height: int, path: Path) -> None:
    """A white gray PNG written a row at a time (a 50-megapixel one never whole in memory)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    packer = zlib.compressobj(1)
    row = b"\x00" + b"\xff" * width
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    path.write_bytes(
        signature + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def photo(path: Path, width: int = 8660, height: int = 5773) -> None:
    """A 50-megapixel JPEG of one dark stroke on noisy paper."""
    img = Image.new("RGB", (width, height), (235, 230, 220))
    ImageDraw.Draw(img).line(
        [(width // 2, height // 4), (width // 2, 3 * height // 4)], fill=(20, 20, 20), width=300
    )
    noise = np.random.default_rng(0).integers(-8, 8, (height, width, 1), dtype=np.int16)
    pixels = np.clip(np.asarray(img, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=90)


def model_bomb(path: Path) -> None:
    """A model file whose W1 declares (320000, 784) float64 and holds it: 2 GB of zeros,
    deflated to about 2 MB."""
    from digitnet.nn.network import Network
    from digitnet.saved import modelfile

    modelfile.save(Network.create([784, 16, 16, 10], rng=np.random.default_rng(0)), path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    head = io.BytesIO()
    shape = (320_000, 784)
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    zeros = bytes(16 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            if name != "W1.npy":
                z.writestr(name, data)
                continue
            with z.open(name, "w", force_zip64=True) as f:
                f.write(head.getvalue())
                full, rest = divmod(shape[0] * shape[1] * 8, len(zeros))
                for _ in range(full):
                    f.write(zeros)
                f.write(zeros[:rest])


THIN = [
    (300_000, 1, "thin 300,000 x 1 (refused)"),
    (1, 600_000, "thin 1 x 600,000 (refused)"),
    (50_000_000, 1, "thin 50,000,000 x 1, inside --max-pixels (refused)"),
    (70_700, 707, "70,700 x 707: 50 Mpx at the aspect limit"),
    (7_071, 7_071, "7,071 x 7,071: 50 Mpx square, blank"),
]


def make(folder: Path) -> None:
    """Every picture and file the cases read (run in a process of its own: a child forked
    from a process that made a 50-megapixel photo would count that memory as its own)."""
    for w, h, _ in THIN:
        blank_png(w, h, folder / f"{w}x{h}.png")
    photo(folder / "photo.jpg")
    model_bomb(folder / "bomb.npz")


def measure(cmd: list[str] | str, env: dict, cwd: Path) -> tuple[float, float, int, str]:
    """Peak RSS (MB) and seconds of one process, its exit status and last error line."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL, stderr=err, env=env,
            cwd=cwd,  # not this checkout: `python -m digitnet` would import it from there
        )  # fmt: skip
        timer = threading.Timer(TIMEOUT, proc.kill)  # an old version may run for minutes
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    seconds = time.monotonic() - started
    return usage.ru_maxrss / 1024, seconds, proc.returncode, (lines or [""])[-1][:90]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the Python to run digitnet with")
    parser.add_argument("--make", help=argparse.SUPPRESS)  # the files, in a child process
    args = parser.parse_args()
    if args.make:
        make(Path(args.make))
        return
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    digitnet = [args.python, "-m", "digitnet"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, __file__, "--make", str(folder)], check=True)
        cases = []
        for w, h, what in THIN:
            path = folder / f"{w}x{h}.png"
            cases.append((what, [*digitnet, "predict", str(path)], w * h))
        cases.append(("50 Mpx photo (JPEG)", [*digitnet, "predict", str(folder / "photo.jpg")],
                      8660 * 5773))  # fmt: skip
        cases.append(("50 Mpx photo, read", [*digitnet, "read", str(folder / "photo.jpg")],
                      8660 * 5773))  # fmt: skip
        size = (folder / "bomb.npz").stat().st_size
        cases.append((f"model bomb ({size / 1e6:.1f} MB file, inflates to 2 GB)",
                      [*digitnet, "predict", "--model", str(folder / "bomb.npz"),
                       str(folder / "7071x7071.png")], None))  # fmt: skip
        py = " ".join(digitnet)
        cases.append(("stdin: 1 GB from /dev/zero", f"head -c 1G /dev/zero | {py} predict -",
                      None))  # fmt: skip
        print(f"{'case':<55} {'peak MB':>8} {'target':>8} {'s':>6}  exit  message")
        for what, cmd, pixels in cases:
            mb, seconds, status, message = measure(cmd, env, folder)
            target = f"{PIXEL_BYTES * pixels / 1e6 + BASE_MB:.0f}" if pixels else "-"
            if "model" in what:
                target = f"{4 * size / 2**20 + 150:.0f}"  # a few times the file, plus Python
            if "stdin" in what:
                target = f"{MAX_STREAM_BYTES / 2**20 + BASE_MB:.0f}"  # the cap, plus Python
            print(f"{what:<55} {mb:8.0f} {target:>8} {seconds:6.2f}  {status:>4}  {message}")


if __name__ == "__main__":
    main()
