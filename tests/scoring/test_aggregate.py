"""Organisation aggregates: hand-computed statistics, withholding and disagreement."""

from __future__ import annotations

import json
import math

import pytest

from scoring import GroupScore, aggregate_organisation, aggregate_scores, score_response
from scoring.definition import Definition
from tests.scoring.builders import build, scale


def three_dimensions() -> Definition:
    # one "percent" item per dimension, so a dimension scores exactly the value given
    return build(
        [
            scale("q.wide", "wide", "percent"),
            scale("q.near", "near", "percent"),
            scale("q.few", "few", "percent"),
        ],
        areas=[{"id": "all", "title": {"en": "All"}}],
        dimensions=[{"id": d, "title": {"en": d}, "area": "all"} for d in ("wide", "near", "few")],
    )


STAKEHOLDERS = [
    {"q.wide": 40, "q.near": 50, "q.few": 70},
    {"q.wide": 50, "q.near": 55},
    {"q.wide": 60, "q.near": 60},
    {"q.wide": 90, "q.few": 80},
]


def test_hand_computed_summary_and_disagreement() -> None:
    d = three_dimensions()
    aggregate = aggregate_organisation([score_response(d, a) for a in STAKEHOLDERS])
    wide = aggregate.dimensions["wide"]
    # 40 50 60 90: mean 240/4 = 60; median (50+60)/2 = 55
    # deviations -20 -10 0 30, squares 400 100 0 900 = 1400, sample variance 1400/3 = 466.67
    # SD = sqrt(466.67) = 21.6025; r_wg = 1 - 466.67 / (100^2/12 = 833.33) = 1 - 0.56 = 0.44
    assert (wide.n, wide.mean, wide.median, wide.min, wide.max) == (4, 60.0, 55.0, 40.0, 90.0)
    assert wide.sd == pytest.approx(math.sqrt(1400 / 3))
    assert wide.agreement == pytest.approx(0.44)
    assert wide.disagreement
    assert not wide.withheld
    # 50 55 60: mean 55, variance (25 + 0 + 25)/2 = 25, SD 5, r_wg = 1 - 25/833.33 = 0.97
    near = aggregate.dimensions["near"]
    assert (near.n, near.mean, near.median, near.sd) == (3, 55.0, 55.0, 5.0)
    assert near.agreement == pytest.approx(0.97)
    assert not near.disagreement
    assert aggregate.disagreements == ("wide",)
    assert aggregate.responses == 4


def test_dimension_with_too_few_scores_is_withheld() -> None:
    d = three_dimensions()
    few = aggregate_organisation([score_response(d, a) for a in STAKEHOLDERS]).dimensions["few"]
    assert few == GroupScore(
        n=2,
        mean=None,
        median=None,
        sd=None,
        min=None,
        max=None,
        agreement=None,
        disagreement=False,
        withheld=True,
        reason_code="group_too_small",
        reason="withheld: only 2 responses have a score here, at least 3 are needed",
    )


def test_small_group_is_withheld_everywhere_and_threshold_is_configurable() -> None:
    d = three_dimensions()
    profiles = [score_response(d, a) for a in STAKEHOLDERS[:2]]
    small = aggregate_organisation(profiles)
    assert all(g.withheld for g in small.dimensions.values())
    assert small.overall.withheld
    assert small.areas["all"].withheld
    assert small.dimensions["wide"].reason == "withheld: 2 responses, at least 3 are needed"
    shown = aggregate_organisation(profiles, min_group_size=2)
    assert shown.dimensions["wide"].mean == 45.0  # (40 + 50) / 2
    assert shown.dimensions["few"].withheld  # only 1 score


def test_areas_and_overall_are_aggregated_too() -> None:
    d = three_dimensions()
    aggregate = aggregate_organisation([score_response(d, a) for a in STAKEHOLDERS])
    # per response, area "all" = mean of its scored dimensions:
    # (40+50+70)/3 = 53.33, (50+55)/2 = 52.5, (60+60)/2 = 60, (90+80)/2 = 85
    area = aggregate.areas["all"]
    assert area.n == 4
    assert area.mean == pytest.approx((160 / 3 + 52.5 + 60 + 85) / 4)
    assert aggregate.overall.mean == pytest.approx(area.mean)


def test_single_score_has_no_spread() -> None:
    only = aggregate_scores([{"d": 50.0}], min_group_size=1)["d"]
    assert (only.n, only.mean, only.sd, only.agreement, only.disagreement) == (
        1,
        50.0,
        None,
        None,
        False,
    )


def test_full_agreement_and_none() -> None:
    same = aggregate_scores([{"d": 70.0}] * 3)["d"]
    assert (same.sd, same.agreement) == (0.0, 1.0)
    apart = aggregate_scores([{"d": 0.0}, {"d": 100.0}, {"d": 0.0}, {"d": 100.0}])["d"]
    assert apart.agreement == 0.0  # variance 3333 > 833: floored at 0


def test_invalid_group_size_and_mixed_versions() -> None:
    with pytest.raises(ValueError, match="min_group_size must be at least 1, got 0"):
        aggregate_scores([], min_group_size=0)
    d = three_dimensions()
    other = d.model_copy(update={"version": "2.0"})
    with pytest.raises(ValueError, match="different questionnaire versions"):
        aggregate_organisation([score_response(d, {}), score_response(other, {})])


def test_empty_organisation() -> None:
    aggregate = aggregate_organisation([])
    assert aggregate.responses == 0
    assert aggregate.dimensions == {}
    assert aggregate.overall.withheld


def test_to_dict_is_json() -> None:
    d = three_dimensions()
    aggregate = aggregate_organisation([score_response(d, a) for a in STAKEHOLDERS])
    data = json.loads(json.dumps(aggregate.to_dict()))
    assert data["dimensions"]["wide"]["mean"] == 60.0
    assert data["disagreements"] == ["wide"]
