"""How wide MNIST's digits are for their height: the table digitnet.reading.part_score.LOG_ASPECT.

    DIGITNET_DATA=../shared/data/mnist python models/digit_aspect.py [--write]

Prints, for each digit, the mean and the standard deviation of log(width / height) of the
ink's box (strokes at least 30% dark) over the 60,000 training digits, as the reader uses
them to judge whether a part of a written number is the digit it is read as. --write puts
the measured table into digitnet/reading/part_score.py (between its "table:" markers), so the table
in use is never pasted by hand.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.reading.part_score import LOG_ASPECT

TARGET = Path(__file__).resolve().parents[1] / "digitnet" / "part_score.py"
BLOCK = re.compile(r"(# table: models/digit_aspect.py --write\n).*?(# end of table\n)", re.S)


def table(rows: list[tuple[float, float]]) -> str:
    """LOG_ASPECT as Python, five pairs a line."""
    pairs = [f"({m:.3f}, {s:.3f})" for m, s in rows]
    lines = ["    " + ", ".join(pairs[i : i + 5]) + "," for i in range(0, len(pairs), 5)]
    return "LOG_ASPECT = (\n" + "\n".join(lines) + "\n)  # fmt: skip\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="update digitnet/reading/part_score.py"
    )
    args = parser.parse_args()
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    ink = images > 76
    log_aspect = np.log(ink.any(axis=1).sum(axis=1) / ink.any(axis=2).sum(axis=1))
    print("digit  measured (mean, spread)  in use")
    rows = []
    for d in range(10):
        a = log_aspect[labels == d]
        rows.append((float(a.mean()), float(a.std())))
        print(f"{d:>5}  ({a.mean():.3f}, {a.std():.3f})          {LOG_ASPECT[d]}")
    if args.write:
        text = TARGET.read_text()
        TARGET.write_text(BLOCK.sub(lambda m: m[1] + table(rows) + m[2], text, count=1))
        print(f"wrote the table into {TARGET.relative_to(TARGET.parents[1])}")


if __name__ == "__main__":
    main()
