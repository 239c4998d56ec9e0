"""Makes digitnet/samples/number-photo.jpg: "12,480" over "07-31", written with MNIST test
digits on unevenly lit paper, as a phone photo (JPEG) shows it.

    DIGITNET_DATA=../shared/data/mnist python models/number_sample.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.synth.layout import lay_out
from digitnet.synth.paper import encode, on_paper, rgb_image, uneven_light

OUT = Path(__file__).resolve().parents[1] / "digitnet" / "samples" / "number-photo.jpg"
LINES = ("12,480", "07-31")
HEIGHT = 70


class _InOrder:
    """An rng whose integers() hands out 0, 1, 2, ...: _lay_out draws its digits at random,
    and this makes it take the chosen ones in order."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self._rng, self._next = rng, iter(range(n))

    def integers(self, *args):
        return next(self._next)

    def __getattr__(self, name):
        return getattr(self._rng, name)


def main() -> None:
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    rng = np.random.default_rng(11)
    layers = []
    for text in LINES:
        digits = [c for c in text if c.isdigit()]
        # each digit drawn from the first test images of its label, in order
        chosen = [int(np.flatnonzero(labels == int(d))[k]) for k, d in enumerate(digits)]
        layer, _, _ = lay_out(
            _InOrder(rng, len(chosen)),
            images[chosen],
            "".join("#" if c.isdigit() else c for c in text),
            HEIGHT,
            lambda: int(HEIGHT * rng.uniform(0.15, 0.3)),
        )
        layers.append(layer)
    width = max(a.shape[1] for a in layers) + 200
    height = sum(a.shape[0] for a in layers) + 160
    ink = np.zeros((height, width), np.float32)
    y = 80
    for a in layers:
        ink[y : y + a.shape[0], 100 : 100 + a.shape[1]] = a
        y += a.shape[0] - HEIGHT // 2
    paper = uneven_light(rng, height, width)
    picture = on_paper(paper, np.clip(ink, 0, 1), 0.12)
    OUT.write_bytes(encode(rgb_image(picture, (1.0, 0.97, 0.9)), "JPEG", quality=80))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
