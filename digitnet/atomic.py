"""Writing files so that nothing half-written ever takes a file's place."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager


def is_device_or_pipe(path: str | os.PathLike) -> bool:
    """True for a character or block device, a FIFO or a socket: written through, never
    replaced (renaming onto /dev/null would swap the device for a regular file)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` if the block
    succeeds, removed if it fails (or is interrupted). A device or a FIFO is not replaced:
    what was written is copied into it; a directory is refused (IsADirectoryError)."""
    import tempfile  # here, not at the top: reading a model should not pay for it

    if os.path.isdir(path):
        raise IsADirectoryError(21, "is a directory", os.fspath(path))
    through = is_device_or_pipe(path)  # written in the system's temporary folder, then copied
    folder, name = os.path.split(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{name}.", suffix=suffix, dir=None if through else folder
        )
    except OSError as e:  # name the file the caller asked for, not the temporary one
        raise type(e)(e.errno, e.strerror, os.fspath(path)) from None
    os.close(fd)
    try:
        try:
            yield tmp
        except OSError as e:  # a full disk names the file the caller asked for
            if e.errno is not None and e.filename in (None, tmp):  # not a URLError, say
                raise type(e)(e.errno, e.strerror, os.fspath(path)) from None
            raise
        if through:  # writers seek (PNG, zip): a pipe gets the finished bytes in order
            with open(tmp, "rb") as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_files(paths: list[str | os.PathLike]) -> Iterator[list[str]]:
    """Temporary paths for several files written together: all of them take their places
    once the block succeeds, none if it fails (an export on a full disk leaves the old
    files as they were)."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield [stack.enter_context(atomic_path(p)) for p in paths]
