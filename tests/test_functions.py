import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from digitnet.nn import functions as act


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_never_overflows_or_warns(dtype):
    info = np.finfo(dtype)
    z = np.array([info.min, -1e4, -100, -1, 0, 1, 100, 1e4, info.max], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.sigmoid(z)
    assert a.dtype == dtype
    assert np.isfinite(a).all() and (a >= 0).all() and (a <= 1).all()
    assert a[0] == 0 and a[-1] == 1 and a[4] == 0.5


@given(arrays(np.float64, st.integers(1, 50), elements=st.floats(-1e300, 1e300)))
def test_sigmoid_matches_the_formula_and_stays_in_range(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.sigmoid(z)
    assert ((a >= 0) & (a <= 1)).all()
    safe = np.abs(z) < 30
    np.testing.assert_allclose(a[safe], 1 / (1 + np.exp(-z[safe])), rtol=1e-12)


def test_relu_and_softmax():
    z = np.array([[-2.0, 0.0, 3.0], [1000.0, 1000.0, -1000.0]])
    np.testing.assert_array_equal(act.relu(z), [[0, 0, 3], [1000, 1000, 0]])
    s = act.softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1)
    np.testing.assert_allclose(s[1], [0.5, 0.5, 0])
    assert np.isfinite(s).all()
