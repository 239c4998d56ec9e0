"""Hand-written code that a dependency also does, measured against the dependency.

    python benchmarks/handwritten.py [--repeat 40]

- modelfile._read_plain_npz against np.load (which imports zipfile): loading the default
  model, as a new process;
- png.quick_image against Pillow's PNG reader: reading one PNG digit as a new process, and
  2,000 in one process; preprocess._open against PIL.Image.open for the PNGs quick_image
  leaves to Pillow (a palette PNG), as a new process;
- preprocess._diagnose against Pillow's own message: what a user is told about an empty
  file, a cut-off PNG and a PNG with a damaged chunk;
- cli/progress.EpochBar against click.progressbar: the cost of one update (a training run
  makes one per batch), written to a pipe.

Each figure is a ratio measured in one run, the two taking turns.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from timing import alternate, median, run_command, summary

ROOT = Path(__file__).resolve().parents[1]
THREE = ROOT / "digitnet" / "samples" / "three.png"


def _python(code: str):
    return lambda: run_command([sys.executable, "-c", code])


def model_loading(repeat: int) -> None:
    load = "from digitnet.saved import modelfile, shipped; "
    jobs = {
        "_read_plain_npz": _python(load + "modelfile.load(shipped.resolve('default'))"),
        "zipfile": _python(
            load + "modelfile._read_plain_npz = lambda data, budget: None; "
            "modelfile.load(shipped.resolve('default'))"
        ),
    }
    _report("load the default model, new process", alternate(jobs, repeat))


def image_opening(repeat: int) -> None:
    import tempfile

    from PIL import Image

    pillows_path = (
        "from PIL import Image; from digitnet.predicting import one_digit; "
        "from digitnet.image import png, preprocess; "
        "png.quick_image = lambda data, limit: None; "
        "preprocess._open = lambda fp, is_png: Image.open(fp); "
    )
    read = f"from digitnet.predicting import one_digit; one_digit.inputs({str(THREE)!r})"
    jobs = {"png.quick_image": _python(read), "Pillow": _python(pillows_path + read)}
    _report("read three.png, new process", alternate(jobs, repeat))
    with tempfile.TemporaryDirectory() as tmp:  # a PNG png.quick_image leaves to Pillow
        palette = Path(tmp) / "three-palette.png"
        Image.open(THREE).convert("P").save(palette)
        read = f"from digitnet.predicting import one_digit; one_digit.inputs({str(palette)!r})"
        jobs = {
            "_open": _python(read),
            "Image.open": _python(pillows_path.replace("png.quick_image", "_") + read),
        }
        _report("read a palette PNG, new process", alternate(jobs, repeat))


def many_pngs(count: int = 2000) -> None:
    import numpy as np
    from PIL import Image

    from digitnet.image import png
    from digitnet.predicting import one_digit

    files = []  # each sample digit as digitnet frames it: a 28x28 MNIST-like PNG
    for path in sorted((ROOT / "digitnet" / "samples").glob("*.png")):
        pixels = (one_digit.inputs(path).reshape(28, 28) * 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, "PNG")
        files.append(buf.getvalue())
    data = [files[i % len(files)] for i in range(count)]

    def quick() -> float:
        start = time.perf_counter()
        for d in data:
            np.asarray(png.quick_image(d))
        return time.perf_counter() - start

    def pillow() -> float:
        start = time.perf_counter()
        for d in data:
            with Image.open(io.BytesIO(d)) as img:
                np.asarray(img)
        return time.perf_counter() - start

    times = alternate({"png.quick_image": quick, "Image.open": pillow}, 5)
    _report(f"decode {count} 28x28 PNG digits to arrays, in one process", times)
    for name, t in times.items():
        print(f"  {name:<20} {median(t) / count * 1e6:.0f} us a picture")


def diagnoses() -> None:
    from PIL import Image

    from digitnet.errors import ImageError
    from digitnet.predicting import one_digit

    good = THREE.read_bytes()
    bad_crc = bytearray(good)
    bad_crc[len(good) // 2] ^= 0xFF  # inside the image data: its checksum no longer matches
    cases = {
        "empty file": b"",
        "cut-off PNG": good[: len(good) // 2],
        "damaged chunk": bytes(bad_crc),
    }
    print("\nwhat a user is told (digitnet's _diagnose | Pillow's own words):")
    for name, data in cases.items():
        try:
            one_digit.inputs(data)
            ours = "read"
        except ImageError as e:
            ours = str(e)
        try:
            Image.open(io.BytesIO(data)).load()
            theirs = "read"
        except Exception as e:  # noqa: BLE001 - whatever Pillow raises is what it says
            theirs = f"{type(e).__name__}: {e}"
        print(f"  {name:<14} {ours}\n  {'':<14} | {theirs}")


def progress_updates(repeat: int) -> None:
    import click

    from digitnet.cli.progress import EpochBar

    n = 2000
    sink = io.StringIO()

    def ours() -> float:
        bar = EpochBar(True, epochs=1, batch_size=64)  # redrawn at most 10 times a second
        start = time.perf_counter()
        old, sys.stderr = sys.stderr, sink
        try:
            for b in range(n):
                bar(1, b + 1, n, 0.5, 0.9)
        finally:
            sys.stderr = old
        return time.perf_counter() - start

    def clicks() -> float:
        start = time.perf_counter()
        with click.progressbar(length=n, file=sink, label="epoch 1/1", show_eta=True) as bar:
            for _ in range(n):
                bar.update(1)
        return time.perf_counter() - start

    _report(f"{n} progress updates", alternate({"EpochBar": ours, "click.progressbar": clicks}, 5))


def _report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}:")
    for name, t in times.items():
        print(f"  {name:<20} {summary(t)}")
    (a, ta), (b, tb) = times.items()
    print(f"  {a} / {b}: {median(ta) / median(tb):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    model_loading(args.repeat)
    image_opening(args.repeat)
    many_pngs()
    diagnoses()
    progress_updates(args.repeat)


if __name__ == "__main__":
    main()
