"""A published-index-like definition scored exactly: every aggregate worked out by hand.

``civic_index.yaml`` is built the way published policy indices are: indicators made of
sub-questions (item groups), dimensions, areas, a headline over chosen areas, an index over an
index, a 0/25/50/75/100 scale with "not applicable", choices with any score and per-dimension
coverage rules. Every number below is computed in the comments and checked to 0.01.
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Definition, Profile, profile_at, score_bulk, score_response
from tests.scoring.builders import HERE, build, dimension, load, scale


def civic() -> Definition:
    return load(HERE / "civic_index.yaml")


ANSWERS: dict[str, Any] = {
    # entry: indicator "permit" (weight 2) of three sub-questions, one not applicable
    "entry.permit.duration": 100,
    "entry.permit.fees": 25,
    "entry.permit.documents": "na",
    "entry.info": 50,
    "entry.language": "basic",  # a choice scored 30
    # work: indicator "recognition" with one sub-question blank (cost), scope weighs 2
    "work.recognition.speed": 75,
    "work.recognition.scope": 50,
    "work.public_jobs": "partly",  # a choice scored 40
    # work.self_employment blank
    # voice: one indicator answered, one n/a, one blank (min_coverage 0 for voice)
    "voice.council": 100,
    "voice.vote": "na",
    # protection: one answered of the two it needs (min_answered 2)
    "protection.law": 75,
    "protection.body": "na",
    # climate: scale 1..3 (2 is 50) and a yes/no choice
    "climate.media": 2,
    "climate.rumours": "yes",
}


def approx(value: float) -> Any:
    return pytest.approx(value, abs=0.01)


def test_item_groups_are_weighted_means_of_their_answered_sub_questions() -> None:
    p = score_response(civic(), ANSWERS)
    # permit = (100 + 25) / 2 = 62.5 (documents n/a: left out, not 0)
    permit = p.item_groups["entry.permit"]
    assert permit.score == approx(62.5)
    assert (permit.answered, permit.shown, permit.not_applicable) == (2, 3, 1)
    # recognition = (1 * 75 + 2 * 50) / (1 + 2) = 175 / 3 = 58.33 (cost blank: left out)
    recognition = p.item_groups["work.recognition"]
    assert recognition.score == approx(58.33)
    assert (recognition.answered, recognition.shown, recognition.rounded) == (2, 3, 58.3)


def test_dimensions_count_each_indicator_once_with_its_own_weight() -> None:
    p = score_response(civic(), ANSWERS)
    # entry = (2 * permit + 1 * info + 1 * language) / (2 + 1 + 1)
    #       = (2 * 62.5 + 50 + 30) / 4 = 205 / 4 = 51.25; every indicator answered: coverage 1
    entry = p.dimensions["entry"]
    assert entry.score == approx(51.25)
    assert entry.coverage == approx(1.0)
    assert (entry.answered, entry.shown, entry.not_applicable) == (4, 5, 1)  # questions
    assert (entry.rounded, entry.band) == (51.3, "mid")  # 51.25 rounds half up to 51.3
    # work = (1 * recognition + 1 * public_jobs) / 2 = (58.33 + 40) / 2 = 295 / 6 = 49.17;
    # self_employment blank: coverage = answered weight 2 / shown weight 3 = 0.67 >= 0.5
    work = p.dimensions["work"]
    assert work.score == approx(49.17)
    assert work.coverage == approx(0.67)
    assert (work.rounded, work.band) == (49.2, "partial")


def test_coverage_rules_per_dimension() -> None:
    p = score_response(civic(), ANSWERS)
    # voice: council 100; vote n/a and consultation blank -> coverage 1/3, below the
    # definition's 0.5 but voice asks for min_coverage 0: one answered indicator is enough
    voice = p.dimensions["voice"]
    assert (voice.score, voice.coverage, voice.reason_code) == (100.0, approx(0.33), None)
    # protection: coverage 1/3 >= its 0.25, but one answered indicator of the two it needs
    protection = p.dimensions["protection"]
    assert (protection.score, protection.coverage) == (None, approx(0.33))
    assert protection.reason_code == "too_few_answers"
    assert protection.reason == "not enough answers (1 answered, at least 2 needed)"
    # with a second answer: (75 + 25) / 2 = 50
    more = score_response(civic(), {**ANSWERS, "protection.remedy": 25})
    assert more.dimensions["protection"].score == approx(50.0)


def test_areas_indexes_and_the_headline_over_chosen_areas() -> None:
    p = score_response(civic(), ANSWERS)
    # access = (51.25 + 49.17) / 2 = (615 + 590) / 24 = 1205 / 24 = 50.21
    assert p.areas["access"].score == approx(50.21)
    # rights = voice alone = 100 (protection has no score: skipped, not counted as 0)
    assert (p.areas["rights"].score, p.areas["rights"].scored, p.areas["rights"].parts) == (
        100.0,
        1,
        2,
    )
    # context = climate = (50 + 100) / 2 = 75
    assert p.areas["context"].score == approx(75.0)
    # headline: overall_of [access, rights] = (50.21 + 100) / 2 = 3605 / 48 = 75.10
    # (all three areas would give (50.21 + 100 + 75) / 3 = 75.07)
    assert p.overall.score == approx(75.10)
    assert (p.overall.rounded, p.overall.band, p.overall.parts) == (75.1, "high", 2)
    # core = (entry + voice) / 2 = (51.25 + 100) / 2 = 75.625 -> shown 75.6
    assert p.indexes["core"].score == approx(75.63)
    assert p.indexes["core"].rounded == 75.6
    # wide = (core + climate) / 2 = (75.625 + 75) / 2 = 75.3125: an index over an index
    assert p.indexes["wide"].score == approx(75.31)


def test_strengths_and_own_mean() -> None:
    p = score_response(civic(), ANSWERS)
    # own mean over scored dimensions = (51.25 + 49.17 + 100 + 75) / 4 = 68.85
    assert p.own_mean == approx(68.85)
    assert (p.strengths, p.weaknesses) == (("voice", "climate"), ())  # >= 66.7; none < 40
    assert (p.top, p.bottom) == (("voice", "climate"), ("work", "entry"))


def test_an_indicator_counts_once_however_many_sub_questions_are_answered() -> None:
    only_one = {
        k: v for k, v in ANSWERS.items() if k not in ("entry.permit.fees", "entry.permit.documents")
    }
    p = score_response(civic(), only_one)
    # permit = duration alone = 100; entry = (2 * 100 + 50 + 30) / 4 = 280 / 4 = 70
    assert p.item_groups["entry.permit"].score == approx(100.0)
    assert p.dimensions["entry"].score == approx(70.0)
    assert p.dimensions["entry"].coverage == approx(1.0)


def test_an_indicator_without_answers_is_shown_but_unanswered() -> None:
    blank = {k: v for k, v in ANSWERS.items() if not k.startswith("work.recognition")}
    p = score_response(civic(), blank)
    assert p.item_groups["work.recognition"].score is None
    # work: public_jobs alone answered: coverage 1 / 3 < 0.5 -> no score
    work = p.dimensions["work"]
    assert (work.score, work.coverage, work.reason_code) == (None, approx(0.33), "low_coverage")
    # access = entry alone = 51.25; headline = (51.25 + 100) / 2 = 75.625
    assert p.areas["access"].score == approx(51.25)
    assert p.overall.score == approx(75.63)
    # all sub-questions "not applicable" is the same: shown, not answered
    na = {**blank, **{f"work.recognition.{k}": "na" for k in ("speed", "cost", "scope")}}
    assert score_response(civic(), na).dimensions["work"].coverage == approx(0.33)


def test_bulk_gives_the_same_profiles() -> None:
    responses = [ANSWERS, {}, {**ANSWERS, "entry.permit.fees": "na", "protection.remedy": 0}]
    bulk = score_bulk(civic(), responses)
    assert bulk.groups == ("entry.permit", "work.recognition")
    assert bulk.group_scores[0].tolist() == pytest.approx([62.5, 175 / 3])
    for row, answers in enumerate(responses):
        assert profile_at(bulk, row) == score_response(civic(), answers)


def test_a_group_whose_sub_questions_are_all_hidden_is_not_shown() -> None:
    d = build(
        [
            scale("gate", "d"),
            scale("g.one", "d", group="g", show_if="gate >= 2"),
            scale("g.two", "d", group="g", show_if="gate >= 2"),
        ],
        dimensions=[dimension("d")],
        item_groups=[{"id": "g", "dimension": "d", "weight": 3}],
    )
    hidden: Profile = score_response(d, {"gate": 1, "g.one": 4})
    # g hidden: d = gate alone = 25, coverage 1 / 1 (the group's weight 3 is not shown)
    assert hidden.item_groups["g"].score is None
    assert (hidden.dimensions["d"].score, hidden.dimensions["d"].coverage) == (25.0, 1.0)
    shown = score_response(d, {"gate": 2})
    # g shown, unanswered: coverage = 1 / (1 + 3) = 0.25 < 0.5
    assert (shown.dimensions["d"].score, shown.dimensions["d"].coverage) == (None, 0.25)
    # g.one 4 -> g = 100; d = (1 * 50 + 3 * 100) / 4 = 87.5
    assert score_response(d, {"gate": 2, "g.one": 4}).dimensions["d"].score == 87.5


def test_new_fields_leave_the_content_hash_of_earlier_definitions_alone() -> None:
    # Defaults are left out of the hash: the fields added for published indices (item
    # groups, per-dimension coverage, index weights, overall_of, min_answered) keep the
    # hashes of versions published before them, so those still load.
    assert load(HERE / "minimal.yaml").content_hash() == (
        "5217278104190810695fa2144728283afa82343d7e252a770254654bce6eea5e"
    )
    flagship = HERE.parents[1] / "questionnaires" / "intercultural-integration" / "1.0.yaml"
    assert load(flagship).content_hash() == (
        "9b01a328b52609b9d96f15e9d377006e9c299b3c89bc7e966c4e182f766dc85a"
    )


def test_the_json_schema_for_authors_lists_the_new_fields() -> None:
    # `radar questionnaires schema` prints this schema for editor completion
    schema = Definition.model_json_schema()
    assert "item_groups" in schema["properties"]
    assert {"group"} <= set(schema["$defs"]["Item"]["properties"])
    assert {"min_coverage", "min_answered"} <= set(schema["$defs"]["Dimension"]["properties"])
    assert {"overall_of", "min_answered"} <= set(schema["$defs"]["ScoringRules"]["properties"])
    assert "weight" in schema["$defs"]["Index"]["properties"]
    assert schema["$defs"]["ItemGroup"]["additionalProperties"] is False
