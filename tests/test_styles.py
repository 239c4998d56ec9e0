"""The styles of digitnet.training.styles add their stroke where people write it, with MNIST's
pen, and the widths thin or grow the strokes (benchmarks/styles.py measures the models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitnet.training import styles

SAMPLES = Path(__file__).resolve().parents[1] / "digitnet" / "samples"


def sample(digit: int) -> np.ndarray:
    (path,) = SAMPLES.glob(f"mnist-*-{digit}.png")
    return np.asarray(Image.open(path).convert("L"))


def added(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Where the style put new ink."""
    return (after > styles.INK) & (before <= styles.INK)


ALL = {**styles.STYLES, **styles.MEASURED_ONLY}


@pytest.mark.parametrize("name", list(ALL))
def test_each_style_adds_a_pen_stroke_and_keeps_the_digit(name):
    digit, style = ALL[name]
    before = sample(digit)
    after = style(before)
    assert after.shape == (28, 28) and after.dtype == np.uint8
    assert (after >= before).all()  # the digit's own ink is kept
    new = added(before, after)
    assert 4 <= new.sum() <= 60, new.sum()  # a stroke, not a speck or a blot
    assert set(np.unique(after[new])) <= set(range(styles.INK + 1, 256))


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(mask)
    return rows.min(), cols.min(), rows.max(), cols.max()


def test_strokes_go_where_people_put_them():
    one = sample(1)
    top, _, bottom, _ = _box(one > styles.INK)
    middle = (top + bottom) / 2
    stem_top = np.flatnonzero(one[top] > styles.INK).mean()
    flag = _box(added(one, styles.flag_1(one)))
    assert flag[2] < middle and flag[1] < stem_top - 2  # from the top half, to the left
    foot = _box(added(one, styles.foot_1(one)))
    assert foot[0] > middle and foot[3] - foot[1] > foot[2] - foot[0]  # low and flat
    seven = sample(7)
    t7, _, b7, _ = _box(seven > styles.INK)
    bar = _box(added(seven, styles.crossbar_7(seven)))
    assert t7 + 0.3 * (b7 - t7) < (bar[0] + bar[2]) / 2 < t7 + 0.8 * (b7 - t7)
    four = sample(4)
    f_top, _, f_bottom, f_right = _box(four > styles.INK)
    closed = added(four, styles.crossed_closed_4(four))
    top_rows = np.nonzero(closed[: f_top + 3])[0]
    assert len(top_rows) >= 2  # its top joined
    crossing = np.nonzero(closed[:, f_right + 2 :])[0]  # ink right of the 4's own
    assert len(crossing) and f_top + 0.3 * (f_bottom - f_top) <= crossing.mean() <= f_bottom
    assert not added(four, styles.closed_4(four))[:, f_right + 2 :].any()  # training's: no bar
    zero = sample(0)
    z = _box(zero > styles.INK)
    dot = _box(added(zero, styles.dotted_0(zero)))
    assert z[0] < dot[0] and dot[2] < z[2] and z[1] < dot[1] and dot[3] < z[3]  # inside


def test_widths_thin_and_grow_the_strokes():
    for digit in range(10):
        d = sample(digit)
        ink = (d > styles.INK).sum()
        thin = (styles.thin_pen(d) > styles.INK).sum()
        fat = (styles.brush(d) > styles.INK).sum()
        assert 0 < thin < 0.7 * ink < ink < fat
        assert (styles.WIDTHS["MNIST's pen"](d) == d).all()


def test_restyled_copies_keep_their_labels_and_change_their_strokes():
    digits = np.stack([sample(d) for d in range(10)] * 20)
    x = digits.reshape(len(digits), -1).astype(np.float32) / 255
    labels = np.tile(np.arange(10), 20)
    copies, copied = styles.restyled(x, labels, 0.5, np.random.default_rng(0))
    assert copies.shape == (100, 784) and copies.dtype == np.float32
    assert copies.min() >= 0 and copies.max() <= 1
    again, _ = styles.restyled(x, labels, 0.5, np.random.default_rng(0))
    assert np.array_equal(copies, again)  # the same seed, the same copies
    originals = x[[list(labels).index(d) for d in copied]]  # each copy's digit, as it was
    changed = np.abs(copies - originals).max(axis=1) > 0.5
    assert changed.mean() >= 0.6  # a style or another pen on most of them
    thin = (copies > 0.5).sum(axis=1) < 0.7 * (originals > 0.5).sum(axis=1)
    fat = (copies > 0.5).sum(axis=1) > 1.2 * (originals > 0.5).sum(axis=1)
    assert 0.1 <= thin.mean() <= 0.4  # the 1 px pen: PENS' quarter, about
    assert 0.1 <= fat.mean() <= 0.55  # the brush, and styles' strokes with MNIST's pen


def test_training_with_styles_sees_the_copies_too():
    from digitnet.training.train import TrainConfig, train

    rng = np.random.default_rng(3)
    x = (rng.random((64, 784)) > 0.8).astype(np.float32)
    labels = rng.integers(0, 10, 64)
    seen = {}

    def count(epoch, batch, batches, loss, acc):
        seen[epoch] = batches

    train(TrainConfig(epochs=1, batch_size=16, styles=0.5), x, labels, on_batch=count)
    assert seen == {1: 6}  # 64 digits and 32 restyled copies, 16 a batch
    train(TrainConfig(epochs=1, batch_size=16), x, labels, on_batch=count)
    assert seen == {1: 4}
    a, b = (train(TrainConfig(epochs=1, batch_size=16, styles=0.5), x, labels) for _ in "ab")
    assert all(
        np.array_equal(p.weights, q.weights) for p, q in zip(a.layers, b.layers, strict=True)
    )
