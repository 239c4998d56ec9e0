"""Many images in one call: digitnet predict vs a bare loop that only decodes them.

The bare loop opens each file with Pillow and turns it into a NumPy array, nothing more.
Both run as new processes over the same list of files, taking turns.

    python benchmarks/predict_throughput.py mnist   [--count 10000] [--repeat 3]
    python benchmarks/predict_throughput.py photos  [--count 200]   [--repeat 3]

Targets:
  mnist (28x28 PNGs):   at least 70% of the bare loop's images per second with --jobs 1;
                        with --jobs 2, at least 160% (issue 11).
  photos (1000x1000 and larger): at most 2x the bare loop's time per image.

MNIST comes from $DIGITNET_DATA (or 'digitnet data download'); the images are written to a
temporary folder and removed afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image
from timing import alternate, median, run_command, summary

from digitnet.data import mnist

BARE_LOOP = """
import sys
import numpy as np
from PIL import Image
for line in open(sys.argv[1]):
    with Image.open(line.rstrip("\\n")) as img:
        np.asarray(img)
"""


def write_mnist_pngs(folder: Path, count: int) -> list[Path]:
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    paths = []
    for i in range(count):
        path = folder / f"{i:05d}-{labels[i % len(labels)]}.png"
        Image.fromarray(images[i % len(images)]).save(path)
        paths.append(path)
    return paths


def write_photos(folder: Path, count: int) -> list[Path]:
    """Photo-like pictures of MNIST digits: dark ink on uneven, tinted, noisy paper."""
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        w, h = int(rng.integers(1000, 1601)), int(rng.integers(1000, 1601))
        side = int(min(w, h) * rng.uniform(0.4, 0.8))
        digit = Image.fromarray(images[i]).resize((side, side), Image.Resampling.BICUBIC)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        paper = 0.85 - 0.2 * xs / w + 0.1 * ys / h + rng.normal(0, 0.02, (h, w))
        top, left = int(rng.integers(0, h - side)), int(rng.integers(0, w - side))
        paper[top : top + side, left : left + side] -= 0.6 * np.asarray(digit) / 255
        rgb = np.clip(np.stack([paper, paper * 0.97, paper * 0.9], -1), 0, 1)
        path = folder / f"photo{i:03d}-{labels[i]}.png"
        Image.fromarray((rgb * 255).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


def accuracy(digitnet: str, listing: Path) -> float:
    import subprocess

    out = subprocess.run(
        [digitnet, "predict", "-T", str(listing)], capture_output=True, text=True
    ).stdout.splitlines()
    right = sum(line.split("\t")[1] == Path(line.split("\t")[0]).stem[-1] for line in out)
    return right / max(len(out), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=["mnist", "photos"])
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    digitnet = shutil.which("digitnet") or sys.exit("digitnet is not installed on PATH")
    count = args.count or (10_000 if args.set == "mnist" else 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"writing {count} {args.set} images ...", file=sys.stderr)
        make = write_mnist_pngs if args.set == "mnist" else write_photos
        paths = make(folder, count)
        listing = folder / "list.txt"
        listing.write_text("".join(f"{p}\n" for p in paths))
        jobs = {
            "bare loop (open + np.asarray)": lambda: run_command(
                [sys.executable, "-c", BARE_LOOP, str(listing)]
            ),
            "digitnet predict -T list --jobs 1": lambda: run_command(
                [digitnet, "predict", "-T", str(listing), "--jobs", "1"]
            ),
        }
        if args.set == "mnist":
            jobs["digitnet predict -T list --jobs 2"] = lambda: run_command(
                [digitnet, "predict", "-T", str(listing), "--jobs", "2"]
            )
        run_command([sys.executable, "-c", BARE_LOOP, str(listing)])  # warm the file cache
        times = alternate(jobs, args.repeat)
        base = median(times["bare loop (open + np.asarray)"])
        print(f"{count} {args.set} images, {args.repeat} runs each (whole process, median):")
        for name, t in times.items():
            rate = count / median(t)
            print(f"  {name:<36} {summary(t)}   {rate:8.0f} images/s   {median(t) / base:5.2f}x")
        ours = median(times["digitnet predict -T list --jobs 1"])
        if args.set == "mnist":
            par = median(times["digitnet predict -T list --jobs 2"])
            print(f"digitnet / bare loop, images per second: {base / ours:.0%} (target >= 70%)")
            print(f"with --jobs 2: {base / par:.0%} (target >= 160%)")
        else:
            print(f"time per image, digitnet / bare loop: {ours / base:.2f}x (target <= 2x)")
        print(f"accuracy on these images: {accuracy(digitnet, listing):.2%}")


if __name__ == "__main__":
    main()
