"""Connected shapes and the grey morphology under the ink finder, against slow references."""

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from digitnet.image import components, ink


def reference_labels(mask: np.ndarray) -> np.ndarray:
    """Breadth-first flood fill, 8-connected, shapes numbered in raster order."""
    h, w = mask.shape
    labels = np.zeros((h, w), int)
    n = 0
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not labels[y, x]:
                n += 1
                labels[y, x] = n
                todo = deque([(y, x)])
                while todo:
                    cy, cx = todo.popleft()
                    for ny in range(max(cy - 1, 0), min(cy + 2, h)):
                        for nx in range(max(cx - 1, 0), min(cx + 2, w)):
                            if mask[ny, nx] and not labels[ny, nx]:
                                labels[ny, nx] = n
                                todo.append((ny, nx))
    return labels


masks = arrays(bool, st.tuples(st.integers(1, 24), st.integers(1, 24)))


@settings(max_examples=300, deadline=None)
@given(masks)
def test_labelling_matches_a_flood_fill(mask):
    shapes = components.label(mask)
    want = reference_labels(mask)
    np.testing.assert_array_equal(shapes.labels, want)
    assert shapes.count == want.max()
    for k in range(shapes.count):
        ys, xs = np.nonzero(want == k + 1)
        assert shapes.area[k] == len(ys)
        assert tuple(shapes.box[k]) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)


def test_diagonal_neighbours_are_one_shape_and_a_gap_makes_two():
    mask = np.array([[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 1]], bool)
    shapes = components.label(mask)
    assert shapes.count == 2
    assert shapes.box.tolist() == [[0, 0, 2, 2], [3, 1, 4, 3]]


def slow_filter(a: np.ndarray, size: int, op) -> np.ndarray:
    r = size // 2
    padded = np.pad(a, r, mode="edge")
    out = np.empty_like(a)
    for y in range(a.shape[0]):
        for x in range(a.shape[1]):
            out[y, x] = op.reduce(padded[y : y + size, x : x + size], axis=None)
    return out


@settings(max_examples=100, deadline=None)
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(1, 15), st.integers(1, 15)),
        elements=st.floats(0, 1, width=32),
    ),
    st.sampled_from([1, 3, 5, 7, 9, 13]),
)
def test_square_filters_and_opening_match_a_slow_reference(a, size):
    for op in (np.minimum, np.maximum):
        np.testing.assert_array_equal(ink.square_filter(a, size, op), slow_filter(a, size, op))
    opened = slow_filter(slow_filter(a, size, np.minimum), size, np.maximum)
    np.testing.assert_array_equal(ink.opening(a, size), opened)
    assert (ink.opening(a, size) <= a).all()  # an opening never adds ink


def test_shrinking_keeps_the_darkest_and_lightest_pixel_of_each_block():
    pixels = np.full((10, 7), 200, np.uint8)
    pixels[4, 5] = 0  # a one-pixel pen line survives at full strength
    lo, hi, mean = ink.shrink(pixels, 3)
    assert lo.shape == (4, 3)
    assert lo[1, 1] == 0 and (np.delete(lo.ravel(), 4) == 200 / 255).all()
    assert (hi == np.float32(200 / 255)).all()
    assert np.isclose(mean[1, 1], 200 * 8 / 9 / 255, atol=0.5 / 255)  # 8-bit means
