"""Each of the number reader's mechanisms earns its place on many pictures: with it, more of
100 touching pairs of the sample digits are read right than without it. The counts are
aggregates, so a mechanism that gets better (or worse) elsewhere does not break a test
that one hand-picked pair sat on the edge of; benchmarks/ablation.py measures the same on
MNIST test digits.

Slow (a few hundred readings for each setting): run by `python -m pytest -m slow`.
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import cache

import pytest
from helpers import noting_words
from test_read import compose

from digitnet.errors import ImageError
from digitnet.reading import reader, words
from digitnet.reading.read_settings import DEFAULT
from digitnet.reading.reading_networks import PART_READER, TEXT, shipped_network

# one worker reads every setting's pairs once (.ci/run's --dist loadgroup): each is cached
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pairs")]

# every pair of the sample digits overlapping by 6 pixels (by 4, they added little to any
# mechanism's gain: docs/decisions.md, "The number reader's mechanisms")
PAIRS = [(f"{a}{b}", -6) for a in range(10) for b in range(10)]
VALLEYS = replace(DEFAULT, dense_from=math.inf)  # cuts at the column profile's valleys only
BARE = {"settings": VALLEYS, "helper": None, "part_reader": None}

# What each mechanism gains, at least, in pairs read right (net of those it loses): half
# of what it gained when measured (docs/decisions.md, "The number reader's mechanisms"),
# with the networks shipped since issue 29. The part reader gains nothing on these pairs
# with them; it is measured on MNIST's touching numbers below. Every count leaves the
# text network out: it is a mechanism of its own (test_the_text_network_costs_few_pairs).
GAINS = {
    "cuts moved": (BARE, {**BARE, "settings": replace(VALLEYS, refine=())}, 3),
    "the helper's say": ({"settings": VALLEYS, "part_reader": None}, BARE, 3),
    "cuts every lattice step": ({}, {"settings": VALLEYS}, 1),
    "the judge": ({}, {"judge": None}, 7),
}


def _right(job) -> tuple[bool, bool]:
    """Whether a pair is read right (a refusal reads it wrong) without the text network and
    with it. Read once with it: where it finds no words, the reading is the same without."""
    from unittest import mock

    (text, gap), options = job
    pixels, _ = compose(text, gap=gap)
    wordy: list[bool] = []
    without_words = noting_words(wordy)
    said = []
    for text_net in (TEXT, None):
        try:
            with mock.patch.object(words, "without_words", without_words):
                got = reader.read_pixels(
                    pixels, shipped_network("default"), text=text_net, **options
                )
            said.append(got.number() == text)
        except ImageError:
            said.append(False)
        if not any(wordy):
            return said[0], said[0]
    return said[1], said[0]


@pytest.fixture(scope="module", autouse=True)
def _workers():
    """Two worker processes for the module's readings, started once (each loads the
    networks once) and stopped after its last test."""
    yield
    if workers.cache_info().currsize:
        workers().shutdown()


@cache
def workers() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(2)


@cache
def _both(options: tuple) -> tuple[tuple[bool, bool], ...]:
    jobs = [(pair, dict(options)) for pair in PAIRS]
    return tuple(workers().map(_right, jobs, chunksize=4))


def right(options: tuple, text: bool = False) -> tuple[bool, ...]:
    """Whether each pair is read right with these read_pixels options, without the text
    network (or with it: ``text``)."""
    return tuple(pair[text] for pair in _both(options))


def _key(options: dict) -> tuple:
    return tuple(sorted(options.items(), key=lambda kv: kv[0]))


@pytest.mark.parametrize("mechanism", list(GAINS))
def test_each_mechanism_reads_more_pairs_right_than_it_loses(mechanism):
    on, off, least = GAINS[mechanism]
    with_it, without = right(_key(on)), right(_key(off))
    won = sum(a and not b for a, b in zip(with_it, without, strict=True))
    lost = sum(b and not a for a, b in zip(with_it, without, strict=True))
    assert won - lost >= least, (mechanism, won, lost)


def test_the_text_network_costs_few_pairs():
    """Touching pairs taken for words (a 0 and a 6 can make an "oc"): none of the 100 when
    measured (2 of 200 with older networks)."""
    with_text, without = right(_key({}), text=True), right(_key({}))
    lost = sum(b and not a for a, b in zip(with_text, without, strict=True))
    assert lost <= 2, lost


COUNT_TOUCHING = 200  # read.py's first touching numbers (on the first 100 it won 1, lost 1)


def _with_and_without_part_reader(job) -> tuple[bool, bool]:
    """Whether a number (its picture's bytes, its digits) is read right with the part reader
    and without it. The part reader only reads again the cut parts chosen, so where it
    changes none of their answers the number reads the same without it: read once."""
    from unittest import mock

    from digitnet.image import preprocess
    from digitnet.reading import reading_networks

    data, plain = job
    pixels = preprocess.gray_pixels(data)
    changed = []
    real = reading_networks.together

    def together(net_out, part_out):
        out = real(net_out, part_out)
        changed.append(bool((out.argmax(axis=1) != net_out.argmax(axis=1)).any()))
        return out

    said = []
    for part_reader in (PART_READER, None):
        if part_reader is None and not any(changed):
            return said[0], said[0]
        try:
            with mock.patch.object(reading_networks, "together", together):
                got = reader.read_pixels(
                    pixels, shipped_network("default"), part_reader=part_reader, text=None
                )
            said.append(got.number() == plain)
        except ImageError:
            said.append(False)
    return said[0], said[1]


def test_the_part_reader_reads_more_touching_numbers_right(real_mnist):
    """On read.py's touching numbers (MNIST test digits) the part reader won 5 and lost 2
    of 200 (benchmarks/ablation.py); on the first COUNT_TOUCHING it must win more than it
    loses."""
    from digitnet.data import mnist
    from digitnet.synth.numbers import generate

    images, labels = mnist.load(real_mnist, "test")
    jobs = [(n.data, n.plain) for n in generate("touching", COUNT_TOUCHING, images, labels)]
    said = list(workers().map(_with_and_without_part_reader, jobs, chunksize=2))
    won = sum(a and not b for a, b in said)
    lost = sum(b and not a for a, b in said)
    assert won > lost, (won, lost)  # 0 and 0 when it is switched off
