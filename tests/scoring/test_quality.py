"""Instrument quality: reliability against examples worked by hand, rates and distributions.

Alpha and correlations do not change when every item is rescaled by the same linear map, so
the hand computations below use the raw answers (0..4, 1..5) although the library works on the
0..100 values that enter the scores.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from scoring import (
    THRESHOLDS,
    Flag,
    QualityTally,
    QualityThresholds,
    flagged_items,
    instrument_quality,
)
from scoring.stats import alpha_if_deleted, cronbach_alpha, item_rest_correlations
from tests.scoring.builders import build, choice, scale

# Example 1: three items on 0..4, five respondents.
#
#        x1  x2  x3 | total  x2+x3  x1+x3  x1+x2
#   R1    4   3   4 |   11     7      8      7
#   R2    3   3   2 |    8     5      5      6
#   R3    2   1   2 |    5     3      4      3
#   R4    1   2   1 |    4     3      2      3
#   R5    0   1   1 |    2     2      1      1
#
# Means: x1 = x2 = x3 = 2, total 6. Sample variances (divide by n - 1 = 4):
#   x1: deviations 2 1 0 -1 -2,   squares 4+1+0+1+4  = 10 -> 2.5
#   x2: deviations 1 1 -1 0 -1,   squares 1+1+1+0+1  =  4 -> 1.0
#   x3: deviations 2 0 0 -1 -1,   squares 4+0+0+1+1  =  6 -> 1.5
#   total: deviations 5 2 -1 -2 -4, squares 25+4+1+4+16 = 50 -> 12.5
# alpha = 3/2 * (1 - (2.5 + 1.0 + 1.5) / 12.5) = 1.5 * 0.6 = 0.9
#
# Corrected item-total r = sum(dx * dr) / sqrt(SSx * SSr), r = the rest (sum of the others):
#   x1 vs x2+x3 (mean 4, deviations 3 1 -1 -1 -2, SS 16): cross 6+1+0+1+4 = 12
#      r1 = 12 / sqrt(10 * 16) = 12 / 12.6491 = 0.948683
#   x2 vs x1+x3 (mean 4, deviations 4 1 0 -2 -3, SS 30): cross 4+1+0+0+3 = 8
#      r2 = 8 / sqrt(4 * 30) = 8 / 10.9545 = 0.730297
#   x3 vs x1+x2 (mean 4, deviations 3 2 -1 -1 -3, SS 24): cross 6+0+0+1+3 = 10
#      r3 = 10 / sqrt(6 * 24) = 10 / 12 = 0.833333
# Alpha if deleted (two items left: 2 * (1 - sum of their variances / variance of their sum)):
#   without x1: 2 * (1 - (1.0 + 1.5) / (16/4 = 4.0)) = 2 * 0.375    = 0.75
#   without x2: 2 * (1 - (2.5 + 1.5) / (30/4 = 7.5)) = 2 * 0.46667  = 0.933333  > 0.9
#   without x3: 2 * (1 - (2.5 + 1.0) / (24/4 = 6.0)) = 2 * 0.416667 = 0.833333
# so x2 lowers alpha: the scale is more consistent without it.
EXAMPLE_1 = [(4, 3, 4), (3, 3, 2), (2, 1, 2), (1, 2, 1), (0, 1, 1)]

# Example 2: three items on 1..5, five respondents (a common textbook layout).
#        A  B  C | total  B+C
#   1    3  4  3 |  10     7
#   2    2  3  4 |   9     7
#   3    4  4  5 |  13     9
#   4    3  2  3 |   8     5
#   5    4  4  4 |  12     8
# A: mean 3.2, deviations -.2 -1.2 .8 -.2 .8,  squares .04+1.44+.64+.04+.64 = 2.8 -> 0.7
# B: mean 3.4, deviations .6 -.4 .6 -1.4 .6,   squares .36+.16+.36+1.96+.36 = 3.2 -> 0.8
# C: mean 3.8, deviations -.8 .2 1.2 -.8 .2,   squares .64+.04+1.44+.64+.04 = 2.8 -> 0.7
# total: mean 10.4, deviations -.4 -1.4 2.6 -2.4 1.6,
#        squares .16+1.96+6.76+5.76+2.56 = 17.2 -> 4.3
# alpha = 3/2 * (1 - 2.2 / 4.3) = 1.5 * 0.488372 = 0.732558
# A vs B+C (mean 7.2, deviations -.2 -.2 1.8 -2.2 .8, SS .04+.04+3.24+4.84+.64 = 8.8):
#   cross .04 + .24 + 1.44 + .44 + .64 = 2.8;  r = 2.8 / sqrt(2.8 * 8.8) = 2.8 / 4.96387 = 0.564076
EXAMPLE_2 = [(3, 4, 3), (2, 3, 4), (4, 4, 5), (3, 2, 3), (4, 4, 4)]


def test_statistics_on_example_1() -> None:
    data = np.array(EXAMPLE_1, dtype=float)
    assert cronbach_alpha(data) == pytest.approx(0.9)
    assert item_rest_correlations(data) == pytest.approx([0.948683, 0.730297, 0.833333], abs=1e-6)
    assert alpha_if_deleted(data) == pytest.approx([0.75, 0.933333, 0.833333], abs=1e-6)


def test_statistics_on_example_2() -> None:
    data = np.array(EXAMPLE_2, dtype=float)
    assert cronbach_alpha(data) == pytest.approx(0.732558, abs=1e-6)
    assert item_rest_correlations(data)[0] == pytest.approx(0.564076, abs=1e-6)


def dimension_definition() -> Any:
    return build(
        [
            scale("q1", "d"),
            scale("q2", "d"),
            scale("q3", "d"),
            scale("follow", "d", show_if="q1 >= 3"),
            scale("alone", "single"),
            choice("pick", "single", {"a": 100, "b": 0, "c": None}),
        ]
    )


def responses() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"q1": a, "q2": b, "q3": c, "alone": a, "pick": "a"} for a, b, c in EXAMPLE_1
    ]
    # an incomplete case: left out of alpha, counted in the rates
    rows.append({"q1": "na", "q3": 2, "follow": 4, "pick": "c"})
    return rows


def test_items_hidden_by_show_if_make_a_case_incomplete() -> None:
    report = instrument_quality(dimension_definition(), responses())
    d = report.dimensions["d"]
    # "follow" is shown only where q1 >= 3, so no response answers all four items of d ...
    assert d.complete_cases == 0
    assert d.alpha is None
    assert d.reason_code == "too_few_complete"


def test_reliability_of_example_1_through_the_library() -> None:
    definition = build([scale("q1", "d"), scale("q2", "d"), scale("q3", "d")])
    rows: list[dict[str, Any]] = [{"q1": a, "q2": b, "q3": c} for a, b, c in EXAMPLE_1]
    rows.append({"q1": 4, "q2": "na", "q3": 4})  # incomplete: not in alpha
    report = instrument_quality(definition, rows)
    d = report.dimensions["d"]
    assert d.complete_cases == 5
    assert d.alpha == pytest.approx(0.9)
    assert d.items["q2"].item_rest_correlation == pytest.approx(0.730297, abs=1e-6)
    assert d.items["q2"].alpha_if_deleted == pytest.approx(0.933333, abs=1e-6)
    assert [i for i, r in d.items.items() if r.lowers_alpha] == ["q2"]
    assert report.lowering_alpha == ("q2",)


def test_reverse_keyed_items_are_flipped_before_reliability() -> None:
    # x2 reverse-keyed and answered 4 - x2: its scored values are those of example 1
    definition = build([scale("q1", "d"), scale("q2", "d", reverse=True), scale("q3", "d")])
    rows = [{"q1": a, "q2": 4 - b, "q3": c} for a, b, c in EXAMPLE_1]
    assert instrument_quality(definition, rows).dimensions["d"].alpha == pytest.approx(0.9)


def test_rates_and_distributions() -> None:
    report = instrument_quality(dimension_definition(), responses())
    q1, q2 = report.items["q1"], report.items["q2"]
    assert (q1.shown, q1.answered, q1.not_applicable, q1.missing) == (6, 5, 1, 0)
    assert q1.not_applicable_rate == pytest.approx(1 / 6)
    assert q1.distribution == {"0": 1, "1": 1, "2": 1, "3": 1, "4": 1, "na": 1}
    assert q2.missing == 1
    assert q2.missing_rate == pytest.approx(1 / 6)
    # follow is shown only where q1 >= 3 (R1: 4, R2: 3); the answer of the sixth is hidden
    follow = report.items["follow"]
    assert (follow.shown, follow.answered, follow.missing, follow.missing_rate) == (2, 0, 2, 1.0)
    assert report.items["pick"].distribution == {"a": 5, "b": 0, "c": 1}


def test_single_item_dimension_has_no_alpha() -> None:
    single = instrument_quality(dimension_definition(), responses()).dimensions["single"]
    # alone and pick: two scored items, complete in the five first responses
    assert single.complete_cases == 5
    alone = instrument_quality(build([scale("only", "d")]), [{"only": 1}, {"only": 3}]).dimensions[
        "d"
    ]
    assert (alone.alpha, alone.reason_code) == (None, "single_item")
    assert alone.items["only"].item_rest_correlation is None


def test_no_variance() -> None:
    definition = build([scale("q1", "d"), scale("q2", "d")])
    report = instrument_quality(definition, [{"q1": 2, "q2": 2}] * 3)
    assert (report.dimensions["d"].alpha, report.dimensions["d"].reason_code) == (
        None,
        "no_variance",
    )


def test_report_is_json() -> None:
    data = json.loads(json.dumps(instrument_quality(dimension_definition(), responses()).to_dict()))
    assert data["items"]["q1"]["distribution"]["na"] == 1
    assert math.isclose(data["items"]["q1"]["not_applicable_rate"], 1 / 6)


def test_a_tally_of_batches_equals_the_report_over_all_responses() -> None:
    definition, rows = dimension_definition(), responses()
    tally = QualityTally(definition)
    for start in range(0, len(rows), 4):
        tally.add(rows[start : start + 4])
    assert tally.report() == instrument_quality(definition, rows)
    assert QualityTally(definition).report().responses == 0


def test_flags_name_each_reason_by_the_thresholds() -> None:
    definition = build([scale("q1", "d"), scale("q2", "d"), scale("q3", "d")])
    rows: list[dict[str, Any]] = [{"q1": a, "q2": b, "q3": c} for a, b, c in EXAMPLE_1]
    rows += [{"q1": 4, "q2": "na", "q3": 4}, {"q1": 4, "q3": 4}]  # q2: 1/7 N/A, 1/7 missing
    report = instrument_quality(definition, rows)
    # q2: alpha rises without it (0.93 > 0.9); N/A 14 % is under 20 %, missing 14 % over 10 %
    assert flagged_items(report) == {"q2": (Flag.LOWERS_ALPHA, Flag.MISSING)}
    strict = QualityThresholds(item_rest_min=0.8, not_applicable_max=0.1, missing_max=0.2)
    assert flagged_items(report, strict) == {
        "q2": (Flag.LOW_ITEM_REST, Flag.LOWERS_ALPHA, Flag.NOT_APPLICABLE)
    }
    assert THRESHOLDS.item_rest_min == 0.3
