"""Hand-computed profiles: every scoring rule with numbers worked out in the comments."""

from __future__ import annotations

import json

import pytest

from scoring import Definition, recommendations, score_response
from tests.scoring.builders import build, choice, dimension, minimal, scale

# The example used throughout (scales: agree 0..4 with n/a, five 1..5 without):
#
#   area outer (root, weight 1)
#     area inner (weight 2)   <- dimension a (weight 1), dimension b (weight 3)
#     dimension c             <- items c1, c2 shown only if gate == 'yes'
#   dimension s (no area: top level)
#   index lens  = [a, s];  index mixed = [inner, c]
#
#   a1 agree weight 2, a2 agree reverse, a3 five      b1 agree (a single-item dimension)
#   s1 single choice yes 100 / partly 50 / no 0 / unsure (no score)
#   s2 multi choice x 50 / y 30 / z 40 / none (no score)


def network() -> Definition:
    return build(
        items=[
            scale("a1", "a", weight=2),
            scale("a2", "a", reverse=True),
            scale("a3", "a", "five"),
            scale("b1", "b"),
            choice("c.gate", "c", {"yes": None, "no": None}),
            scale("c1", "c", show_if="c.gate == 'yes'"),
            scale("c2", "c", show_if="c.gate == 'yes'"),
            choice("s1", "s", {"yes": 100, "partly": 50, "no": 0, "unsure": None}),
            choice("s2", "s", {"x": 50, "y": 30, "z": 40, "none": None}, multi=True),
        ],
        dimensions=[
            dimension("a", area="inner", recommendations={"en": ["Do a"]}),
            dimension("b", area="inner", weight=3, recommendations={"en": ["Do b", "Then b"]}),
            dimension("c", area="outer"),
            dimension("s"),
        ],
        areas=[
            {"id": "inner", "title": {"en": "Inner"}, "weight": 2, "area": "outer"},
            {"id": "outer", "title": {"en": "Outer"}},
        ],
        indexes=[
            {"id": "lens", "title": {"en": "Lens"}, "of": ["a", "s"]},
            {"id": "mixed", "title": {"en": "Mixed"}, "of": ["inner", "c"]},
        ],
    )


FULL = {
    "a1": 3,  # (3-0)/4 = 0.75, weight 2
    "a2": 0,  # reverse: 1 - 0/4 = 1.0
    "a3": 2,  # (2-1)/(5-1) = 0.25
    "b1": 1,  # 0.25
    "c.gate": "no",  # hides c1 and c2: dimension c has no item shown
    "c1": 4,  # kept in the response, not scored
    "s1": "partly",  # 0.5
    "s2": ["x", "y"],  # min(100, 50 + 30) / 100 = 0.8
}


def test_dimension_weighted_mean_with_reverse_item_and_other_scale() -> None:
    # a = 100 * (2*0.75 + 1*1.0 + 1*0.25) / (2 + 1 + 1) = 100 * 2.75 / 4 = 68.75
    a = score_response(network(), FULL).dimensions["a"]
    assert a.score == pytest.approx(68.75)
    assert (a.coverage, a.answered, a.shown, a.band) == (1.0, 3, 3, "mid")
    assert a.reason_code is None
    assert a.reason is None
    assert a.strength
    assert not a.weakness


def test_single_item_dimension() -> None:
    b = score_response(network(), FULL).dimensions["b"]
    assert b.score == pytest.approx(25.0)  # 100 * 0.25
    assert (b.band, b.weakness) == ("low", True)  # 25 < 40


def test_not_applicable_is_excluded_and_lowers_coverage_only() -> None:
    # a1 n/a: answered weight 1 + 1 of shown 2 + 1 + 1 = 4 -> coverage 0.5 (enough)
    # a = 100 * (1.0 + 0.25) / 2 = 62.5
    a = score_response(network(), {**FULL, "a1": "na"}).dimensions["a"]
    assert (a.score, a.coverage, a.answered, a.not_applicable) == (62.5, 0.5, 2, 1)


