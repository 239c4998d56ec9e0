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

from digitnet.errors import DigitnetError
from digitnet.files import expand

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
