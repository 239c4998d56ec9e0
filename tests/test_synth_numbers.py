"""The generated numbers know what they show: the digits of each Number's text are the labels
of the MNIST images it was drawn from, in reading order, one ink box each."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.synth.numbers import FAMILIES, generate


@pytest.fixture(scope="module")
def fake_mnist():
    """Blots standing in for MNIST digits: 200 images of 28x28, labels 0-9 in turn."""
    rng = np.random.default_rng(0)
    images = np.zeros((200, 28, 28), np.uint8)
    for k in range(len(images)):
        top, left = rng.integers(4, 8, size=2)
        images[k, top : top + 20, left : left + int(rng.integers(6, 16))] = 255
    return images, np.arange(len(images)) % 10


@pytest.mark.parametrize("family", list(FAMILIES))
def test_text_digits_are_the_labels_drawn(fake_mnist, family):
    images, labels = fake_mnist
    for number in generate(family, 12, images, labels):
        assert number.plain.replace("\n", "") == "".join(str(labels[i]) for i in number.digits)
        assert len(number.boxes) == len(number.digits)
