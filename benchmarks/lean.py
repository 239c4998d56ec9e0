"""How far MNIST's digits lean, by how straight they are: where one straight stroke stops
being a 1 and becomes a pen line (digitnet.image.strokes.LINE_SLANT).

    DIGITNET_DATA=../shared/data/mnist python benchmarks/lean.py

All 70,000 MNIST digits (training and test), their ink (pixels over 128) measured as
`digitnet` measures a shape (strokes.axis: degrees from upright either way, the long
axis over the short one). Prints, for each straightness, how many digits lean at least so
far, and the furthest; a rule that refuses one straight stroke leaning past LINE_SLANT
costs the digits in its cell.
"""

from __future__ import annotations

import numpy as np

from digitnet.data import mnist
from digitnet.image import strokes

SLANTS = (40.0, 45.0, 50.0, strokes.LINE_SLANT, 60.0)
STRAIGHTS = (4.0, strokes.LINE_STRAIGHT, 6.0)


def main() -> None:
    data = mnist.default_data_dir()
    images = np.concatenate([mnist.load(data, part)[0] for part in ("train", "test")])
    labels = np.concatenate([mnist.load(data, part)[1] for part in ("train", "test")])
    measured = np.array([strokes.axis(image > 128) for image in images])
    slant, straight = np.abs(measured[:, 0]), measured[:, 1]
    print(f"{len(images):,} MNIST digits: how many lean at least so far (degrees from upright)")
    print("straight  digits  " + "  ".join(f"{a:>5.0f}" for a in SLANTS) + "  furthest  digits")
    for least in STRAIGHTS:
        chosen = straight >= least
        counts = "  ".join(f"{int((chosen & (slant >= a)).sum()):>5}" for a in SLANTS)
        kinds = np.bincount(labels[chosen], minlength=10)
        which = ",".join(str(d) for d in np.flatnonzero(kinds))
        print(
            f"{least:>8.1f}  {int(chosen.sum()):>6}  {counts}  {slant[chosen].max():>8.1f}  {which}"
        )
    print(f"rule: LINE_SLANT {strokes.LINE_SLANT}, LINE_STRAIGHT {strokes.LINE_STRAIGHT}")


if __name__ == "__main__":
    main()
