"""Limits that keep a run safe, shared by the library and the command line (which must not
import NumPy or Pillow just to show its defaults)."""

MAX_PIXELS = 50_000_000  # larger canvases are refused unless the caller raises the limit
# (a decompression bomb: a tiny file that decodes to gigabytes)
# Pictures more than this many times as wide as tall (or tall as wide) are refused: no digit
# is readable in them, and the analysis copy's blocks would pad them far past their own size
# (docs/decisions.md, "Thin pictures"; benchmarks/hostile.py).
MAX_ASPECT = 100
# A picture on standard input or a pipe is read into memory whole, up to this many bytes:
# room for an uncompressed photo at --max-pixels (docs/decisions.md).
MAX_STREAM_BYTES = 256 << 20

# From this many images known at once, --jobs defaults to one process per core: measured on
# 28x28 PNGs with two cores, 1,000 images took 385 ms with two processes against 418 with
# one, while 300 took 328 against 305 (starting the workers costs more than they give).
AUTO_JOBS_FROM = 1000
# More processes than this only share the same cores and memory (each holds a network and a
# picture); a typo such as --jobs 300 should not fork hundreds of them.
MAX_JOBS = 64

# digitnet serve. A request body is held in memory whole: room for a phone camera's photo
# (a few MB as JPEG, more as PNG); larger is answered 413 before it is read.
MAX_REQUEST_BYTES = 32 << 20
# Requests worked on at once; more wait up to QUEUE_WAIT seconds for a turn, then get 503,
# so an overloaded server sheds work instead of queueing without end (benchmarks/serve_load.py).
MAX_IN_FLIGHT = 4
QUEUE_WAIT = 2.0
# Seconds a request may take, sending its body or being worked on: a stalled client gets
# 408, work past it 504 (a photo at --max-pixels takes a few seconds).
REQUEST_TIMEOUT = 30.0
# Connections held at once (each is a thread); more are answered 503 and closed.
MAX_CONNECTIONS = 64
