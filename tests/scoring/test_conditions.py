"""The show_if language: what it accepts, what it means, and where its errors point."""

from __future__ import annotations

import pytest

from scoring.conditions import MAX_LENGTH, MAX_NODES, ConditionSyntaxError, parse_condition


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("a == 'yes'", {"a": "yes"}, True),
        ("a == 'yes'", {"a": "no"}, False),
        ("a != 'yes'", {"a": "no"}, True),
        ("a >= 2", {"a": 2}, True),
        ("a < 2", {"a": 2}, False),
        ("1 < a <= 3", {"a": 3}, True),
        ("1 < a <= 3", {"a": 4}, False),
        ("a == -1", {"a": -1}, True),
        ("a in ['x', 'y']", {"a": "y"}, True),
        ("a not in ['x', 'y']", {"a": "z"}, True),
        ("'x' in a", {"a": ["x", "z"]}, True),  # a multi-choice answer: a selected option
        ("a in ['x', 'y']", {"a": ["z", "y"]}, True),  # any selected option in the list
        ("a in ['x', 'y']", {"a": ["z"]}, False),
        ("a == 1 and b == 2", {"a": 1, "b": 2}, True),
        ("a == 1 and b == 2", {"a": 1, "b": 3}, False),
        ("a == 1 or b == 2", {"a": 0, "b": 2}, True),
        ("not a == 1", {"a": 0}, True),
        ("not (a == 1 or b == 2)", {"a": 0, "b": 0}, True),
        ("a", {"a": "anything"}, True),  # a bare reference: answered and truthy
        ("a", {"a": 0}, False),
        ("x.y.z == True", {"x.y.z": True}, True),  # dotted item ids
        ("a == 'x'\n  and b == 'y'", {"a": "x", "b": "y"}, True),  # folded over lines
    ],
)
def test_evaluation(source: str, answers: dict[str, object], expected: bool) -> None:
    assert parse_condition(source).evaluate(answers) is expected


@pytest.mark.parametrize(
    "source", ["a == 1", "a != 1", "a < 1", "a in [1]", "a not in [1]", "'x' in a"]
)
@pytest.mark.parametrize("value", [None, "na"])
def test_unanswered_and_not_applicable_compare_false_to_everything(
    source: str, value: object
) -> None:
    answers = {} if value is None else {"a": value}
    assert parse_condition(source).evaluate(answers) is False


def test_mismatched_types_compare_false_instead_of_failing() -> None:
    assert parse_condition("a < 3").evaluate({"a": "text"}) is False
    assert parse_condition("a in ['x']").evaluate({"a": 5}) is False


def test_references() -> None:
    assert parse_condition("a.b == 1 or not c").references == frozenset({"a.b", "c"})


@pytest.mark.parametrize(
    ("source", "position", "message"),
    [
        # an input that stops early points at its end, after the dangling token
        ("a ==", 5, "syntax error: something is missing after '=='"),
        ("a == 1 and", 11, "syntax error: something is missing after 'and'"),
        ("a ==   ", 5, "syntax error: something is missing after '=='"),
        ("not", 4, "syntax error: something is missing after 'not'"),
        ("a in [1,", 6, "syntax error: '[' was never closed"),
        ("  a ==", 7, "syntax error: something is missing after '=='"),
        ("a = 1", 3, "syntax error: '=' is not a comparison, use '==' to compare"),
        ("a == 'x", 6, "syntax error: unterminated string literal"),
        ("a == 1)", 7, "syntax error: unmatched ')'"),
        ("a b", 3, "syntax error: invalid syntax"),
        ("a + 1", 1, "expected a comparison, 'and', 'or', 'not' or an item reference"),
        ("a == b(1)", 6, "expected an item id, a string, a number or a list"),
        ("x == [1, c]", 10, "a list may hold only strings and numbers"),
        ("a is None", 1, "'is' is not allowed: use '==' or '!='"),
        ("a == None", 6, "expected an item id, a string, a number or a list"),
        ("'ä' == f(1)", 8, "expected an item id, a string, a number or a list"),  # characters
        ("a == 1\n and f(2)", 13, "expected a comparison, 'and', 'or', 'not' or an item reference"),
        ("", 1, "the condition is empty"),
    ],
)
def test_errors_name_a_useful_position(source: str, position: int, message: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(source)
    assert (caught.value.position, caught.value.message) == (position, message)
    assert str(caught.value) == f"{message} (at position {position})"


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "a.__class__.__mro__ == 1 or open('x')",
        "(lambda: 1)()",
        "[x for x in a]",
        "a[0] == 1",
        "a if b else c",
        "f'{a}' == 'x'",
        "a + b == 2",
        "{'a': 1} == a",
    ],
)
def test_anything_beyond_the_whitelist_is_rejected(source: str) -> None:
    with pytest.raises(ConditionSyntaxError):
        parse_condition(source)


def test_work_is_bounded() -> None:
    with pytest.raises(ConditionSyntaxError, match="longer than"):
        parse_condition("a == 1 or " * 60 + "a == 1")
    many = " or ".join(["a"] * 100)  # 100 references of 2 nodes each (name, context)
    assert len(many) <= MAX_LENGTH
    with pytest.raises(ConditionSyntaxError, match=f"more than {MAX_NODES} parts"):
        parse_condition(many)
    with pytest.raises(ConditionSyntaxError):
        parse_condition("(" * 240 + "a" + ")" * 240)
