"""How wide MNIST's digits are for their height: the table digitnet.part_score.LOG_ASPECT.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/digit_aspect.py

Prints, for each digit, the mean and the standard deviation of log(width / height) of the
ink's box (strokes at least 30% dark) over the 60,000 training digits, as the reader uses
them to judge whether a part of a written number is the digit it is read as.
"""

from __future__ import annotations

import numpy as np

from digitnet import mnist
from digitnet.part_score import LOG_ASPECT


def main() -> None:
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    ink = images > 76
    log_aspect = np.log(ink.any(axis=1).sum(axis=1) / ink.any(axis=2).sum(axis=1))
    print("digit  measured (mean, spread)  in use")
    for d in range(10):
        a = log_aspect[labels == d]
        print(f"{d:>5}  ({a.mean():.3f}, {a.std():.3f})          {LOG_ASPECT[d]}")


if __name__ == "__main__":
    main()
