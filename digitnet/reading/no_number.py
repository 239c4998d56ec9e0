"""Ink that holds no number, and why: a line, a dot, a scribble, specks, or only a frame
(``digitnet read`` says so rather than reading them as digits)."""

from __future__ import annotations

import numpy as np

from digitnet.image import digit_shapes, strokes
from digitnet.image.components import Shapes, union


def why(shapes: Shapes, strength: np.ndarray, faint: np.ndarray | None, scale: int):
    """Why the ink holds no number, or None, as read says it: see of_choice."""
    reason = of_choice(digit_shapes.choose(shapes, strength, faint, scale), shapes, scale)
    return reason and reason.replace("no digit found", "no number found").replace("a blot", "a dot")


def of_choice(choice: digit_shapes.Choice, shapes: Shapes, scale: int) -> str | None:
    """Why the ink holds no digit, as predict says it, or None, given digit_shapes.choose's
    ``choice`` of its ``shapes``: every group of ink that choose weighs as a digit is a dot, a
    speck or a single pen stroke wider than a digit (touching digits are wide too, but cross
    more than one stroke), or there is only a frame."""
    if choice.refusal is None or not choice.groups:
        return choice.refusal
    reasons = []
    for group in choice.groups:
        keep = np.zeros(shapes.count, bool)
        keep[group] = True
        box = union(shapes.box[group])
        why = digit_shapes.not_a_digit(shapes, keep, box, scale)
        if why is not None and why.startswith("text or a line"):
            why = digit_shapes.A_LINE if _one_stroke(shapes, keep, box) else None
        if why is None:
            return None
        reasons.append(why)
    if len(reasons) == 1:
        return reasons[0]
    kinds = sorted({"lines" if r == digit_shapes.A_LINE else "specks" for r in reasons})
    return f"no digit found ({' and '.join(kinds)})"


def _one_stroke(shapes: Shapes, keep: np.ndarray, box: tuple) -> bool:
    """Whether the kept ink inside ``box`` crosses each of its rows and columns about once."""
    return strokes.one_stroke(shapes.pixels_of(np.flatnonzero(keep) + 1, box))
