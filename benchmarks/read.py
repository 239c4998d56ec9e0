"""How well `digitnet read` reads written numbers, family by family, and how fast.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/read.py [--count 200] [--family NAME]
        [--save DIR] [--speed-repeat 20]

For each family of digitnet/synth/numbers.py (numbers of 1 to 8 MNIST *test* digits)
and for the default and large models: the share of numbers read exactly (the digits, a line
per line, separators dropped), the share of digits read right (position by position, over
numbers read with the right count of digits) and the ideal: the share of numbers whose
every digit the model gets right as a plain 28x28 input (the product of the single-digit
accuracies). Then the separators family once more with --keep-separators, and the speed:
reading 6-digit numbers in 1000x400 pictures against predicting one digit in a picture of
the same size, 20 of each in turn, in one process (and the first of each as new processes,
when digitnet is on PATH); and 6-digit pictures four times as big, as a phone photo is.

Then pictures that hold no number (lines, dots, specks, scribbles, printed words, empty
frames, blank photos): the share refused by read and by predict.

Targets: separated and close, large >= 97% of the ideal; touching >= 85% of the ideal; no
family below 70% of its ideal for default; reading at most 1.5x predict's time; pictures
with no number refused: 95% by read, 97% by predict.
"""

from __future__ import annotations

import argparse
import io
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from timing import alternate, median, run_command, summary

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.predicting import one_digit
from digitnet.reading.reader import read_pixels
from digitnet.saved import shipped
from digitnet.synth.not_numbers import NOT_NUMBERS
from digitnet.synth.numbers import FAMILIES, generate
from digitnet.synth.paper import encode, gray_image, ink, on_paper

MODELS = ("default", "large")


def _read(data: bytes, net, digits_only: bool = True) -> str | None:
    try:
        return read_pixels(preprocess.gray_pixels(data), net).number(digits_only)
    except ImageError:
        return None


def _read_both(data: bytes, net) -> tuple[str | None, str | None]:
    """The number's digits alone and as written, or (None, None) when refused."""
    try:
        reading = read_pixels(preprocess.gray_pixels(data), net)
    except ImageError:
        return None, None
    return reading.number(digits_only=True), reading.number()


WRITTEN = ("separators", "signed", "dates")  # families whose signs and separators count


def accuracy_table(count: int, names: list[str], save: Path | None) -> None:
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    nets = {m: shipped.load(m) for m in MODELS}
    print(f"{count} numbers a family, from MNIST test digits: numbers read exactly / ideal")
    header = f"{'family':<12}"
    for m in MODELS:
        header += f" | {m + ': number':>15} {'ideal':>6} {'share':>6} {'digits':>7}"
    print(header)
    written = {}  # (family, model): numbers read exactly as written, and the ideal
    for name in names:
        numbers = generate(name, count, images, labels)
        if save:
            _save(save, name, numbers)
        row = f"{name:<12}"
        for m, net in nets.items():
            exact = digits_right = digits_seen = ideal = as_written = 0
            for n in numbers:
                got, text = _read_both(n.data, net)
                exact += got == n.plain
                as_written += text == n.text
                want = n.plain.replace("\n", "")
                said = (got or "").replace("\n", "")
                if len(said) == len(want):
                    digits_right += sum(a == b for a, b in zip(said, want, strict=True))
                digits_seen += len(want)
                plain = net.forward(mnist.as_inputs(images[n.digits])).argmax(axis=1)
                ideal += bool((plain == labels[n.digits]).all())
            share = exact / max(ideal, 1)
            written[name, m] = as_written, ideal
            row += (
                f" | {exact / count:>15.1%} {ideal / count:>6.1%} {share:>6.1%}"
                f" {digits_right / digits_seen:>7.1%}"
            )
        print(row, flush=True)
    families = [name for name in WRITTEN if name in names]
    if families:
        print("read as written (signs, points, slashes, dashes and colons exact) / ideal")
        for name in families:
            row = f"{name:<12}"
            for m in MODELS:
                exact, ideal = written[name, m]
                row += f" | {m + ':':>8} {exact / count:>6.1%} {exact / max(ideal, 1):>6.1%}"
            print(row)


def refusals(count: int) -> None:
    """How many pictures with no number in them read and predict refuse, kind by kind."""
    from digitnet.predicting.classify import decode

    net = shipped.load("default")
    print(f"{count} pictures of each kind that hold no number: refused by read / by predict")
    totals = [0, 0]
    for i, (name, make) in enumerate(NOT_NUMBERS.items()):
        rng = np.random.default_rng(9000 + i)
        pictures = [make(rng, None) for _ in range(count)]
        by_read = sum(_read(data, net) is None for data in pictures)
        by_predict = 0
        for data in pictures:
            try:
                decode(data, preprocess.MAX_PIXELS)
            except ImageError:
                by_predict += 1
        totals[0] += by_read
        totals[1] += by_predict
        print(f"{name:<12} {by_read / count:>7.1%} {by_predict / count:>7.1%}", flush=True)
    n = count * len(NOT_NUMBERS)
    print(f"{'all':<12} {totals[0] / n:>7.1%} {totals[1] / n:>7.1%}   target: 95% / 97%")


def _save(top: Path, name: str, numbers) -> None:
    folder = top / name.replace(" ", "_")
    folder.mkdir(parents=True, exist_ok=True)
    for i, n in enumerate(numbers):
        ext = "jpg" if n.data[:2] == b"\xff\xd8" else "png"
        (folder / f"{i:03d}-{n.plain.replace(chr(10), '_')}.{ext}").write_bytes(n.data)


