"""The digit in pictures people really make (digitnet/synth/digits.py), and refusals of
pictures that hold no single digit. The pictures are made here from the MNIST test digits
shipped in digitnet/samples; benchmarks/realworld.py measures the same on 200 a family."""

import re

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitnet.errors import BlankImageError, ImageError, NotOneDigitError
from digitnet.image import framing
from digitnet.predicting import one_digit
from digitnet.saved import shipped
from digitnet.synth.digits import FAMILIES
from digitnet.synth.not_digits import NOT_DIGITS

PER_FAMILY = 4
# Cases the preprocessing frames right but the network misreads, seen in the steps picture:
KNOWN_MISREADS = {("fat brush", 3)}  # the fat strokes close the 3 into an 8 (large: 8 at 0.70)


@pytest.fixture(scope="module")
def digits(samples):
    """The shipped MNIST test digits (28x28, light on black) and their labels."""
    paths = sorted(samples.glob("mnist-*.png"))
    return [(np.asarray(Image.open(p)), int(p.stem[-1])) for p in paths]


@pytest.fixture(scope="module")
def large():
    return shipped.load("large")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_is_read_as_its_digit(family, digits, large):
    index = list(FAMILIES).index(family)
    picked = [digits[(index + 3 * i) % len(digits)] for i in range(PER_FAMILY)]
    for digit, label in picked:
        rng = np.random.default_rng([index, label])
        x = one_digit.inputs(FAMILIES[family](rng, digit))
        assert x.shape == (784,) and x.min() >= 0 and x.max() == 1
        if (family, label) not in KNOWN_MISREADS:
            assert int(large.forward(x[None]).argmax()) == label, (family, label)


REFUSALS = {
    "dot": r"no digit found \(a (blot|speck) \d+ px wide\)",
    "specks": r"no digit found|several digits|no ink found",
    "line": r"text or a line, not a digit",
    "word": r"several digits side by side \(\d\)|text or a line",
    "blank photo": r"no ink found: the image looks blank",
    "two digits": r"several digits side by side \(2\): use 'digitnet read' for numbers",
}


# touching pairs are refused only when read as two digits surely or judged no single digit
# (30 of 40 in benchmarks/realworld.py): tests/test_read.py checks pairs that are
@pytest.mark.parametrize("kind", list(REFUSALS))
def test_pictures_without_one_digit_are_refused_with_the_reason(kind, digits):
    pool = np.stack([d for d, _ in digits])
    rng = np.random.default_rng(list(NOT_DIGITS).index(kind))
    for _ in range(3):
        with pytest.raises(ImageError) as refused:
            one_digit.inputs(NOT_DIGITS[kind](rng, pool))
        assert re.match(REFUSALS[kind], str(refused.value)), str(refused.value)


@pytest.mark.parametrize(
    "kind, seed, count, reasons",
    [  # a blank photo's darker corner, speckled by the camera's noise, was answered in about
        # one in ten (as 4, 1 or 7); a dot whose few pixels made no round blot, or a dot with a
        # speck beside it, in about one in thirty (a 4, a 6 at 0.99)
        ("blank photo", 1, 60, r"no ink found|no digit found \((blank paper|a speck|specks)"),
        ("dot", 7, 120, r"no digit found \((a blot|a speck|specks)"),
    ],
)
def test_a_blank_page_or_a_dot_is_not_a_digit(kind, seed, count, reasons):
    rng = np.random.default_rng(seed)
    answered = 0
    for _ in range(count):
        try:
            one_digit.inputs(NOT_DIGITS[kind](rng, None))
            answered += 1
        except ImageError as e:
            assert re.match(reasons, str(e)), e
    assert answered <= 1


def canvas_with(strokes, size=(400, 300)):
    from PIL import ImageDraw

    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    for points, width in strokes:
        d.line(points, fill=0, width=width)
    return img


def test_refusals_name_the_kind_of_error():
    blank = Image.new("L", (200, 200), 230)
    with pytest.raises(BlankImageError, match="no ink found"):
        one_digit.inputs_of(blank)
    dash = canvas_with([([(100, 150), (300, 150)], 8)])
    with pytest.raises(NotOneDigitError, match="text or a line, not a digit"):
        one_digit.inputs_of(dash)
    speck = canvas_with([([(200, 150), (203, 151)], 4)])
    with pytest.raises(NotOneDigitError, match=r"no digit found \(a speck \d+ px wide\)"):
        one_digit.inputs_of(speck)


def test_a_five_with_its_top_bar_apart_is_one_digit():
    body = [([(150, 120), (140, 180), (200, 175), (215, 215), (190, 255), (140, 250)], 12)]
    bar = [([(160, 90), (230, 90)], 12)]  # drawn apart, 20 px above the body
    steps = one_digit.image_steps(canvas_with(body + bar))
    assert steps.refusal is None
    assert steps.shapes.count == 2 and steps.choice.role == ["digit", "digit"]
    left, top, right, bottom = steps.box
    assert top <= 84 and bottom >= 255  # the box holds the bar and the body


