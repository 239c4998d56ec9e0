"""Ink that holds no number, and why: a line, a dot, a scribble, specks, or only a frame
(``digitnet read`` says so rather than reading them as digits)."""

from __future__ import annotations

import numpy as np

from digitnet.image import digit_shapes, strokes
from digitnet.image.components import Shapes, union


def why(shapes: Shapes, strength: np.ndarray, faint: np.ndarray | None, scale: int):
    """Why the ink holds no number, or None: every group of ink that digit_shapes.choose
    weighs as a digit is a dot, a speck or a single pen stroke wider than a digit (touching digits
    are wide too, but cross more than one stroke), or there is only a frame."""
    choice = digit_shapes.choose(shapes, strength, faint, scale)
    if choice.refusal is None or not choice.groups:
        return None if choice.refusal is None else _as_number(choice.refusal)
    reasons = []
    for group in choice.groups:
        keep = np.zeros(shapes.count, bool)
        keep[group] = True
        box = union(shapes.box[group])
        why = digit_shapes.not_a_digit(shapes, keep, box, scale)
        if why is not None and why.startswith("text or a line"):
            why = "a line" if _one_stroke(shapes, keep, box) else None
        elif why == digit_shapes.A_LINE:
            why = "a line"
        if why is None:
            return None
        reasons.append(why)
    if len(reasons) == 1:
        return _as_number(reasons[0])
    kinds = sorted({"lines" if r == "a line" else "specks" for r in reasons})
    return f"no number found ({' and '.join(kinds)})"


def _as_number(why: str) -> str:
    """predict's refusal of a lone group, as read says it."""
    if why == "a line":
        return "no number found (a line)"
    return why.replace("no digit found", "no number found").replace("a blot", "a dot")


def _one_stroke(shapes: Shapes, keep: np.ndarray, box: tuple) -> bool:
    """Whether the kept ink inside ``box`` crosses each of its rows and columns about once."""
    return strokes.one_stroke(shapes.pixels_of(np.flatnonzero(keep) + 1, box))
