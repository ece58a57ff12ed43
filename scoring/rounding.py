"""The one rounding rule for the scores people read: half up, to one decimal.

A reader sees a rounded score and, beside it, its level and whether it is a strength or a
weakness. Those are decided on the rounded value, never on the unrounded one: an overall
index of 74.96 reads "75.0" and is in the band that starts at 75, a dimension of 66.67 reads
"66.7" and is a strength where ``strength_at`` is 66.7. Every page, download and chart shows
this value (:attr:`scoring.profile.DimensionScore.rounded`); the unrounded ``score`` stays
for arithmetic (composites, group statistics), so rounding never compounds.

Scores are means of binary floating-point numbers, so a mean that is exactly 74.75 on paper
can come out as 74.74999999999999. A score less than 1e-7 below a half-way point therefore
counts as on it (far below any difference an answer can make), then the rule rounds half up:
what a person computing by hand gets. The arithmetic is four elementwise steps, done by numpy for
the bulk path and on one float for a single score.

>>> round_score(74.72), round_score(74.96), round_score(66.666666666666)
(74.7, 75.0, 66.7)
>>> round_score(74.75), round_score(74.74999999999999), round_score(0.05)
(74.8, 74.8, 0.1)
>>> round_score(None) is None
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

SCORE_DECIMALS = 1
"""Decimals of every score shown: pages, downloads, charts."""
_SCALE = 10.0**SCORE_DECIMALS
_HALF = 0.5 + 1e-7 * _SCALE  # half up, with float noise below the half-way point forgiven


def round_scores(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Scores rounded by the rule (elementwise; NaN, a missing score, stays NaN)."""
    rounded: NDArray[np.float64] = np.multiply(scores, _SCALE, dtype=np.float64)
    rounded += _HALF
    np.floor(rounded, out=rounded)
    rounded /= _SCALE
    return rounded


def round_score(score: Any) -> float | None:
    """One score rounded by the rule; ``None`` (no score) stays ``None``.

    The same arithmetic as :func:`round_scores` on one Python float (IEEE multiply, add,
    floor and divide are the same operations), so a single profile and a bulk result agree;
    a NaN (no score) gives ``None``.
    """
    if score is None:
        return None
    value = float(score)
    if value != value:
        return None
    if math.isinf(value):
        return value
    return math.floor(value * _SCALE + _HALF) / _SCALE
