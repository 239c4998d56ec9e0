"""Styles people write that MNIST lacks, at several stroke widths: does each model read them?

    DIGITNET_DATA=../shared/data/mnist python benchmarks/styles.py [--count 200]
        [--model default --model lesson --model large]

Each style (digitnet/training/styles.py) is drawn onto ``--count`` MNIST **test** digits of
its class, then written with a 1 px pen, MNIST's pen and a paint brush a fifth of the
digit's height across. Each picture is given to the model as a user gives a picture (4x
bigger, dark ink on white, through predict's preprocessing). "plain" rows are the same
digits unstyled: the ideal to compare with. "closed 4, bar through" is measured only
(styles.MEASURED_ONLY): training draws the closed 4 without it, a 9's shape to a person
when the crossbar stops at the stem. Then digits in the machine's oblique and
italic fonts (it has none with a handwritten look), ten digits in each of a few sizes and
slants per font.
"""

from __future__ import annotations

import argparse
import glob
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.predicting import one_digit
from digitnet.saved import shipped
from digitnet.training.styles import MEASURED_ONLY, STYLES, WIDTHS

PICTURE = 4  # a 28x28 digit is given as a picture this many times bigger
FONTS = "/usr/share/fonts/truetype/*/*[Oo]blique*.ttf /usr/share/fonts/truetype/*/*[Ii]talic*.ttf"


def picture_inputs(digit: np.ndarray) -> np.ndarray:
    """The network's 784 inputs for a 28x28 digit given as a picture (zeros if refused)."""
    big = Image.fromarray(255 - digit).resize((28 * PICTURE, 28 * PICTURE), Image.BILINEAR)
    try:
        return one_digit.inputs_of_pixels(np.asarray(big))
    except ImageError:
        return np.zeros(784, np.float32)


def font_digits(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Digits 0-9 in a font at three sizes and three slants, as 28x28 light-on-black."""
    tiles, labels = [], []
    for size in (40, 56, 72):
        font = ImageFont.truetype(path, size)
        for angle in (-8, 0, 8):
            for d in range(10):
                img = Image.new("L", (2 * size, 2 * size), 0)
                ImageDraw.Draw(img).text((size // 2, size // 4), str(d), fill=255, font=font)
                img = img.rotate(angle, resample=Image.BILINEAR)
                tiles.append(np.asarray(img.resize((28, 28), Image.Resampling.BOX)))
                labels.append(d)
    return np.stack(tiles), np.array(labels)


def accuracy(nets: dict, digits: np.ndarray, label) -> list[float]:
    """Each network's share of ``digits`` read as ``label`` (an int, or one per digit)."""
    x = np.stack([picture_inputs(d) for d in digits])
    refused = ~x.any(axis=1)
    return [
        float(((net.forward(x).argmax(axis=1) == label) & ~refused).mean()) for net in nets.values()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="digits per style")
    parser.add_argument("--model", action="append", help="models (default: all three)")
    args = parser.parse_args()
    names = args.model or ["default", "lesson", "large"]
    nets = {name: shipped.load(name) for name in names}
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    start = time.perf_counter()
    print(f"{args.count} MNIST test digits per style; share read right, by stroke width")
    head = " ".join(f"{w[:17]:>17}" for w in WIDTHS)
    print(f"{'style':22} {'model':8} {head}")
    plain_shown = set()
    digits = list(dict.fromkeys(d for d, _ in STYLES.values()))  # each digit's styles together
    every = sorted({**STYLES, **MEASURED_ONLY}.items(), key=lambda item: digits.index(item[1][0]))
    for style_name, (digit, style) in every:
        chosen = images[np.flatnonzero(labels == digit)[: args.count]]
        rows = [(style_name, style)]
        if digit not in plain_shown:  # the digits unstyled first, once for each digit
            plain_shown.add(digit)
            rows.insert(0, (f"plain {digit} (the ideal)", WIDTHS["MNIST's pen"]))
        for row_name, draw in rows:
            styled = [draw(d) for d in chosen]
            cells = [
                accuracy(nets, np.stack([w(s) for s in styled]), digit) for w in WIDTHS.values()
            ]
            for k, name in enumerate(names):
                shares = " ".join(f"{c[k]:17.1%}" for c in cells)
                print(f"{row_name if k == 0 else '':22} {name:8} {shares}")
    found = {f for pattern in FONTS.split() for f in glob.glob(pattern)}
    fonts = sorted(f for f in found if "Bold" not in f and "Condensed" not in f)
    if fonts:
        print("\nfonts (digits 0-9, 3 sizes x 3 slants each): share read right")
    for path in fonts:
        digits, truth = font_digits(path)
        shares = accuracy(nets, digits, truth)
        cells = "  ".join(f"{n} {s:.1%}" for n, s in zip(names, shares, strict=True))
        print(f"  {path.rsplit('/', 1)[1]:38} {cells}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
