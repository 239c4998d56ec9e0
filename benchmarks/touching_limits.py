"""Where `digitnet read` loses touching numbers: the cuts it tries, or how it shares out ink.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/touching_limits.py [--count 200]
        [--model large]

On benchmarks/read.py's touching family (the same numbers), the numbers read exactly:

- read: `digitnet read` as it is;
- with the true partings as cuts: the columns where each pair of touching digits part (the
  middle of their ink boxes' overlap, known from how the number was drawn) added to the
  valleys' candidate cuts, read as usual;
- cut at the true partings: each mark cut there and nowhere else, its ink shared out near
  each cut as read does (ink_sharing.right_of);
- the best of the ways to share ink: cut at the true partings, the ink shared out in each
  of SHARINGS' ways (read's, and others), a mark counted right when any way reads it right;
- the way read's score picks: the same ways, each mark's chosen by read's score of its
  parts (network, judge, widths and helper: parts.Parts.score);
- true ownership: each ink pixel given to the digit whose own ink is strongest there;
- the ideal: every digit right as a plain 28x28 input.

The gap between the first two is what better candidate cuts could win; between the third
and true ownership, what a better sharing out of overlapping strokes could; between the
best of the ways and the one read's score picks, what a better score could win from them.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import digitnet.reading.cuts as cutting  # its lattice is swapped for the true partings
from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.nn.network import Network
from digitnet.reading import ink_sharing, reader, reading_networks, segment
from digitnet.reading.parts import Parts
from digitnet.saved import shipped
from digitnet.synth.numbers import Number, generate
from digitnet.synth.paper import ink
from digitnet.synth.partings import SHARINGS, partings, shared_out

OWN_INK = 0.05  # a digit's drawn ink counts as its own above this (of 0..1)


def _layers(number: Number, images: np.ndarray, shape) -> np.ndarray:
    """Each digit's own ink, where it was drawn in the picture."""
    out = np.zeros((len(number.digits), *shape), np.float32)
    for k, (i, (left, top, _, bottom)) in enumerate(zip(number.digits, number.boxes, strict=True)):
        a = ink(images[i], bottom - top)
        out[k, top : top + a.shape[0], left : left + a.shape[1]] = a
    return out


def _made(net: Network, found, mark, owns: list[np.ndarray | None], judge=None):
    """The parts of a mark that are ``owns`` (None: the whole mark), made, framed and read
    as read does (parts.Parts, with ``judge``, the shipped helper and part reader), and
    their numbers; None for numbers when a part has no ink."""
    parts = Parts(found, net, judge, reader.HELPER)
    ids = parts.add_all([(mark, own) for own in owns])
    if None in ids:
        return parts, None
    parts.judge_new()
    parts.read_cut(ids, reader.PART_READER)
    return parts, ids


def _text(parts, ids) -> str:
    return "" if ids is None else "".join(str(parts.digit(i).digit) for i in ids)


def _read_owned(net: Network, found, mark, owns: list[np.ndarray | None]) -> str:
    """The digits the parts of a mark that are ``owns`` read as."""
    return _text(*_made(net, found, mark, owns))


def _read_scored(net: Network, found, mark, owns, height: float, judge) -> tuple[str, float]:
    """The same, and how read scores those parts (parts.Parts.score, with ``judge``)."""
    parts, ids = _made(net, found, mark, owns, judge)
    score = -np.inf if ids is None else sum(parts.score(i, height) for i in ids)
    return _text(parts, ids), score


def _by_parts(net: Network, number: Number, found, layers) -> dict[str, str]:
    """The number read with each mark cut at the true partings (ink shared out as read
    does; the best of SHARINGS; the one read's score picks), and with each pixel given to its
    true digit."""
    got: dict[str, list[str]] = {k: [] for k in ("raced", "best", "scored", "owned")}
    judge = reading_networks.shipped_judge()
    s, (x0, y0) = found.scale, found.box[:2]
    for mark, height in reader.digit_marks(found):
        inside, cuts = partings(number, found, mark)
        mask = ink_sharing.mask_of(found, mark)
        if len(inside) < 2:
            whole = _read_owned(net, found, mark, [None])
            for reading in got.values():
                reading.append(whole)
            continue
        ways = [
            _read_scored(net, found, mark, shared_out(mask, cuts, height, r), height, judge)
            for r in SHARINGS
        ]
        truth = "".join(number.plain[i] for i in inside)
        got["raced"].append(ways[0][0])
        got["best"].append(truth if truth in [w for w, _ in ways] else ways[0][0])
        got["scored"].append(max(ways, key=lambda w: w[1])[0])
        t, b = y0 + mark.box[1] * s, x0 + mark.box[0] * s
        own = layers[inside][:, t : t + mask.shape[0] * s : s, b : b + mask.shape[1] * s : s]
        strongest = own.argmax(axis=0)
        owns = [mask & (strongest == k) & (own[k] > OWN_INK) for k in range(len(inside))]
        got["owned"].append(_read_owned(net, found, mark, owns))
    return {k: "".join(v) for k, v in got.items()}


def _with_true_cuts(net: Network, number: Number, pixels: np.ndarray, found) -> str:
    """The number read with the true partings added to every mark's candidate cuts
    (``found``: the picture's segments, for where its strength lies)."""
    boxes = np.array(number.boxes)
    parted = [
        ((a[2] + b[0]) / 2 - found.box[0]) / found.scale
        for a, b in zip(boxes, boxes[1:], strict=False)
    ]
    valleys, lattice = segment.cuts, cutting.lattice
    left = [0]  # the left edge of the mark being cut (its profile's first column)

    def cuts(profile, height, most=5):
        extra = [round(p) - left[0] for p in parted if 0 < p - left[0] < len(profile)]
        return valleys(profile, height, most) + extra

    def noted(mark, height, mask, settings):
        left[0] = mark.box[0]
        return lattice(mark, height, mask, settings)

    segment.cuts, cutting.lattice = cuts, noted
    try:
        return _read(pixels, net)
    finally:
        segment.cuts, cutting.lattice = valleys, lattice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--model", default="large")
    args = parser.parse_args()
    started = time.perf_counter()
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    net = shipped.load(args.model)
    right = dict.fromkeys(
        [
            "read",
            "with the true partings as cuts",
            "cut at the true partings",
            f"the best of {len(SHARINGS)} ways to share ink",
            "the way read's score picks",
            "true ownership",
        ],
        0,
    )
    ideal = 0
    for number in generate("touching", args.count, images, labels):
        pixels = preprocess.gray_pixels(number.data)
        found = segment.find(pixels)
        cut = _by_parts(net, number, found, _layers(number, images, pixels.shape))
        got = [
            _read(pixels, net),
            _with_true_cuts(net, number, pixels, found),
            *cut.values(),
        ]
        for name, text in zip(right, got, strict=True):
            right[name] += text == number.plain
        plain = net.forward(mnist.as_inputs(images[number.digits])).argmax(axis=1)
        ideal += bool((plain == labels[number.digits]).all())
    print(f"{args.count} touching numbers (benchmarks/read.py's), {args.model}: read exactly")
    for name, n in right.items():
        print(f"  {name:<32} {n:>4}  {n / max(ideal, 1):6.1%} of the ideal")
    print(f"  {'the ideal':<32} {ideal:>4}")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


def _read(pixels, net) -> str | None:
    """What read prints, or None when it refuses the picture (it reads nothing right)."""
    try:
        return reader.read_pixels(pixels, net).number()
    except ImageError:
        return None


if __name__ == "__main__":
    main()
