"""Limits that keep a run safe, shared by the library and the command line (which must not
import NumPy or Pillow just to show its defaults)."""

MAX_PIXELS = 50_000_000  # larger canvases are refused unless the caller raises the limit
# (a decompression bomb: a tiny file that decodes to gigabytes)
