"""What each of `digitnet read`'s mechanisms is worth: numbers read with it and without it.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/ablation.py [--count 200]
        [--family touching] [--model default] [--jobs 2]

On read.py's numbers (MNIST test digits), each mechanism is switched off alone and the
numbers read exactly are counted beside `read` as it is: how many it reads right only with
the mechanism (won), only without it (lost). A mechanism earns its place by winning more
than it loses (tests/test_read_mechanisms.py holds the same on the sample digits).
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.reading import reader
from digitnet.reading.read_settings import DEFAULT
from digitnet.reading.reading_networks import shipped_network
from digitnet.synth.numbers import FAMILIES, generate

# Each mechanism, and the read_pixels arguments that switch it off.
SWITCHED_OFF = {
    "cuts moved (refine)": {"settings": replace(DEFAULT, refine=())},
    "a second round of moved cuts": {"settings": replace(DEFAULT, rounds=1)},
    "cuts every lattice step": {"settings": replace(DEFAULT, dense_from=math.inf)},
    "a new count must win by recount": {"settings": replace(DEFAULT, recount=0.0)},
    "clear marks left uncut": {"settings": replace(DEFAULT, clearly_one=(2.0, 2.0))},
    "the judge": {"judge": None},
    "the helper's say": {"helper": None},
    "the part reader": {"part_reader": None},
    "the text network (words left out)": {"text": None},
}


def _read(job) -> str | None:
    data, model, off = job
    try:
        return reader.read_pixels(
            preprocess.gray_pixels(data), shipped_network(model), **off
        ).number()
    except ImageError:
        return None


def readings(numbers, model: str, off: dict, jobs: int) -> list[str | None]:
    """Each number as read with the mechanisms in ``off`` switched off."""
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_read, [(n.data, model, off) for n in numbers], chunksize=10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="numbers")
    parser.add_argument("--family", default="touching", choices=list(FAMILIES))
    parser.add_argument("--model", default="default", help="the network that reads")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    numbers = generate(args.family, args.count, images, labels)
    start = time.perf_counter()
    base = readings(numbers, args.model, {}, args.jobs)
    right = np.array([got == n.plain for got, n in zip(base, numbers, strict=True)])
    print(f"{args.count} {args.family} numbers, {args.model}: read exactly {right.sum()}")
    print(f"{'switched off':34} {'read':>5} {'won':>5} {'lost':>5}  (won, lost: by the mechanism)")
    for name, off in SWITCHED_OFF.items():
        got = readings(numbers, args.model, off, args.jobs)
        without = np.array([g == n.plain for g, n in zip(got, numbers, strict=True)])
        won, lost = int((right & ~without).sum()), int((without & ~right).sum())
        print(f"{name:34} {without.sum():5} {won:5} {lost:5}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
