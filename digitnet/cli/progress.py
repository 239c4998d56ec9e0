"""A one-line progress bar on stderr, redrawn in place; only when stderr is a terminal."""

from __future__ import annotations

import sys
import time


class EpochBar:
    def __init__(self, enabled: bool, width: int = 24, every: float = 0.1):
        self.enabled, self.width, self.every, self._last = enabled, width, every, 0.0

    def __call__(self, epoch: int, batch: int, batches: int, loss: float, acc: float) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.every and batch != batches):
            return
        self._last = now
        filled = self.width * batch // batches
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\repoch {epoch} [{bar}] loss {loss:.4f}  accuracy {acc:6.2%}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
