"""Pictures people really make, from MNIST test digits: does predict read the digit?

For each family of digitnet/synth/digits.py, the same MNIST **test** digits are drawn as that
kind of picture and read through digitnet's preprocessing; the ideal is the same digits
given as plain 28x28 inputs. Printed per family: how many pictures were refused, the
accuracy of `default` and `large` (a refusal counts as wrong) and their ideal.
Last, pictures with no single digit (dots, specks, lines, words, blank photos, two digits):
how many got an answer (the target is at most 5%).

    python benchmarks/realworld.py [--count 200] [--family NAME ...] [--save DIR] [--thin-stroke W]

Targets: per family, `large` within 2 points of its ideal, `default` within 4, no refusal of
a real digit. MNIST comes from $DIGITNET_DATA (or 'digitnet data download').
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import framing
from digitnet.predicting import one_digit
from digitnet.saved import shipped
from digitnet.synth.digits import FAMILIES
from digitnet.synth.not_digits import NOT_DIGITS

MODELS = ("default", "large")


def read_all(pictures: list[bytes]) -> tuple[np.ndarray, list[str | None]]:
    """Every picture's 784 inputs (zeros where refused) and the refusal reason, or None."""
    inputs = np.zeros((len(pictures), 784), np.float32)
    reasons: list[str | None] = []
    for i, data in enumerate(pictures):
        try:
            inputs[i] = one_digit.inputs(data)
            reasons.append(None)
        except ImageError as e:
            reasons.append(str(e))
    return inputs, reasons


def _folder(name: str) -> str:
    """A family's folder name: 'desk edge (photo)' -> 'desk-edge-photo'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="pictures per family")
    parser.add_argument("--family", action="append", help="only these families (repeatable)")
    parser.add_argument(
        "--save",
        type=Path,
        help="write every picture to this folder, with labels.csv for 'digitnet evaluate --images'",
    )
    parser.add_argument(
        "--thin-stroke",
        type=float,
        default=framing.THIN_STROKE,
        help="grow strokes thinner than this (0 never; to measure what growing them gives)",
    )
    args = parser.parse_args()
    framing.THIN_STROKE = args.thin_stroke
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    nets = {name: shipped.load(name) for name in MODELS}
    names = args.family or list(FAMILIES)
    print(f"{args.count} pictures per family from MNIST test digits; accuracy / ideal (28x28)")
    print(
        f"{'family':<22} {'refused':>8} {'default':>8} {'ideal':>6} {'large':>8} {'ideal':>6}"
        "   most common refusal"
    )
    worst = {m: 0.0 for m in MODELS}
    started = time.perf_counter()
    saved: list[tuple[str, int]] = []  # labels.csv rows of the saved digits
    for name in names:
        rng = np.random.default_rng(1000 + list(FAMILIES).index(name))
        idx = rng.choice(len(images), args.count, replace=False)
        pictures = [FAMILIES[name](rng, images[i]) for i in idx]
        if args.save:
            saved += _save(args.save, _folder(name), pictures, labels[idx])
        inputs, reasons = read_all(pictures)
        refused = [r for r in reasons if r is not None]
        ok = np.array([r is None for r in reasons])
        row = f"{name:<22} {len(refused):>8}"
        for m, net in nets.items():
            got = net.forward(inputs).argmax(1)
            acc = float(((got == labels[idx]) & ok).mean())
            ideal = float(
                (net.forward(mnist.as_inputs(images[idx])).argmax(1) == labels[idx]).mean()
            )
            worst[m] = max(worst[m], ideal - acc)
            row += f" {acc:>8.1%} {ideal:>6.1%}"
        common = Counter(refused).most_common(1)
        print(row + (f"   {common[0][0][:60]} ({common[0][1]})" if common else ""), flush=True)
    for kind, make in NOT_DIGITS.items():
        rng = np.random.default_rng(5000 + list(NOT_DIGITS).index(kind))
        pictures = [make(rng, images) for _ in range(max(1, args.count // 5))]
        if args.save:
            _save(args.save, _folder(f"not {kind}"), pictures, None)
        _, reasons = read_all(pictures)
        answered = sum(r is None for r in reasons)
        print(
            f"not a digit: {kind:<12} answered {answered:>3} of {len(pictures)}"
            f"   e.g. {Counter(r for r in reasons if r).most_common(1)}"
        )
    if args.save:
        with open(args.save / "labels.csv", "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([("file", "label"), *saved])
    print(
        f"largest gap to the ideal: default {worst['default']:.1%} (target 4 points), "
        f"large {worst['large']:.1%} (target 2 points); {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def _save(top: Path, family: str, pictures: list[bytes], labels) -> list[tuple[str, int]]:
    """Write a family's pictures to top/family/; return their labels.csv rows."""
    (top / family).mkdir(parents=True, exist_ok=True)
    rows = []
    for i, data in enumerate(pictures):
        ext = "jpg" if data[:2] == b"\xff\xd8" else "png"
        label = "" if labels is None else f"-{labels[i]}"
        name = f"{family}/{i:03d}{label}.{ext}"
        (top / name).write_bytes(data)
        if labels is not None:
            rows.append((name, int(labels[i])))
    return rows


if __name__ == "__main__":
    main()
