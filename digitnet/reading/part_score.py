"""How convincing a part of a number's ink is as one digit: the score ``digitnet read``
chooses its segmentation by (its weights are in digitnet.reading.read_settings)."""

from __future__ import annotations

import math

import numpy as np

from digitnet.reading.read_settings import ReadSettings

# How wide each digit is for its height: the mean and spread of log(width / height) of its
# ink's box, measured on MNIST's 60,000 training digits by models/digit_aspect.py. A 1
# is about 0.4 as wide as tall, a 0 or a 2 about 0.9; a part read as a digit is judged by
# that digit's own widths.
# table: models/digit_aspect.py --write
LOG_ASPECT = (
    (-0.108, 0.199), (-0.948, 0.458), (-0.074, 0.222), (-0.241, 0.214), (-0.247, 0.216),
    (-0.076, 0.264), (-0.334, 0.219), (-0.271, 0.217), (-0.288, 0.224), (-0.405, 0.207),
)  # fmt: skip
# end of table


def score(output: np.ndarray, one: float, box, height: float, settings: ReadSettings) -> float:
    """How convincing one part is as a digit: the log-likelihood of its answer, of its
    being one digit (the judge's say) and of its width for the digit it is read as."""
    return (
        math.log(max(float(output.max()), 1e-9))
        + settings.judge_weight * math.log(max(float(one), 1e-9))
        - 0.5 * excess_width(output, box, height, settings.aspect_slack) ** 2
    )


def excess_width(output: np.ndarray, box, height: float, slack: float) -> float:
    """How far a part's width is from the usual widths of the digit it is read as, in
    spreads beyond ``slack``: 0 for a usual width."""
    mean, spread = LOG_ASPECT[int(output.argmax())]
    aspect = max(box[2] - box[0], 1) / height
    return max(0.0, abs(math.log(aspect) - mean) / spread - slack)


def clearly_one(output: np.ndarray, one: float, box, height: float, settings: ReadSettings):
    """A whole mark read surely, judged one digit and about as wide as its digit usually is
    (settings.clearly_one, settings.clear_excess)."""
    surely, judged = settings.clearly_one
    return (
        output.max() >= surely
        and one >= judged
        and excess_width(output, box, height, settings.aspect_slack) <= settings.clear_excess
    )