def test_a_box_drawn_around_the_digit_and_a_far_speck_are_left_out():
    from PIL import ImageDraw

    img = canvas_with([([(170, 100), (230, 100), (190, 200)], 10)], size=(400, 300))
    d = ImageDraw.Draw(img)
    d.rectangle([120, 60, 280, 240], outline=0, width=4)  # the box
    d.ellipse([20, 270, 26, 276], fill=0)  # a speck of dust
    steps = one_digit.image_steps(img)
    assert sorted(steps.choice.role) == ["digit", "frame", "speck"]
    left, top, right, bottom = steps.box
    assert left >= 150 and right <= 250 and top >= 80 and bottom <= 220


def test_an_mnist_framed_picture_takes_the_fast_path_and_others_do_not(digits):
    digit, _ = digits[0]
    assert framing.mnist_framed(digit) is not None
    want = digit.ravel().astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(framing.mnist_framed(255 - digit), want)
    grey = (0.7 * 255 - digit * 0.6).astype(np.uint8)  # grey paper, dark ink
    assert framing.mnist_framed(grey) is None
    shifted = np.roll(digit, 5, axis=1)  # off-centre
    assert framing.mnist_framed(shifted) is None
    x = one_digit.inputs_of(Image.fromarray(shifted))
    np.testing.assert_allclose(one_digit.inputs_of(Image.fromarray(digit)), x, atol=0.35)


def test_thin_pen_strokes_are_grown_to_mnist_width_and_normal_ones_kept():
    thin = canvas_with([([(150, 60), (250, 60), (180, 240)], 2)], size=(1000, 1000))
    x = one_digit.inputs_of(thin).reshape(28, 28)
    assert framing.THIN_STROKE <= framing.stroke_width(x) <= 2.6
    normal = canvas_with([([(150, 60), (250, 60), (180, 240)], 18)], size=(400, 300))
    a = one_digit.inputs_of(normal).reshape(28, 28)
    saved, framing.THIN_STROKE = framing.THIN_STROKE, 0.0
    try:
        assert np.array_equal(one_digit.inputs_of(normal).reshape(28, 28), a)
        assert framing.stroke_width(one_digit.inputs_of(thin).reshape(28, 28)) < 1.2
    finally:
        framing.THIN_STROKE = saved


def test_stroke_widths_of_a_padded_stack_are_each_box_on_its_own():
    rng = np.random.default_rng(5)
    boxes = [
        rng.random((int(h), int(w))).astype(np.float32)
        for h, w in [(20, 7), (13, 20), (20, 20), (4, 9)]
    ]
    stack = np.zeros((len(boxes), framing.BOX, framing.BOX), np.float32)
    for i, a in enumerate(boxes):
        stack[i, : a.shape[0], : a.shape[1]] = a
    size = np.array([a.shape for a in boxes])
    want = [framing.stroke_width(a) for a in boxes]
    np.testing.assert_allclose(framing._stroke_widths(stack, size), want, rtol=1e-5)


def test_fit_many_frames_each_ink_as_fit_does_and_none_for_a_blank_one():
    pen = Image.new("F", (120, 200))
    ImageDraw.Draw(pen).line([(10, 10), (110, 10), (40, 190)], fill=1.0, width=2)
    thin = np.asarray(pen)
    scaled = framing._resized(framing._ink_box(thin), framing.BOX)
    assert framing.stroke_width(scaled) < framing.THIN_STROKE  # so fit grows it
    wide = np.zeros((30, 90), np.float32)
    wide[10:20, 5:85] = 1.0
    inks = [wide, np.zeros((10, 10), np.float32), thin, wide[:, :40]]
    framed = framing.fit_many(inks)
    assert framed[1] is None
    for ink, got in zip(inks, framed, strict=True):
        if got is not None:
            np.testing.assert_array_equal(got, framing.fit(ink))
    with pytest.raises(BlankImageError, match="no ink found"):
        framing.fit(inks[1])


def test_a_dark_ruling_line_across_the_picture_is_not_the_digit():
    img = canvas_with([([(170, 100), (230, 100), (190, 200)], 10), ([(0, 250), (399, 250)], 4)])
    steps = one_digit.image_steps(img)
    assert steps.refusal is None
    assert sorted(steps.choice.role) == ["digit", "edge"]
    assert steps.box[3] < 240  # the box ends above the line


def test_a_fat_ring_is_a_digit_and_a_filled_disc_is_not():
    from PIL import ImageDraw

    ring, disc = Image.new("L", (300, 300), 255), Image.new("L", (300, 300), 255)
    ImageDraw.Draw(ring).ellipse([60, 40, 240, 260], outline=0, width=60)  # a fat 0
    ImageDraw.Draw(disc).ellipse([130, 130, 160, 160], fill=0)  # a dot a tenth as wide
    assert one_digit.image_steps(ring).refusal is None
    assert re.match(r"no digit found \(a blot \d+ px wide\)", one_digit.image_steps(disc).refusal)


