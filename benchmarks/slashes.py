"""A slash or a 1: how far and how straight each leans, as `digitnet read` measures its marks.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/slashes.py [--count 1000]

For two shapes of number, ``count`` each written with a 1 (MNIST test digits; the other
digits 1 to 9) and ``count`` with a slash in its place (digitnet.synth's slash, 15 to 40
degrees, MNIST's pen): the share of the 1s and of the slashes, among marks `read` reads
as a whole 1, that lean at least so far (degrees) and are at least so straight (the long
axis over the short one; digitnet.reading.slashes.stroke). A slash rule's cost is its
share of 1s, its gain its share of slashes; the place (the line must read as a date) is
left out here. digitnet/reading/slashes.py's thresholds were chosen from this table.
"""

from __future__ import annotations

import argparse
from unittest import mock

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.reading import reader, slashes
from digitnet.saved import shipped
from digitnet.synth.written import written

SHAPES = {"3 digits (4/9)": "{0}/{1}", "4 digits (25/9)": "{0}{1}/{2}"}
SLANTS = (16.0, 17.0, 18.0, 20.0, 28.0, 30.0)
STRAIGHTS = (5.0, 5.8, 7.0)


def strokes_of_ones(data: bytes, net) -> list[slashes.Stroke] | None:
    """The strokes of the marks read as whole 1s in a picture (None when it is refused)."""
    seen: list[slashes.Stroke] = []
    real = slashes.with_slashes

    def spy(line, strokes):
        seen.extend(s for s in strokes if s != slashes.NO_STROKE)
        return real(line, strokes)

    try:
        with mock.patch.object(slashes, "with_slashes", spy):
            reader.read_pixels(preprocess.gray_pixels(data), net)
    except ImageError:
        return None
    return seen


def measured(pattern: str, count: int, net, images, labels, rng) -> dict[str, np.ndarray]:
    """(slant, straightness) of the one 1 or slash in each number of ``pattern`` read with
    exactly one mark read as a whole 1 (numbers whose other digits include a 1 left out)."""
    out = {}
    for kind, char in (("1s", "1"), ("slashes", "/")):
        found = []
        while len(found) < count:
            text = pattern.format(*rng.integers(2, 10, 3)).replace("/", char)
            seen = strokes_of_ones(written(rng, images, labels, text).data, net)
            if seen is not None and len(seen) == 1:
                found.append(seen[0])
        out[kind] = np.array(found)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="numbers of each kind")
    parser.add_argument("--model", default="large")
    args = parser.parse_args()
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    net = shipped.load(args.model)
    rng = np.random.default_rng(5)
    print(f"{args.count} numbers a kind, {args.model}: marks read as a whole 1 that lean and")
    print("are straight at least so far (share of the 1s / of the slashes)")
    tables = {name: measured(p, args.count, net, images, labels, rng) for name, p in SHAPES.items()}
    print(f"{'slant':>6} {'straight':>8}" + "".join(f" | {name:>18}" for name in tables))
    for slant in SLANTS:
        for straight in STRAIGHTS:
            row = f"{slant:>6.0f} {straight:>8.1f}"
            for found in tables.values():
                shares = [
                    ((a[:, 0] >= slant) & (a[:, 1] >= straight)).mean() for a in found.values()
                ]
                row += f" | {shares[0]:>8.1%} {shares[1]:>8.1%}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
