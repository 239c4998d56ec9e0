"""Classifying many images: decode one by one (optionally in parallel), classify in batches.

``answers(net, paths)`` yields one :class:`Answer` per input, in input order, as soon as its
batch is done, so a pipeline reader sees the first answers early.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

from digitnet.batch import chunked, in_workers, worker
from digitnet.errors import OUT_OF_MEMORY, ImageError
from digitnet.files import STDIN
from digitnet.image import preprocess
from digitnet.image.framing import SIDE, mnist_framed_batch
from digitnet.limits import AUTO_JOBS_FROM
from digitnet.nn.network import Network
from digitnet.predicting import one_digit


def jobs_for(count: int | None, asked: int | None) -> int:
    """The processes to read ``count`` images with (None: not known in advance, as for a
    list on standard input): what the user asked for, else one per core for many images."""
    if asked is not None:
        return asked
    if count is not None and count >= AUTO_JOBS_FROM:
        return os.cpu_count() or 1
    return 1


class Answer(NamedTuple):
    path: str
    outputs: np.ndarray | None = None  # the 10 output neurons' activations
    error: str | None = None

    @property
    def digit(self) -> int | None:
        return None if self.outputs is None else int(self.outputs.argmax())

    @property
    def confidence(self) -> float | None:
        """The brightest output neuron's activation."""
        return None if self.outputs is None else float(self.outputs.max())

    def top(self, k: int) -> list[tuple[int, float]]:
        """The k brightest output neurons, brightest first, as (digit, activation)."""
        if self.outputs is None:
            return []
        order = np.argsort(-self.outputs, kind="stable")[:k]
        return [(int(d), float(self.outputs[d])) for d in order]


def decode(path: str, max_pixels: int) -> np.ndarray:
    """One input's 784 activations (ImageError: why it has none). A 28x28 picture comes
    back as its grayscale pixels (28 x 28 uint8), to be checked for MNIST's framing
    together with the others of its batch (see _inputs)."""
    return _unframed(preprocess.gray_of(path, max_pixels))


def _unframed(pixels: np.ndarray) -> np.ndarray:
    if pixels.shape == (SIDE, SIDE):
        return pixels
    return one_digit.inputs_of_pixels(pixels)


Decoded = np.ndarray | ImageError  # one item of a batch: its pixels or inputs, or its error


def _decoded(path: str, max_pixels: int, picture=None) -> Decoded:
    """decode() (of ``picture`` when given: a file's bytes, a PIL image, an array; see
    preprocess.gray_pixels), with its error kept as the batch's item: a batch goes on past
    a bad file."""
    try:
        if picture is not None:
            return _unframed(preprocess.gray_pixels(picture, max_pixels))
        return decode(path, max_pixels)
    except ImageError as e:
        return e
    except MemoryError:  # a picture too large for this machine costs only its own answer
        return ImageError(OUT_OF_MEMORY)


def inputs_of(data: bytes, max_pixels: int) -> np.ndarray:
    """The 784 activations that ``predict`` gives the network for a file's bytes
    (ImageError: why there are none)."""
    (value,) = _inputs([_decoded(STDIN, max_pixels, data)])
    if isinstance(value, ImageError):
        raise value
    return value


def answer_of(net: Network, picture, max_pixels: int, name: str = STDIN) -> Answer:
    """The Answer for one picture (a file's bytes, or anything preprocess.gray_pixels takes),
    exactly as ``predict`` answers that file (``name`` is the path it reports)."""
    return next(_classify(net, [(name, _decoded(name, max_pixels, picture))]))


def _inputs(decoded: list[Decoded]) -> list[Decoded]:
    """Each input's 784 activations or its error: 28x28 pictures are checked for MNIST's
    framing in one batch (a NumPy call costs as much for one picture as for a hundred:
    measured, 40 us a picture alone against 5 in a batch of 256), and those that are not
    framed so go through every step."""
    small = [i for i, a in enumerate(decoded) if isinstance(a, np.ndarray) and a.ndim == 2]
    if not small:
        return decoded
    out = list(decoded)
    framed, inputs = mnist_framed_batch(np.stack([decoded[i] for i in small]))
    for j, i in enumerate(small):
        if framed[j]:
            out[i] = inputs[j]
            continue
        try:
            out[i] = one_digit.inputs_of_pixels(decoded[i])
        except ImageError as e:
            out[i] = e
        except MemoryError:
            out[i] = ImageError(OUT_OF_MEMORY)
    return out


def answers_of_pictures(
    net: Network, pictures: Iterable[tuple[str, object]], max_pixels: int, batch_size: int = 256
) -> Iterator[Answer]:
    """An Answer for each (name, picture) in order, pictures being anything that
    preprocess.gray_pixels takes, a batch at a time."""
    for batch in chunked(pictures, batch_size):
        yield from _classify(net, [(name, _decoded(name, max_pixels, p)) for name, p in batch])


def answers(
    net: Network, paths: Iterable[str], max_pixels: int, jobs: int = 1, **batching
) -> Iterator[Answer]:
    """Classify every path, in order, a batch at a time (one matrix product per layer);
    ``batching`` is answer_batches's batch_size and max_wait."""
    for batch in answer_batches(net, paths, max_pixels, jobs, **batching):
        yield from batch


