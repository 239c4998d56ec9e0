"""A folder of the user's own labelled pictures: which file shows which digit.

Two layouts are read, the first found wins:

- ``labels.csv`` in the folder, with a ``file,label`` header and one row a picture (file
  names relative to the folder), as ``digitnet data export`` writes it;
- subfolders named ``0`` to ``9``, each holding the pictures of its digit (read
  recursively, hidden files left out, as ``predict -r`` does).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence

import numpy as np

from digitnet.classify import answers, expand
from digitnet.errors import DigitnetError
from digitnet.evaluate import Evaluation, Mistake, tally
from digitnet.network import Network

LABELS_FILE = "labels.csv"
DIGITS = [str(d) for d in range(10)]


class LabelsError(DigitnetError):
    """A labelled folder that cannot be read: the message says where and why."""


def labelled_pictures(folder: str) -> list[tuple[str, int]]:
    """(path, label) for every picture in ``folder``, in the file's order (labels.csv) or
    by digit then name (subfolders)."""
    if not os.path.isdir(folder):
        raise LabelsError(f"{folder}: not a folder")
    listed = os.path.join(folder, LABELS_FILE)
    if os.path.isfile(listed):
        return _from_csv(folder, listed)
    subfolders = [d for d in DIGITS if os.path.isdir(os.path.join(folder, d))]
    if not subfolders:
        raise LabelsError(
            f"{folder}: no {LABELS_FILE} (file,label) and no subfolders named 0 to 9 "
            "to say which digit each picture shows"
        )
    pictures = [
        (path, int(d)) for d in subfolders for path in expand([os.path.join(folder, d)], True)
    ]
    if not pictures:
        raise LabelsError(f"{folder}: its folders 0 to 9 hold no pictures")
    return pictures


def _from_csv(folder: str, listed: str) -> list[tuple[str, int]]:
    try:
        with open(listed, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            rows = list(reader)
    except UnicodeDecodeError:
        raise LabelsError(f"{listed}: not a text file") from None
    except csv.Error as e:  # a field over csv's limit (128 kB), a NUL byte, ...
        raise LabelsError(f"{listed}, line {reader.line_num}: {e}") from None
    if not rows or [c.strip().lower() for c in rows[0]] != ["file", "label"]:
        raise LabelsError(f"{listed}: the first line must be the header 'file,label'")
    pictures = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue  # blank lines, as spreadsheets leave at the end
        if len(row) != 2 or row[1].strip() not in DIGITS or not row[0].strip():
            raise LabelsError(
                f"{listed}, line {line}: expected 'file,label' with a label 0 to 9, "
                f"got {','.join(row)!r}"
            )
        pictures.append((os.path.join(folder, row[0].strip()), int(row[1])))
    if not pictures:
        raise LabelsError(f"{listed}: no pictures listed")
    return pictures


def evaluate_pictures(
    net: Network, pictures: Sequence[tuple[str, int]], max_pixels: int, jobs: int = 1
) -> Evaluation:
    """Read each (path, label) picture as ``predict`` does and count its answer."""
    got = list(answers(net, [p for p, _ in pictures], max_pixels, jobs))
    errors = [a.error for a in got]
    good = [a.outputs for a in got if a.error is None]
    outputs = np.stack(good) if good else np.zeros((0, 10))
    labels = np.array([label for _, label in pictures], dtype=np.int64)
    return tally(labels, outputs, [p for p, _ in pictures], errors)


def seen_by_network(m: Mistake, max_pixels: int) -> np.ndarray:
    """A picture's 28x28 input in [0, 1] as the network saw it; for a refused picture, the
    picture itself shrunk to 28x28 (black when it cannot be opened at all)."""
    from digitnet import one_digit, preprocess
    from digitnet.errors import ImageError

    try:
        if m.digit is not None:
            return one_digit.inputs(m.path, max_pixels).reshape(28, 28)
        gray = preprocess.grayscale(preprocess.open_image(m.path, max_pixels))
        gray.thumbnail((28, 28))
        tile = np.zeros((28, 28))
        g = np.asarray(gray, dtype=float) / 255
        tile[: g.shape[0], : g.shape[1]] = g
        return tile
    except ImageError:
        return np.zeros((28, 28))