def test_low_coverage_gives_no_score_and_a_reason() -> None:
    # a1 and a2 n/a: answered weight 1 of 4 -> coverage 0.25 < 0.5
    a = score_response(network(), {**FULL, "a1": "na", "a2": "na"}).dimensions["a"]
    assert (a.score, a.coverage, a.band) == (None, 0.25, None)
    assert a.reason_code == "low_coverage"
    assert a.reason == "not enough answers (coverage 25% < 50%)"


def test_all_not_applicable() -> None:
    profile = score_response(network(), {**FULL, "b1": "na"})
    b = profile.dimensions["b"]
    assert (b.score, b.coverage, b.answered, b.shown, b.not_applicable) == (None, 0.0, 0, 1, 1)
    assert b.reason == "not enough answers (coverage 0% < 50%)"
    assert "b" not in profile.weaknesses  # a missing score is never a weakness (nor a 0)


def test_show_if_hiding_a_whole_dimension() -> None:
    c = score_response(network(), FULL).dimensions["c"]
    assert (c.score, c.coverage, c.shown, c.answered) == (None, None, 0, 0)
    assert (c.reason_code, c.reason) == ("no_items_shown", "no items shown")


def test_show_if_shown_items_count() -> None:
    # gate yes: c1 = 4 -> 1.0, c2 unanswered -> coverage 1/2, score 100
    c = score_response(network(), {**FULL, "c.gate": "yes"}).dimensions["c"]
    assert (c.score, c.coverage, c.shown, c.answered) == (100.0, 0.5, 2, 1)


def test_scored_choices() -> None:
    # s = 100 * (0.5 + 0.8) / 2 = 65
    assert score_response(network(), FULL).dimensions["s"].score == pytest.approx(65.0)
    # s1 "unsure" has no score: like n/a. s = 100 * 0.8 / 1 = 80, coverage 1/2
    s = score_response(network(), {**FULL, "s1": "unsure"}).dimensions["s"]
    assert s.score == pytest.approx(80.0)
    assert s.coverage == 0.5


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["x", "z", "y"], 75.0),  # 50 + 40 + 30 = 120, capped at 100 -> (0.5 + 1.0) / 2
        ([], 25.0),  # nothing chosen is an answer worth 0 -> (0.5 + 0) / 2
        (["x", "none"], 50.0),  # "none" adds nothing -> (0.5 + 0.5) / 2
        (["none"], 50.0),  # only unscored options: not scored -> 0.5 / 1
    ],
)
def test_multi_choice_sum_capped_at_100(chosen: list[str], expected: float) -> None:
    s = score_response(network(), {**FULL, "s2": chosen}).dimensions["s"]
    assert s.score == pytest.approx(expected)


def test_areas_indexes_overall_skip_missing_children() -> None:
    p = score_response(network(), FULL)
    # inner = (1*68.75 + 3*25) / (1 + 3) = 143.75 / 4 = 35.9375
    assert p.areas["inner"].score == pytest.approx(35.9375)
    assert (p.areas["inner"].band, p.areas["inner"].scored, p.areas["inner"].parts) == (
        "low",
        2,
        2,
    )
    # outer = (2*inner + 1*c) / 3, but c has no score: skipped, not 0 -> 35.9375
    # (counting c as 0 would give 2*35.9375/3 = 23.958...)
    assert p.areas["outer"].score == pytest.approx(35.9375)
    assert (p.areas["outer"].scored, p.areas["outer"].parts) == (1, 2)
    # overall = (1*outer + 1*s) / 2 = (35.9375 + 65) / 2 = 50.46875
    assert p.overall.score == pytest.approx(50.46875)
    assert p.overall.band == "mid"
    # lens = (68.75 + 65) / 2 = 66.875; mixed = inner only = 35.9375
    assert p.indexes["lens"].score == pytest.approx(66.875)
    assert p.indexes["mixed"].score == pytest.approx(35.9375)


def test_composite_without_any_scored_part() -> None:
    p = score_response(network(), {"c.gate": "no"})
    assert p.areas["inner"].score is None
    assert p.areas["inner"].reason_code == "no_scored_parts"
    assert p.overall.score is None
    assert p.own_mean is None
    assert (p.strengths, p.weaknesses, p.top, p.bottom) == ((), (), (), ())


