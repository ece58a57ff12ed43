"""Answers scoring cannot read are refused with a named error, never counted as unanswered.

Before, ``score_response`` scored a misspelt choice id like a question left blank: a
dimension answered "yse" silently lost an answer (and, below the coverage minimum, its
score). Now single and bulk scoring raise ``UnscorableAnswers`` naming the item, the code and
the allowed values, as ``validate_answers`` does.
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import UnscorableAnswers, score_bulk, score_response
from tests.scoring.builders import build, choice, scale

DEFINITION = build(
    [
        scale("q.agree", "d"),  # 0..4 with n/a
        scale("q.five", "d", "five"),  # 1..5 without n/a
        choice("q.one", "d", {"yes": 100, "no": 0}),
        choice("q.many", "d", {"x": 50, "y": 50, "none": None}, multi=True),
        {"id": "q.size", "dimension": "d", "type": "number", "text": {"en": "?"}, "max": 10},
        scale("q.if", "d", show_if="q.one == 'yes' and q.size > 2"),
        {"id": "q.note", "dimension": "d", "type": "text", "text": {"en": "?"}},
    ]
)
VALID: dict[str, Any] = {"q.agree": 4, "q.five": 5, "q.one": "yes", "q.many": ["x"]}


@pytest.mark.parametrize(
    ("item_id", "value", "code", "allowed"),
    [
        ("q.one", "yse", "unknown_choice", ("yes", "no")),  # the example
        ("q.one", 1, "wrong_type", ("yes", "no")),
        ("q.one", ["yes"], "wrong_type", ("yes", "no")),
        ("q.many", ["x", "maybe"], "unknown_choice", ("x", "y", "none")),
        ("q.many", "x", "wrong_type", ("x", "y", "none")),
        ("q.many", ["x", "x"], "duplicate_choice", ("x", "y", "none")),
        ("q.agree", 7, "not_on_scale", (0, 1, 2, 3, 4, "na")),
        ("q.agree", "4", "wrong_type", (0, 1, 2, 3, 4, "na")),
        ("q.agree", True, "wrong_type", (0, 1, 2, 3, 4, "na")),
        ("q.agree", float("nan"), "not_on_scale", (0, 1, 2, 3, 4, "na")),
        ("q.five", "na", "not_on_scale", (1, 2, 3, 4, 5)),  # this scale offers no n/a
        ("q.if", 9, "not_on_scale", (0, 1, 2, 3, 4, "na")),  # hidden (q.size unanswered)
        ("q.size", "1.500", "wrong_type", (-(10**15), 10)),  # not scored, but decides q.if
        ("q.size", 11, "out_of_range", (-(10**15), 10)),
    ],
)
def test_single_and_bulk_name_the_item_and_allowed_values(
    item_id: str, value: Any, code: str, allowed: tuple[Any, ...]
) -> None:
    answers = {**VALID, item_id: value}
    with pytest.raises(UnscorableAnswers) as single:
        score_response(DEFINITION, answers)
    [problem] = single.value.problems
    assert (problem.item_id, problem.code, problem.allowed) == (item_id, code, allowed)
    assert single.value.response is None
    assert f"{item_id}: " in str(single.value)
    with pytest.raises(UnscorableAnswers) as bulk:
        score_bulk(DEFINITION, [VALID, VALID, answers, {**VALID, "q.one": "nope"}])
    assert bulk.value.response == 2  # the first refused response, counted from 0
    assert bulk.value.problems == single.value.problems
    assert "(response 2, counted from 0)" in str(bulk.value)


def test_message_lists_the_allowed_values() -> None:
    with pytest.raises(UnscorableAnswers, match=r"q\.one: 'yse' is not one of the choices"):
        score_response(DEFINITION, {"q.one": "yse"})
    with pytest.raises(UnscorableAnswers, match=r"\(allowed: 'yes', 'no'\)"):
        score_response(DEFINITION, {"q.one": "yse"})


def test_answer_to_an_unknown_item_is_refused() -> None:
    with pytest.raises(UnscorableAnswers) as caught:
        score_response(DEFINITION, {**VALID, "q.agre": 4})  # a misspelt item id
    [problem] = caught.value.problems
    assert (problem.item_id, problem.code) == ("q.agre", "unknown_item")


def test_every_unreadable_answer_of_the_response_is_named() -> None:
    with pytest.raises(UnscorableAnswers) as caught:
        score_response(DEFINITION, {"q.one": "yse", "q.agree": 9, "q.many": ["z"]})
    assert sorted(p.item_id for p in caught.value.problems) == ["q.agree", "q.many", "q.one"]


def test_exclusive_option_combined_with_others_is_refused() -> None:
    definition = build(
        [
            {
                "id": "q",
                "dimension": "d",
                "type": "multi_choice",
                "text": {"en": "?"},
                "choices": [
                    {"id": "x", "label": {"en": "x"}, "score": 50},
                    {"id": "none", "label": {"en": "none"}, "score": 0, "exclusive": True},
                ],
            }
        ]
    )
    assert score_response(definition, {"q": ["none"]}).dimensions["d"].score == 0.0
    with pytest.raises(UnscorableAnswers) as caught:
        score_response(definition, {"q": ["x", "none"]})
    assert caught.value.problems[0].code == "exclusive_choice"


def test_valid_answers_still_score_and_text_items_are_not_read() -> None:
    # absent, None, "na" where offered, [] (nothing applies) and an unscored option are valid
    answers = {"q.agree": "na", "q.five": None, "q.one": "no", "q.many": [], "q.note": 5}
    d = score_response(DEFINITION, answers).dimensions["d"]
    # q.one 0, q.many [] = 0: (0 + 0) / 2 = 0; coverage 2 of 4 shown (q.if hidden)
    assert (d.score, d.answered, d.shown, d.not_applicable) == (0.0, 2, 4, 1)
    assert score_response(DEFINITION, {"q.many": ["none"]}).dimensions["d"].answered == 0
