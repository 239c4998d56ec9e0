"""One-line progress bars on stderr, redrawn in place; only when stderr is a terminal."""

from __future__ import annotations

import sys
import time


class _Bar:
    def __init__(self, enabled: bool, width: int = 24, every: float = 0.1):
        self.enabled, self.width, self.every, self._last = enabled, width, every, 0.0

    def _draw(self, done: float, before: str, after: str, last: bool = False) -> None:
        """Redraw ``before [####----] after`` for a fraction ``done``, at most every ``every``
        seconds (the last update always shows)."""
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.every and not last):
            return
        self._last = now
        filled = int(self.width * min(max(done, 0.0), 1.0))
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{before} [{bar}] {after}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


class EpochBar(_Bar):
    """Training: the epoch, how far through it, and the running loss and accuracy."""

    def __call__(self, epoch: int, batch: int, batches: int, loss: float, acc: float) -> None:
        self._draw(
            batch / batches,
            f"epoch {epoch}",
            f"loss {loss:.4f}  accuracy {acc:6.2%}",
            last=batch == batches,
        )


class ByteBar(_Bar):
    """Downloads: the file and how many megabytes have arrived."""

    def __call__(self, name: str, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self._draw(done / total if total else 0.0, name, size, last=done == total)
