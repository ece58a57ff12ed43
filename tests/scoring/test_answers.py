"""Answer validation: every problem names the item, a stable code and the allowed values."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from scoring import (
    AnswerProblem,
    Definition,
    canonical_answers,
    problems_to_dicts,
    validate_answers,
)
from tests.scoring.builders import build, choice, load, scale


def definition() -> Definition:
    return build(
        [
            scale("q.agree", "d"),  # 0..4 with n/a
            scale("q.five", "d", "five"),  # 1..5 without n/a
            choice("q.one", "d", {"yes": 100, "no": 0}),
            choice("q.many", "d", {"x": 50, "y": 50, "z": None}, multi=True),
            {
                "id": "q.count",
                "dimension": "d",
                "type": "number",
                "text": {"en": "?"},
                "min": 0,
                "max": 10,
            },
            {"id": "q.open", "dimension": "d", "type": "number", "text": {"en": "?"}, "min": 0},
            {
                "id": "q.note",
                "dimension": "d",
                "type": "text",
                "text": {"en": "?"},
                "max_length": 5,
                "required": False,
            },
            scale("q.if", "d", show_if="q.one == 'yes'"),
        ]
    )


FIVE = (1, 2, 3, 4, 5)
VALID: dict[str, Any] = {
    "q.agree": "na",
    "q.five": 5,
    "q.one": "yes",
    "q.many": ["x", "z"],
    "q.count": 3.5,
    "q.open": 10**6,
    "q.note": "short",
    "q.if": 2,
}


def problems(answers: dict[str, Any], complete: bool = False) -> list[AnswerProblem]:
    return validate_answers(definition(), answers, complete=complete)


def test_valid_complete_response_has_no_problems() -> None:
    assert problems(VALID, complete=True) == []


@pytest.mark.parametrize(
    ("item_id", "value", "code", "message", "allowed"),
    [
        ("q.agree", 5, "not_on_scale", "5 is not on the scale", (0, 1, 2, 3, 4, "na")),
        ("q.agree", 2.5, "not_on_scale", "2.5 is not on the scale", (0, 1, 2, 3, 4, "na")),
        ("q.five", "na", "not_on_scale", "this scale offers no 'not applicable'", FIVE),
        ("q.five", "3", "wrong_type", "expected a scale value, got a string ('3')", FIVE),
        ("q.five", True, "wrong_type", "expected a scale value, got true/false (True)", FIVE),
        ("q.one", "maybe", "unknown_choice", "'maybe' is not one of the choices", ("yes", "no")),
        ("q.one", ["yes"], "wrong_type", "expected a choice id, got a list", ("yes", "no")),
        (
            "q.many",
            "x",
            "wrong_type",
            "expected a list of choice ids, got a string ('x')",
            ("x", "y", "z"),
        ),
        (
            "q.many",
            ["x", "w", "v"],
            "unknown_choice",
            "not among the choices: 'w', 'v'",
            ("x", "y", "z"),
        ),
        (
            "q.many",
            ["x", "x"],
            "duplicate_choice",
            "a choice is selected more than once",
            ("x", "y", "z"),
        ),
        ("q.count", 11, "out_of_range", "11 is outside 0..10", (0, 10)),
        ("q.count", -0.5, "out_of_range", "-0.5 is outside 0..10", (0, 10)),
        ("q.open", -1, "out_of_range", "-1 is outside 0..1000000000000000", (0, 10**15)),
        ("q.open", 1e28, "out_of_range", "1e+28 is outside 0..1000000000000000", (0, 10**15)),
        (
            "q.open",
            10**400,
            "out_of_range",
            "a number of about 401 digits is outside 0..1000000000000000",
            (0, 10**15),
        ),
        ("q.count", "3", "wrong_type", "expected a finite number, got a string ('3')", (0, 10)),
        (
            "q.count",
            math.nan,
            "out_of_range",
            "a value that is not a number is outside 0..10",
            (0, 10),
        ),
        # 1e400 in JSON or typed on a page parses as infinity: named with the item's range,
        # never echoed as "inf"
        (
            "q.count",
            float("1e400"),
            "out_of_range",
            "a number too large to store is outside 0..10",
            (0, 10),
        ),
        (
            "q.count",
            -float("1e400"),
            "out_of_range",
            "a number too small to store is outside 0..10",
            (0, 10),
        ),
        ("q.note", 5, "wrong_type", "expected text, got a number (5)", None),
        ("q.note", "too long", "too_long", "8 characters, at most 5 allowed", None),
        (
            "q.note",
            "a\x00b",
            "invalid_characters",
            "contains the control character U+0000 at position 2; "
            "only tabs and line breaks are allowed",
            None,
        ),
        (
            "q.note",
            "\ud800",
            "invalid_characters",
            "is not valid UTF-8 text (at character 1)",
            None,
        ),
        (
            "q.one",
            "x" * 1000,
            "unknown_choice",
            f"{'x' * 60 + '…'!r} (1000 characters) is not one of the choices",
            ("yes", "no"),
        ),
    ],
)
def test_each_problem_names_item_code_and_allowed_values(
    item_id: str, value: Any, code: str, message: str, allowed: tuple[Any, ...] | None
) -> None:
    found = [p for p in problems({**VALID, item_id: value}) if p.severity == "error"]
    assert found == [AnswerProblem(item_id, code, message, allowed, "error")]


def test_unknown_item() -> None:
    assert problems({"q.nope": 1}) == [
        AnswerProblem("q.nope", "unknown_item", "no item 'q.nope'", None, "error")
    ]


def test_answer_to_hidden_item_is_a_warning_and_stays_valid() -> None:
    found = problems({**VALID, "q.one": "no"}, complete=True)
    assert found == [
        AnswerProblem(
            "q.if",
            "hidden",
            "this question is not shown for the other answers given; "
            "the answer is kept but not scored",
            None,
            "warning",
        )
    ]


def test_missing_required_items_only_when_complete() -> None:
    partial = {"q.agree": 1}
    assert problems(partial, complete=False) == []
    missing = problems(partial, complete=True)
    # q.note is optional and q.if is hidden (q.one unanswered): neither is required now
    assert [(p.item_id, p.code) for p in missing] == [
        ("q.five", "required"),
        ("q.one", "required"),
        ("q.many", "required"),
        ("q.count", "required"),
        ("q.open", "required"),
    ]
    assert missing[0].allowed == (1, 2, 3, 4, 5)
    assert missing[0].message == "an answer is required"


def test_none_is_unanswered() -> None:
    assert problems({**VALID, "q.five": None}, complete=False) == []
    assert [p.code for p in problems({**VALID, "q.five": None}, complete=True)] == ["required"]


def test_blank_required_text_is_missing() -> None:
    d = build([scale("q", "d"), {"id": "t", "dimension": "d", "type": "text", "text": {"en": "?"}}])
    found = validate_answers(d, {"q": 1, "t": "  "}, complete=True)
    assert [(p.item_id, p.code) for p in found] == [("t", "required")]


def test_no_choice_ticked_leaves_a_required_question_unanswered() -> None:
    """As on the pages, where a question with no box ticked sends nothing: "none of these" is
    an exclusive choice of its own, not an empty list. A draft may hold ``[]``."""
    assert problems({**VALID, "q.many": []}, complete=False) == []
    found = problems({**VALID, "q.many": []}, complete=True)
    assert [(p.item_id, p.code) for p in found] == [("q.many", "required")]


def test_problems_serialise_as_json() -> None:
    found = problems({"q.agree": 9, "q.nope": 1})
    data = json.loads(json.dumps(problems_to_dicts(found)))
    assert data == [
        {
            "item_id": "q.agree",
            "code": "not_on_scale",
            "message": "9 is not on the scale",
            "allowed": [0, 1, 2, 3, 4, "na"],
            "severity": "error",
        },
        {
            "item_id": "q.nope",
            "code": "unknown_item",
            "message": "no item 'q.nope'",
            "allowed": None,
            "severity": "error",
        },
    ]


def test_exclusive_option_cannot_be_combined() -> None:
    """The flagship's "none of these" channel excludes every other channel."""
    flagship = load(Path("questionnaires/intercultural-integration/1.0.yaml"))
    both = validate_answers(
        flagship, {"communication.channels": ["none", "social_media"]}, complete=False
    )
    assert [(p.item_id, p.code) for p in both] == [("communication.channels", "exclusive_choice")]
    assert "'none' cannot be combined with other choices" in both[0].message
    alone = validate_answers(flagship, {"communication.channels": ["none"]}, complete=False)
    assert alone == []


def test_integral_numbers_are_stored_in_one_form() -> None:
    """2.0 on a scale is the scale's 2, -0.0 its 0; an integral number answer is an int;
    everything else is left for validation to judge."""
    sent = {
        "q.five": 2.0,
        "q.agree": -0.0,
        "q.count": 7.0,
        "q.open": 3.5,
        "q.one": "yes",
        "q.many": ["x"],
        "q.if": 2.5,
        "q.unknown": 1.0,
        "q.note": True,
    }
    stored = canonical_answers(definition(), sent)
    assert stored == sent
    assert [type(stored[key]) for key in ("q.five", "q.agree", "q.count", "q.open")] == [
        int,
        int,
        int,
        float,
    ]
    assert json.dumps(stored["q.agree"]) == "0"
    errors = {p.item_id for p in problems(stored) if p.severity == "error"}
    assert errors == {"q.if", "q.note", "q.unknown"}
