"""Writing digits as a folder of PNG files and labels.csv, all or nothing."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from digitnet.atomic import atomic_files
from digitnet.data.labelled import LABELS_FILE


def export_pngs(folder: Path, images: np.ndarray, labels: np.ndarray, chosen: list[int]) -> None:
    """Write ``images[i]`` as ``folder/NNNNN-L.png`` for each chosen i, and labels.csv.
    Every file takes its place only once all are written: a full disk leaves the folder
    as it was (an OSError that names the file it could not write)."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"{i:05d}-{labels[i]}.png" for i in chosen]
    table = io.StringIO()
    w = csv.writer(table, lineterminator="\n")
    w.writerow(["file", "label"])
    w.writerows([name, int(labels[i])] for name, i in zip(names, chosen, strict=True))
    targets = [folder / name for name in names] + [folder / LABELS_FILE]
    try:
        with atomic_files(targets) as temps:
            for tmp, target, i in zip(temps, targets, chosen, strict=False):
                _write(target, lambda f, i=i: Image.fromarray(images[i]).save(f, format="PNG"), tmp)
            _write(targets[-1], lambda f: f.write(table.getvalue().encode()), temps[-1])
    except BaseException:
        if made and not any(folder.iterdir()):
            folder.rmdir()
        raise


def _write(target: Path, write, tmp: str) -> None:
    """Run ``write`` on ``tmp`` opened for writing; an OSError names ``target``."""
    try:
        with open(tmp, "wb") as f:
            write(f)
    except OSError as e:
        raise type(e)(e.errno, e.strerror, os.fspath(target)) from None