def test_two_rings_close_side_by_side_are_two_digits():
    from PIL import ImageDraw

    img = Image.new("L", (400, 240), 255)
    d = ImageDraw.Draw(img)
    d.ellipse([40, 40, 190, 200], outline=0, width=14)
    d.ellipse([200, 40, 350, 200], outline=0, width=14)  # 10 px apart: close, not touching
    assert one_digit.image_steps(img).refusal == (
        "several digits side by side (2): use 'digitnet read' for numbers"
    )


def test_a_dark_corner_cut_by_the_edge_beside_a_digit_is_left_out():
    from PIL import ImageDraw

    img = canvas_with([([(170, 100), (230, 100), (190, 200)], 10)])
    ImageDraw.Draw(img).ellipse([-120, 180, 120, 420], fill=60)  # a shadow's dark corner
    steps = one_digit.image_steps(img)
    assert steps.refusal is None and "digit" in steps.choice.role
    left, top, right, bottom = steps.box
    assert left > 120  # the corner is not in the digit's box


def eight(size, width, margin):
    """A thick 8 (two rings) on white, ``margin`` of the size all round."""
    from PIL import ImageDraw

    m = int(size * margin)
    img = Image.new("L", (size + 2 * m, int(size * 1.4) + 2 * m), 255)
    d = ImageDraw.Draw(img)
    d.ellipse([m + size * 0.1, m, m + size * 0.9, m + size * 0.65], outline=0, width=width)
    d.ellipse([m, m + size * 0.6, m + size, m + size * 1.4], outline=0, width=width)
    return img


@pytest.mark.parametrize("margin, alike", [(0.0, 0.8), (0.05, 0.95)])
def test_thick_strokes_on_a_tight_or_narrow_canvas_are_read_whole(margin, alike):
    """Junctions of thick strokes are wider than the usual opening square: the ink there
    must not be taken for paper (compare with the same 8 on a wide canvas; cut tight, its
    edges' anti-aliasing is lost, hence the lower bound). Measured: 0.85 and 1.0; with
    neither the wider square nor the deep-ink blobs, 0.74."""
    size = 200
    wide = one_digit.inputs_of(eight(size, 40, 1.0))
    tight = one_digit.inputs_of(eight(size, 40, margin))
    assert np.corrcoef(wide, tight)[0, 1] > alike


def test_faint_ruling_through_the_digit_is_left_out_of_its_input():
    digit = [([(170, 100), (230, 100), (190, 200)], 10)]
    plain = one_digit.inputs_of(canvas_with(digit))
    ruled = canvas_with(digit)
    from PIL import ImageDraw

    ImageDraw.Draw(ruled).line([(0, 150), (399, 150)], fill=190, width=2)  # light grey
    lined = one_digit.inputs_of(ruled)
    assert np.count_nonzero(lined) - np.count_nonzero(plain) <= 4


def test_a_small_fat_ring_is_a_digit_not_a_blot():
    from PIL import ImageDraw

    img = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(img).ellipse([180, 170, 220, 225], outline=0, width=14)  # a small, fat 0
    assert one_digit.image_steps(img).refusal is None


def solid_loop(canvas: int) -> Image.Image:
    """A 9 whose loop is filled solid: a blob wider than the opening's square, on a canvas
    ``canvas`` pixels wide with the digit in the middle."""
    from PIL import ImageDraw

    img = Image.new("L", (canvas, canvas), 255)
    d = ImageDraw.Draw(img)
    c = canvas // 2
    d.ellipse([c - 60, c - 110, c + 60, c + 10], fill=0)
    d.line([(c + 50, c - 50), (c + 30, c + 110)], fill=0, width=14)
    return img


def test_ink_wider_than_the_opening_square_is_ink_not_paper():
    wide = one_digit.inputs_of(solid_loop(1200))  # the square is 300 px: fits nothing
    narrow = one_digit.inputs_of(solid_loop(300))  # the square is 75 px: fits the loop
    assert np.corrcoef(wide, narrow)[0, 1] > 0.95


@pytest.mark.parametrize("name, seed", [("mnist-00000-7.png", 5), ("mnist-00061-8.png", 0)])
def test_a_tight_crop_of_an_mnist_digit_comes_back_as_the_digit(samples, name, seed):
    """Cut tight, MNIST's strokes are a sixth of the picture wide and their loops and
    junctions wider than the usual opening square: the square grows with the strokes.
    Measured: 0.997 and 0.991 alike the 28x28 digit; 0.75 and 0.71 with the usual square."""
    from digitnet.synth.digits import tight_crop

    digit = np.asarray(Image.open(samples / name))
    x = one_digit.inputs(tight_crop(np.random.default_rng(seed), digit))
    assert np.corrcoef(x, digit.ravel() / 255)[0, 1] > 0.95
