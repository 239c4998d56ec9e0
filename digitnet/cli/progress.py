"""One-line progress bars on stderr, redrawn in place; only when stderr is a terminal.

click.progressbar draws a label, a bar and an ETA; training wants the epoch out of the
total, the loss, the accuracy, images per second and the time left, redrawn in place and
cut to the terminal's width, so this stays. It costs 7.6 us an update against click's
0.55 us (benchmarks/handwritten.py), both under 1% of a batch's time.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

MIN_BAR = 5  # the bar's narrowest, in a narrow terminal


class _Bar:
    def __init__(self, enabled: bool, width: int = 24, every: float = 0.1):
        self.enabled, self.width, self.every, self._last = enabled, width, every, 0.0
        # a terminal that takes no escape sequences (TERM=dumb) has the line blanked with spaces
        self.dumb = os.environ.get("TERM", "") in ("", "dumb")

    def _erase(self, line: str, room: int) -> str:
        return line.ljust(room) if self.dumb else line + "\033[K"

    def _draw(self, done: float, before: str, after: str | list[str], last: bool = False) -> None:
        """Redraw ``before [####----] after`` for a fraction ``done``, at most every ``every``
        seconds (the last update always shows). ``after`` may be a list, fullest first: the
        first that fits the terminal is shown, and the bar narrows before anything is cut."""
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.every and not last):
            return
        self._last = now
        room = shutil.get_terminal_size().columns - 1
        tails = [after] if isinstance(after, str) else after
        tail = next((t for t in tails if len(before) + len(t) + 4 + MIN_BAR <= room), tails[-1])
        width = max(MIN_BAR, min(self.width, room - len(before) - len(tail) - 4))
        filled = int(width * min(max(done, 0.0), 1.0))
        line = f"{before} [{'#' * filled + '-' * (width - filled)}] {tail}"[:room]
        sys.stderr.write("\r" + self._erase(line, room))
        sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            room = shutil.get_terminal_size().columns - 1
            sys.stderr.write("\r" + self._erase("", room) + ("\r" if self.dumb else ""))
            sys.stderr.flush()


class EpochBar(_Bar):
    """Training: the epoch out of all, how far through it, the running loss and accuracy,
    images per second and the time left."""

    def __init__(self, enabled: bool, epochs: int, batch_size: int, **options):
        super().__init__(enabled, **options)
        self.epochs, self.batch_size, self._start = epochs, batch_size, None

    def __call__(self, epoch: int, batch: int, batches: int, loss: float, acc: float) -> None:
        now = time.monotonic()
        if self._start is None:
            self._start = now
        done, total = (epoch - 1) * batches + batch, self.epochs * batches
        elapsed = now - self._start
        rate = done * self.batch_size / elapsed if elapsed > 0 else 0.0
        left = elapsed / done * (total - done)
        scores, speed, eta = (
            f"loss {loss:.4f}  accuracy {acc:6.2%}",
            f"{rate:,.0f} images/s",
            _clock(left),
        )
        tails = [  # fullest first; a narrow terminal keeps the time left and the accuracy
            f"{scores}  {speed}  {eta} left",
            f"{scores}  {eta} left",
            f"accuracy {acc:6.2%}  {eta} left",
            f"{eta} left",
        ]
        self._draw(batch / batches, f"epoch {epoch}/{self.epochs}", tails, last=batch == batches)


def _clock(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour."""
    m, s = divmod(int(seconds + 0.5), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ByteBar(_Bar):
    """Downloads: the file and how many megabytes have arrived."""

    def __call__(self, name: str, done: int, total: int | None) -> None:
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self._draw(done / total if total else 0.0, name, size, last=done == total)
