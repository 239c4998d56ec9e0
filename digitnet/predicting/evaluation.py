"""predict measured on the user's own labelled pictures: each read as ``predict`` reads it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.nn.evaluate import Evaluation, Mistake, tally
from digitnet.nn.network import Network
from digitnet.predicting import one_digit
from digitnet.predicting.classify import answers


def evaluate_pictures(
    net: Network, pictures: Sequence[tuple[str, int]], max_pixels: int, jobs: int = 1
) -> Evaluation:
    """Read each (path, label) picture as ``predict`` does and count its answer."""
    got = list(answers(net, [p for p, _ in pictures], max_pixels, jobs))
    errors = [a.error for a in got]
    good = [a.outputs for a in got if a.error is None]
    outputs = np.stack(good) if good else np.zeros((0, 10))
    labels = np.array([label for _, label in pictures], dtype=np.int64)
    return tally(labels, outputs, [p for p, _ in pictures], errors)


def seen_by_network(m: Mistake, max_pixels: int) -> np.ndarray:
    """A picture's 28x28 input in [0, 1] as the network saw it; for a refused picture, the
    picture itself shrunk to 28x28 (black when it cannot be opened at all)."""
    try:
        if m.digit is not None:
            return one_digit.inputs(m.path, max_pixels).reshape(28, 28)
        gray = preprocess.grayscale(preprocess.open_image(m.path, max_pixels))
        gray.thumbnail((28, 28))
        tile = np.zeros((28, 28))
        g = np.asarray(gray, dtype=float) / 255
        tile[: g.shape[0], : g.shape[1]] = g
        return tile
    except ImageError:
        return np.zeros((28, 28))