SPEED_PICTURES = 20  # numbers (and single digits) timed in turn: one number's time is no rule


def _pictures(count: int) -> list[tuple[bytes, bytes]]:
    """``count`` pairs: a 6-digit number and one digit, each on a 1000x400 page, digits 150
    pixels tall, drawn from MNIST test digits."""
    images, _ = mnist.load(mnist.default_data_dir(), "test")
    rng = np.random.default_rng(3)
    h, w = 400, 1000
    paper = np.full((h, w), 0.95, np.float32)
    pairs = []
    for _ in range(count):
        digits = [ink(images[i], 150) for i in rng.choice(len(images), 6, replace=False)]
        gap = (w - 100 - sum(a.shape[1] for a in digits)) // 5  # the number spans the page
        six = np.zeros((h, w), np.float32)
        x = 50
        for a in digits:
            six[125 : 125 + a.shape[0], x : x + a.shape[1]] = a
            x += a.shape[1] + gap
        one = np.zeros((h, w), np.float32)
        a = ink(images[int(rng.integers(len(images)))], 150)
        one[125 : 125 + a.shape[0], 450 : 450 + a.shape[1]] = a
        pairs.append(
            (
                encode(gray_image(on_paper(paper, np.clip(six, 0, 1)))),
                encode(gray_image(on_paper(paper, one))),
            )
        )
    return pairs


def speed(repeat: int) -> None:
    pairs = _pictures(SPEED_PICTURES)
    net = shipped.load("default")
    sixes = itertools.cycle([six for six, _ in pairs])
    ones = itertools.cycle([one for _, one in pairs])
    bigs = []
    for six, _ in pairs[:3]:
        pixels = preprocess.gray_pixels(io.BytesIO(six))
        h, w = pixels.shape
        size = (4 * w, 4 * h)
        bigs.append(np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BICUBIC)))
    bigs = itertools.cycle(bigs)

    def predict_one() -> float:
        data = next(ones)
        start = time.perf_counter()
        x = one_digit.inputs(io.BytesIO(data))
        net.forward(x[None].astype(np.float64))
        return time.perf_counter() - start

    def read_six() -> float:
        data = next(sixes)
        start = time.perf_counter()
        read_pixels(preprocess.gray_pixels(io.BytesIO(data)), net)
        return time.perf_counter() - start

    def read_big() -> float:  # decoded already: the time is the reading's alone
        pixels = next(bigs)
        start = time.perf_counter()
        read_pixels(pixels, net)
        return time.perf_counter() - start

    predict_one(), read_six(), read_big()  # warm up: imports, caches
    times = alternate(
        {
            "predict one digit": predict_one,
            "read six digits": read_six,
            f"read six, {size[0]}x{size[1]} pixels": read_big,
        },
        max(repeat, SPEED_PICTURES),
    )
    print(f"\nspeed, 1000x400 pictures ({SPEED_PICTURES} of each, in turn), in one process:")
    for name, t in times.items():
        print(f"  {name:<28} {summary(t)}")
    ratio = median(times["read six digits"]) / median(times["predict one digit"])
    print(f"  ratio (median): {ratio:.2f}x   target: at most 1.5x")
    digitnet = shutil.which("digitnet")
    if digitnet is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "six.png").write_bytes(pairs[0][0])
        (Path(tmp) / "one.png").write_bytes(pairs[0][1])
        jobs = {
            "digitnet predict one.png": lambda: run_command(
                [digitnet, "predict", f"{tmp}/one.png"]
            ),
            "digitnet read six.png": lambda: run_command([digitnet, "read", f"{tmp}/six.png"]),
        }
        times = alternate(jobs, max(5, repeat // 2))
    print("as new processes:")
    for name, t in times.items():
        print(f"  {name:<28} {summary(t)}")
    base, ours = (median(t) for t in times.values())
    print(f"  ratio (median): {ours / base:.2f}x")


def lines_refused(count: int) -> None:
    """How many numbers in lines one above another predict refuses (it reads one digit)."""
    from digitnet.predicting.classify import decode

    images, labels = mnist.load(mnist.default_data_dir(), "test")
    print(f"{count} numbers in two lines given to predict: refused as digits in lines")
    for family in ("stacked", "two lines"):
        said = []
        for number in generate(family, count, images, labels):
            try:
                decode(number.data, preprocess.MAX_PIXELS)
                said.append("answered")
            except ImageError as e:
                said.append("lines" if " lines: " in str(e) else "other")
        print(
            f"{family:<12} {said.count('lines') / count:>7.1%} in lines, "
            f"{said.count('other') / count:.1%} otherwise, {said.count('answered')} answered"
            "   target: 97% refused"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="numbers per family (0: none)")
    parser.add_argument("--family", action="append", choices=list(FAMILIES))
    parser.add_argument("--save", type=Path, help="write every picture to this folder")
    parser.add_argument("--speed-repeat", type=int, default=20, help="0: no speed figures")
    parser.add_argument(
        "--refusals", type=int, default=40, help="pictures of each kind with no number (0: none)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if args.count:
        accuracy_table(args.count, args.family or list(FAMILIES), args.save)
    if args.refusals:
        refusals(args.refusals)
        lines_refused(args.count or args.refusals)
    if args.speed_repeat:
        speed(args.speed_repeat)
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
