"""The files a command reads: standard input's name, and folders walked for pictures."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

STDIN = "-"  # the name that reads a picture from standard input
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}


def expand(paths: Iterable[str], recursive: bool = False, hidden: bool = False) -> Iterator[str]:
    """The files to read: directories are walked (sorted) when ``recursive``, leaving out
    hidden files and folders (a name starting with '.') unless ``hidden``."""
    for path in paths:
        if recursive and path != STDIN and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if hidden or not d.startswith("."))
                for name in sorted(files):
                    if not hidden and name.startswith("."):
                        continue
                    if os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES:
                        yield os.path.join(root, name)
        else:
            yield path
