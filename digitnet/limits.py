"""Limits that keep a run safe, shared by the library and the command line (which must not
import NumPy or Pillow just to show its defaults)."""

MAX_PIXELS = 50_000_000  # larger canvases are refused unless the caller raises the limit
# (a decompression bomb: a tiny file that decodes to gigabytes)

# From this many images known at once, --jobs defaults to one process per core: measured on
# 28x28 PNGs with two cores, 1,000 images took 385 ms with two processes against 418 with
# one, while 300 took 328 against 305 (starting the workers costs more than they give).
AUTO_JOBS_FROM = 1000