def answer_batches(
    net: Network,
    paths: Iterable[str],
    max_pixels: int,
    jobs: int = 1,
    batch_size: int = 256,
    max_wait: float = 0.2,
) -> Iterator[list[Answer]]:
    """The answers of every path, in order, a list per batch: a pipeline's writer flushes
    after each, so a producer that pauses sees the answers to every name it gave.

    A batch is sent on when it holds ``batch_size`` images or has waited ``max_wait``
    seconds, so slow inputs (large photos) still stream out promptly. With ``jobs`` > 1,
    worker processes decode and classify chunks of the paths (they cannot share standard
    input: keep '-' to one job).
    """
    if jobs > 1:
        answered = _parallel_answers(net, paths, max_pixels, jobs, _chunk(paths, jobs))
        yield from chunked(answered, PARALLEL_FLUSH)
        return
    pending: list[tuple[str, Decoded]] = []
    for path in arrivals(paths, max_wait):
        if path is not _WAITED:
            if not pending:
                started = time.monotonic()
            pending.append((path, _decoded(path, max_pixels)))
        if pending and (
            path is _WAITED or len(pending) >= batch_size or time.monotonic() - started > max_wait
        ):
            yield list(_classify(net, pending))
            pending = []
    if pending:
        yield list(_classify(net, pending))


PARALLEL_FLUSH = 64  # worker processes' answers come one by one: written this many at a time


_WAITED = object()  # arrivals(): no name came for max_wait seconds
_END = object()


def arrivals(names: Iterable, max_wait: float) -> Iterator:
    """The names as they arrive, read on a thread of their own, and _WAITED whenever none
    came for ``max_wait`` seconds: a producer that pauses (find, a camera) still gets the
    answers to the names it gave, not only when it gives the next one."""
    import queue
    import threading

    arrived: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            for name in names:
                arrived.put(name)
        except BaseException as e:  # re-raised where the names are used
            arrived.put(e)
        arrived.put(_END)

    threading.Thread(target=read, daemon=True).start()
    while True:
        try:
            item = arrived.get(timeout=max_wait)
        except queue.Empty:
            yield _WAITED
            continue
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def _classify(net: Network, items: list[tuple[str, Decoded]]) -> Iterator[Answer]:
    yield from _answers_of([path for path, _ in items], *_forward(net, items))


def _forward(net: Network, items: list[tuple[str, Decoded]]) -> tuple[list[str | None], np.ndarray]:
    """An error message (or None) per item, and the outputs of the good ones: one forward
    pass. Messages, not exceptions, so that a worker's share pickles small."""
    values = _inputs([a for _, a in items])
    errors = [str(a) if isinstance(a, ImageError) else None for a in values]
    good = [a for a in values if not isinstance(a, ImageError)]
    # in float64: float32 products sum in an order that depends on the batch's size, which
    # moved the 6th decimal of a confidence with the other files of its batch
    exact = np.float64
    outputs = net.forward(np.stack(good).astype(exact)) if good else np.zeros((0, 10), exact)
    return errors, outputs


def _answers_of(paths: list[str], errors: list[str | None], outputs: np.ndarray):
    rows = iter(outputs)
    for path, error in zip(paths, errors, strict=True):
        yield Answer(path, error=error) if error is not None else Answer(path, next(rows))


# Images a worker is sent at a time. Each chunk costs the parent a round trip; a list of
# known length is cut into about CHUNKS_PER_JOB chunks a worker, so the last ones still
# even out the workers' loads, within these bounds. Measured on 10,000 28x28 PNGs with two
# workers: chunks of 128 took 0.93 s, of 512 0.87 s; a list arriving on standard input keeps
# the smallest, so its answers follow the list closely.
CHUNKS_PER_JOB = 8
CHUNK_MIN, CHUNK_MAX = 128, 1024


def _chunk(paths: Iterable[str], jobs: int) -> int:
    if not isinstance(paths, list):
        return CHUNK_MIN
    return max(CHUNK_MIN, min(CHUNK_MAX, len(paths) // (jobs * CHUNKS_PER_JOB)))


def _answer_chunk(paths: list[str]) -> tuple[list[str], list[str | None], np.ndarray]:
    """A worker's share: decode and classify a chunk. What goes back is small and cheap to
    pickle: the paths, an error (or None) for each, and one array of 10 outputs per image."""
    net, max_pixels = worker()
    return paths, *_forward(net, [(p, _decoded(p, max_pixels)) for p in paths])


def _parallel_answers(
    net: Network, paths: Iterable[str], max_pixels: int, jobs: int, chunk: int
) -> Iterator[Answer]:
    def lost(names: list[str], reason: str):
        return names, [reason] * len(names), np.zeros((0, 10))

    answered = in_workers(_answer_chunk, paths, chunk, net, max_pixels, jobs, lost)
    for names, errors, outputs in answered:
        yield from _answers_of(names, errors, outputs)
