"""Property tests: whatever the canvas, 784 finite values in [0, 1] or a clear error."""

import numpy as np
import pytest
from helpers import png_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from digitnet.errors import ImageError
from digitnet.predicting import one_digit

MODES = ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"]


@st.composite
def canvases(draw):
    w, h = draw(st.integers(1, 400)), draw(st.integers(1, 400))
    paper = draw(st.integers(0, 255))
    ink = draw(st.integers(0, 255))
    img = Image.new("L", (w, h), paper)
    d = ImageDraw.Draw(img)
    for _ in range(draw(st.integers(0, 4))):  # 0 strokes: a blank canvas
        pts = [(draw(st.integers(0, w)), draw(st.integers(0, h))) for _ in range(2)]
        d.line(pts, fill=ink, width=draw(st.integers(1, 20)))
    noise = draw(st.sampled_from([0.0, 5.0, 40.0]))
    a = np.asarray(img, dtype=np.float64)
    if noise:
        seed = draw(st.integers(0, 2**16))
        a = a + np.random.default_rng(seed).normal(0, noise, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    mode = draw(st.sampled_from(MODES))
    if mode == "I;16":
        return Image.fromarray(np.asarray(img).astype(np.uint16) * 257)
    return img.convert(mode)


@pytest.mark.slow  # 150 random canvases
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(canvases())
def test_any_canvas_gives_valid_activations_or_a_clear_error(img):
    try:
        a = one_digit.inputs(png_bytes(img))
    except ImageError as e:
        assert str(e)  # a reason a person can read
        return
    assert a.shape == (784,) and a.dtype == np.float32
    assert np.isfinite(a).all() and a.min() >= 0 and a.max() <= 1
    assert a.max() > 0  # a digit was found, so some ink is there


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data):
    try:
        one_digit.inputs(b"\x89PNG\r\n\x1a\n" + data)
    except ImageError as e:
        assert str(e)