def test_strengths_weaknesses_top_and_bottom() -> None:
    p = score_response(network(), FULL)
    assert (p.strengths, p.weaknesses) == (("a",), ("b",))
    # own mean = (68.75 + 25 + 65) / 3 = 52.9166...; relative a +15.83, s +12.08, b -27.92
    assert p.own_mean == pytest.approx(158.75 / 3)
    assert p.dimensions["a"].relative == pytest.approx(68.75 - 158.75 / 3)
    assert (p.top, p.bottom) == (("a", "s"), ("b",))


def test_top_and_bottom_name_at_most_three_each() -> None:
    d = build([scale(f"q{n}", f"d{n}") for n in range(8)])
    p = score_response(d, {f"q{n}": n % 5 for n in range(8)})
    # scores 0 25 50 75 100 0 25 50, mean 40.625
    assert p.top == ("d4", "d3", "d2")  # 100, 75, then 50 (d2 before d7 in definition order)
    assert p.bottom == ("d0", "d5", "d1")


def test_weight_zero_switches_an_item_off() -> None:
    d = build([scale("q1", "d"), scale("q2", "d", weight=0)])
    assert score_response(d, {"q1": 4, "q2": 0}).dimensions["d"].score == 100.0
    # an unanswered weight-0 item does not lower coverage either
    assert score_response(d, {"q1": 4}).dimensions["d"].coverage == 1.0


def test_band_boundaries() -> None:
    d = build([scale("q", "d", "five")])  # 1..5: 0, 25, 50, 75, 100
    bands = [score_response(d, {"q": v}).dimensions["d"].band for v in (1, 2, 3, 4, 5)]
    assert bands == ["low", "low", "mid", "high", "high"]  # band = last with min <= score


def test_strength_and_weakness_thresholds_are_inclusive_and_exclusive() -> None:
    d = build(
        [scale("q", "d", "five")],
        scoring={
            "min_coverage": 0.5,
            "bands": [{"id": "all", "min": 0, "label": {"en": "All"}}],
            "strength_at": 75,
            "weakness_below": 25,
        },
    )
    at_75 = score_response(d, {"q": 4}).dimensions["d"]
    at_25 = score_response(d, {"q": 2}).dimensions["d"]
    assert at_75.strength
    assert not at_25.weakness


def test_float_scale_value_equal_to_an_int_counts() -> None:
    d = build([scale("q", "d")])
    assert score_response(d, {"q": 3.0}).dimensions["d"].score == 75.0


def test_recommendations_for_each_weakness() -> None:
    d = network()
    assert recommendations(d, score_response(d, FULL), "en") == {"b": ["Do b", "Then b"]}


def test_recommendations_in_language_with_fallback() -> None:
    d = minimal()  # languages de, en; default en; leadership has recommendations
    p = score_response(d, {"leadership.mandate": 0, "leadership.has_budget": "no"})
    assert p.weaknesses == ("leadership",)
    assert recommendations(d, p, "de") == {"leadership": ["Etwas tun"]}
    assert recommendations(d, p, "en") == {"leadership": ["Do something"]}
    assert recommendations(d, p, "pl") == {"leadership": ["Do something"]}  # default language


def test_recommendations_empty_for_weakness_without_any() -> None:
    d = build([scale("q", "d")])
    p = score_response(d, {"q": 0})
    assert recommendations(d, p, "en") == {"d": []}


def test_profile_to_dict_is_json() -> None:
    p = score_response(network(), FULL)
    data = json.loads(json.dumps(p.to_dict()))
    assert data["dimensions"]["c"]["reason_code"] == "no_items_shown"
    assert data["areas"]["outer"]["score"] == pytest.approx(35.9375)
    assert data["weaknesses"] == ["b"]
    assert data["rules_version"] == p.rules_version
    assert data["slug"] == "example"


def test_profile_is_immutable() -> None:
    p = score_response(network(), FULL)
    with pytest.raises(AttributeError):
        p.overall = p.overall  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.dimensions["a"].score = 1.0  # type: ignore[misc]
