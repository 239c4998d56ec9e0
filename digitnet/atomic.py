"""Writing files so that nothing half-written ever takes a file's place."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` if the block
    succeeds, removed if it fails (or is interrupted)."""
    import tempfile  # here, not at the top: reading a model should not pay for it

    folder, name = os.path.split(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
    except OSError as e:  # name the file the caller asked for, not the temporary one
        raise type(e)(e.errno, e.strerror, os.fspath(path)) from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
