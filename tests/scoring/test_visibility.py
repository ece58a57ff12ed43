"""Which items are shown: chains of show_if conditions and cycles."""

from __future__ import annotations

import pytest

from scoring import InvalidDefinition, visible_items
from scoring.definition import Definition
from tests.scoring.builders import build, choice, scale

YES_NO = {"yes": 100, "no": 0}


def chain() -> Definition:
    # has -> detail (if has == yes) -> deeper (if detail >= 3); deeper is listed *before*
    # detail, so evaluation must follow dependencies, not definition order.
    return build(
        [
            choice("has", "d", YES_NO),
            scale("deeper", "d", show_if="detail >= 3"),
            scale("detail", "d", show_if="has == 'yes'"),
            scale("other", "d"),
        ]
    )


def test_items_without_condition_are_always_shown() -> None:
    assert visible_items(chain(), {}) == {"has", "other"}


def test_chain_shows_step_by_step() -> None:
    d = chain()
    assert visible_items(d, {"has": "yes"}) == {"has", "detail", "other"}
    assert visible_items(d, {"has": "yes", "detail": 3}) == {"has", "detail", "deeper", "other"}


def test_a_hidden_item_counts_as_unanswered_for_conditions_on_it() -> None:
    # detail keeps its stored 4, but it is hidden, so deeper is hidden too
    assert visible_items(chain(), {"has": "no", "detail": 4}) == {"has", "other"}


def test_cycles_are_reported_by_the_definition_check() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        build(
            [
                scale("a", "d", show_if="b == 1"),
                scale("b", "d", show_if="a == 1"),
                scale("c", "d"),
            ]
        )
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "items[a].show_if: can never be decided: show_if conditions form a cycle among ['a', 'b']",
        "items[b].show_if: can never be decided: show_if conditions form a cycle among ['a', 'b']",
    ]


def test_self_reference_is_reported_once() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        build([scale("a", "d", show_if="a == 1"), scale("c", "d")])
    assert [str(p) for p in caught.value.problems] == [
        "items[a].show_if: an item cannot depend on itself"
    ]


def test_unchecked_cycle_is_never_shown() -> None:
    data = build([scale("a", "d"), scale("b", "d")]).model_dump()
    data["items"][0]["show_if"] = "b == 1"
    data["items"][1]["show_if"] = "a == 1"
    d = Definition.model_validate(data)  # skips the cross-reference checks
    assert visible_items(d, {"a": 1, "b": 1}) == frozenset()


def test_broken_condition_is_reported_not_raised() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        build([scale("a", "d", show_if="b >="), scale("b", "d")])
    assert [str(p) for p in caught.value.problems] == [
        "items[a].show_if: syntax error: something is missing after '>=' (at position 5)"
    ]
