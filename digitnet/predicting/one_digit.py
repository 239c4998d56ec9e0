"""One digit in a picture: the network's 784 inputs, or why the picture holds no single
digit, as ``digitnet predict`` decides.

digitnet.image.preprocess finds the digit among the ink's shapes (steps 1 to 8 of its docstring);
this module adds the last step, which needs the number reader: ink taken for one digit
that ``digitnet read`` surely reads as several digits, touching or in lines one above
another, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from digitnet.errors import BlankImageError, NotOneDigitError
from digitnet.image import components, digit_shapes, preprocess
from digitnet.image import ink as ink_mod
from digitnet.image.digit_ink import digit_strength, image_box
from digitnet.image.framing import SIDE, mnist_framed
from digitnet.limits import MAX_PIXELS


@dataclass(frozen=True)
class Several:
    """When ink taken for one digit is several digits, refused; figures in docs/decisions.md
    ("Touching digits given to predict"). ``dataclasses.replace(SEVERAL, ...)`` varies one."""

    # Touching digits are one shape: chosen ink at least this many times as wide as tall
    # (wider than most single digits) is read as a number, and refused when read as several
    # digits, each this surely, or at all when the judge gives the whole shape less than
    # this of being one digit.
    touching_aspect: float = 1.25
    touching_sure: float = 0.95
    touching_judged: float = 0.02
    # Ink in lines one above another is refused when read as a line of several digits, each
    # this surely: a bold digit's broken stroke or a shadow over a digit is read less surely.
    lines_sure: float = 0.9
    # ... or when every digit read is at least this tall against the tallest, and no wider
    # than a digit is for its height (PIECES_ASPECT: a broken digit's pieces or a shadow's
    # sliver are not) ...
    stacked_size: float = 0.7
    # ... and read at least this surely, when a line holds several (the shapes tell stacked
    # digits, so less sureness is asked of them); a digit over a digit is asked lines_sure,
    # as the pieces of a digit broken by a ruled line or a shadow read surely too.
    whole_sure: float = 0.5


SEVERAL = Several()


def image_steps(img: Image.Image) -> preprocess.Steps:
    """Every step of reading a decoded picture; a picture with no single digit comes back
    with ``refusal`` set and no inputs (``digitnet inspect image --steps`` draws them)."""
    return steps_of(np.asarray(preprocess.grayscale(img)))


def steps_of(
    pixels: np.ndarray, several: Several | None = SEVERAL, signs: bool = True
) -> preprocess.Steps:
    """The steps for a grayscale picture (rows x columns); ``several=None`` skips the checks
    for several digits, which run the number reader (a drawing pad does while the pen
    moves). ``signs=False`` reads a mark that is no digit (a letter, a sign) as some digit
    (reading.signs)."""
    return _checked(preprocess.steps(pixels), several, signs)


def inputs_of_pixels(
    pixels: np.ndarray, several: Several | None = SEVERAL, signs: bool = True
) -> np.ndarray:
    """784 float32 activations in [0, 1] for a grayscale picture (rows x columns, uint8);
    an ImageError says why there are none (see steps_of for ``several`` and ``signs``)."""
    if pixels.shape == (SIDE, SIDE) and (framed := mnist_framed(pixels)) is not None:
        return framed  # no Steps for MNIST's own pictures: this path must be quick
    steps = _checked(preprocess.unframed_steps(pixels), several, signs)  # framing looked at once
    if steps.refusal is not None:
        raise (BlankImageError if steps.ink is None else NotOneDigitError)(steps.refusal)
    return steps.inputs


def _checked(steps: preprocess.Steps, several: Several | None, signs: bool) -> preprocess.Steps:
    """The image steps with the several-digit checks and the sign check made (see steps_of)."""
    if steps.ink is None:  # blank, or taken as MNIST-framed
        return steps
    if steps.refusal is not None:
        return steps._replace(refusal=_not_digits(steps) or _in_lines(steps) or steps.refusal)
    if several is None or steps.inputs is None:
        return steps
    from digitnet.reading import segment  # only here (start-up time)

    lines = segment.digit_lines(steps.strength)  # lines of ink, as digitnet read parts them
    if (read := _lines_read(lines, steps.strength, several)) > 1:
        return steps._replace(inputs=None, refusal=digit_shapes.stacked(read))
    if (count := _touching(steps.strength, steps.inputs, several)) > 1:
        refusal = digit_shapes.stacked(lines) if lines > 1 else None  # touching across lines
        return steps._replace(
            inputs=None, refusal=refusal or digit_shapes.several(count, "touching")
        )
    from digitnet.reading.signs import A_SIGN, signs_of  # only here (start-up time)

    if signs and signs_of(steps.inputs.reshape(1, -1))[0]:  # a letter, a drawn tick
        return steps._replace(inputs=None, refusal=A_SIGN)
    return steps


def inputs_of(img: Image.Image) -> np.ndarray:
    """784 float32 activations in [0, 1] for a decoded image."""
    return inputs_of_pixels(np.asarray(preprocess.grayscale(img)))


def inputs(picture, max_pixels: int = MAX_PIXELS, signs: bool = True) -> np.ndarray:
    """The 784 activations for a picture (see preprocess.gray_pixels for what a picture
    may be; steps_of for ``signs``)."""
    return inputs_of_pixels(preprocess.gray_pixels(picture, max_pixels), signs=signs)


def _not_digits(steps: preprocess.Steps) -> str | None:
    """For several shapes: why none of them is a digit (a blank page's shading, specks,
    lines), or None. Sending specks to read as "several digits" misled."""
    if not digit_shapes.of_several(steps.choice.refusal):
        return None
    from digitnet.reading import no_number  # only here: most pictures never need it

    ink, shape = steps.ink, steps.gray.shape
    boxes = [
        image_box(components.union(steps.shapes.box[g]), ink.scale, shape)
        for g in steps.choice.groups
    ]
    if ink_mod.shading(ink, boxes, shape):
        return preprocess.BLANK_PAPER
    return no_number.of_choice(steps.choice, steps.shapes, ink.scale)


def _in_lines(steps: preprocess.Steps) -> str | None:
    """For several digits side by side: the refusal of digits in lines one above another,
    if they are (a digit over a digit joins into one group, so the groups stand side by
    side), else None."""
    pixels, ink, shapes, choice = steps.gray, steps.ink, steps.shapes, steps.choice
    if not digit_shapes.side_by_side(choice.refusal):
        return None
    from digitnet.reading import segment  # only here: most pictures never need it (start-up time)

    keep = np.zeros(shapes.count, bool)
    keep[np.concatenate(choice.groups)] = True
    box = image_box(components.union(shapes.box[keep]), ink.scale, pixels.shape)
    lines = segment.digit_lines(digit_strength(pixels, ink, shapes, keep, box))
    return digit_shapes.stacked(lines) if lines > 1 else None


def _lines_read(lines: int, strength: np.ndarray, several: Several) -> int:
    """How many lines of digits ink taken for one digit holds: 1 unless it splits into
    ``lines`` of 2 or more (segment.digit_lines) and digitnet read finds digits in them, each
    a whole digit's size and shape, or a line of several digits, every digit surely (a digit
    broken in two, or a shadow's sliver over a digit, reads as one digit over another)."""
    if lines < 2:
        return 1
    from digitnet.reading import reader  # the number reader: only for ink in lines
    from digitnet.reading.number import Digit

    reading = reader.ink_reading(strength)
    if reading is None or len(reading.lines) < 2:
        return 1
    sure = min(d.confidence for d in reading.digits)
    in_line = max(sum(isinstance(m, Digit) for m in line) for line in reading.lines)
    if in_line > 1 and sure >= several.lines_sure:
        return len(reading.lines)
    boxes = [d.box for d in reading.digits]
    tallest = max(b[3] - b[1] for b in boxes)
    whole = all(
        b[3] - b[1] >= several.stacked_size * tallest
        and b[2] - b[0] <= digit_shapes.PIECES_ASPECT * (b[3] - b[1])
        for b in boxes
    )
    need = several.whole_sure if in_line > 1 else several.lines_sure  # one over one: a break?
    return len(reading.lines) if whole and sure >= need else 1


def _touching(strength: np.ndarray, inputs: np.ndarray, several: Several) -> int:
    """How many digits touch in the chosen ink (``inputs``: as the network sees it): 1
    unless it is at least several.touching_aspect as wide as tall and digitnet read finds several
    digits in it, each surely or the whole judged no single digit."""
    rows, cols = np.flatnonzero(strength.any(axis=1)), np.flatnonzero(strength.any(axis=0))
    if len(cols) < several.touching_aspect * max(len(rows), 1):
        return 1
    from digitnet.reading import reader  # only here (start-up time)

    return reader.touching_count(strength, inputs, several.touching_sure, several.touching_judged)
