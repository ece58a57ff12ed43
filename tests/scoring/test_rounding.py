"""One rounding rule: levels, strengths and weaknesses are decided on the value people see.

Before, the overall 74.72 read "75 of 100 · Level: Established" while the next band starts at
75, and a dimension of 66.67 read "67" but was no strength at ``strength_at`` 66.7. Scores are
now shown rounded half up to one decimal, and everything beside the number is decided on that.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import Definition, round_score, round_scores, score_bulk, score_response
from tests.scoring.builders import build, choice, dimension

BANDS = [
    {"id": "initial", "min": 0, "label": {"en": "Initial"}},
    {"id": "established", "min": 40, "label": {"en": "Established"}},
    {"id": "advanced", "min": 75, "label": {"en": "Advanced"}},
]
VALUES = [74.72, 74.96, 74.94, 75.0, 66.67, 66.65, 66.64, 39.95, 39.94, 100 * 2 / 3]


def exact() -> Definition:
    """One dimension per value to test; its single choice ``v`` scores exactly that value."""
    return build(
        [choice(f"q{n}", f"d{n}", {"v": value, "zero": 0}) for n, value in enumerate(VALUES)],
        dimensions=[dimension(f"d{n}") for n in range(len(VALUES))],
        scoring={"min_coverage": 0.5, "bands": BANDS, "strength_at": 66.7, "weakness_below": 40},
    )


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (74.72, 74.7),
        (74.96, 75.0),
        (74.95, 75.0),  # half up, although 74.95 is stored as 74.9499999999999957...
        (74.94, 74.9),
        (66.67, 66.7),
        (66.65, 66.7),
        (66.64, 66.6),
        (200 / 3, 66.7),
        (0.05, 0.1),
        (99.96, 100.0),
        (0.0, 0.0),
        (100.0, 100.0),
        (74.74999999999999, 74.8),  # 74.75 computed with float noise reads as 74.75 by hand
    ],
)
def test_round_half_up_to_one_decimal(score: float, shown: float) -> None:
    assert round_score(score) == shown
    assert round_scores(np.array([score])).tolist() == [shown]


def test_missing_stays_missing() -> None:
    assert round_score(None) is None
    assert np.isnan(round_scores(np.array([np.nan]))[0])


@given(st.floats(min_value=0, max_value=100))
def test_single_and_array_rounding_agree(score: float) -> None:
    assert round_scores(np.array([score, score]))[1] == round_score(score)
    assert abs((round_score(score) or 0) - score) <= 0.05 + 1e-9


def test_bands_strengths_and_weaknesses_follow_the_shown_value() -> None:
    profile = score_response(exact(), {f"q{n}": "v" for n in range(len(VALUES))})
    seen = [
        (d.rounded, d.band, d.strength, d.weakness)
        for d in (profile.dimensions[f"d{n}"] for n in range(len(VALUES)))
    ]
    assert seen == [
        (74.7, "established", True, False),  # 74.72: below 75 as shown
        (75.0, "advanced", True, False),  # 74.96 reads 75.0: the band that starts at 75
        (74.9, "established", True, False),
        (75.0, "advanced", True, False),
        (66.7, "established", True, False),  # 66.67 reads 66.7: a strength at 66.7
        (66.7, "established", True, False),  # 66.65 reads 66.7 too
        (66.6, "established", False, False),  # 66.64 reads 66.6: not a strength
        (40.0, "established", False, False),  # 39.95 reads 40.0: not a weakness (< 40)
        (39.9, "initial", False, True),  # 39.94 reads 39.9: a weakness
        (66.7, "established", True, False),  # 2/3 of 100
    ]
    assert profile.dimensions["d0"].score == pytest.approx(74.72)  # unrounded kept


def test_composites_take_their_band_from_the_shown_value() -> None:
    # two dimensions whose mean is 74.95
    d = build(
        [choice("a", "a", {"v": 74.9, "zero": 0}), choice("b", "b", {"v": 75.0, "zero": 0})],
        scoring={"min_coverage": 0.5, "bands": BANDS},
    )
    p = score_response(d, {"a": "v", "b": "v"})
    # overall = (74.9 + 75.0) / 2 = 74.95 -> shown 75.0 -> advanced
    assert p.overall.score == pytest.approx(74.95)
    assert (p.overall.rounded, p.overall.band) == (75.0, "advanced")
    p = score_response(d, {"a": "v", "b": "zero"})
    # overall = 74.9 / 2 = 37.45 -> 37.5 -> initial (below 40)
    assert (p.overall.rounded, p.overall.band) == (37.5, "initial")


def test_bulk_decides_on_the_same_rounded_values() -> None:
    definition = exact()
    answers = {f"q{n}": "v" for n in range(len(VALUES))}
    bulk = score_bulk(definition, [answers])
    profile = score_response(definition, answers)
    ids = [b["id"] for b in BANDS]
    bands = [ids[b] for b in bulk.bands(bulk.dimension_scores)[0]]
    assert bands == [d.band for d in profile.dimensions.values()]
    assert bulk.strengths()[0].tolist() == [d.strength for d in profile.dimensions.values()]
    assert bulk.weaknesses()[0].tolist() == [d.weakness for d in profile.dimensions.values()]
