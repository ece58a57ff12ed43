"""Respondent rules shared by pages and API: what is shown, what counts, how far along."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.respondent_rules import Progress, answered, newly_shown, progress, visible_ids
from scoring import Definition, parse_definition
from tests.helpers import minimal_definition

ALWAYS = {"leadership.mandate", "leadership.has_budget", "services.training"}


@pytest.fixture
def mini() -> Definition:
    return parse_definition(minimal_definition())


def test_visibility_follows_show_if(mini: Definition) -> None:
    assert visible_ids(mini, {}) == ALWAYS
    assert visible_ids(mini, {"leadership.has_budget": "no"}) == ALWAYS
    with_budget = visible_ids(mini, {"leadership.has_budget": "yes"})
    assert with_budget == ALWAYS | {"leadership.budget_size"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ([], False), (0, True), ("na", True), (["a"], True), ("x", True)],
)
def test_what_counts_as_answered(value: Any, expected: bool) -> None:
    assert answered(value) is expected


def test_progress_counts_shown_questions_only(mini: Definition) -> None:
    assert progress(mini, {}) == Progress(0, 3)
    assert progress(mini, {"leadership.mandate": 0, "leadership.has_budget": "yes"}) == Progress(
        2, 4
    )
    hidden_answer_kept = {"leadership.has_budget": "no", "leadership.budget_size": 3}
    assert progress(mini, hidden_answer_kept) == Progress(1, 3), "a hidden answer does not count"
    assert progress(mini, {"leadership.mandate": "na", "services.training": ""}) == Progress(1, 3)


def test_newly_shown_items_of_the_page(mini: Definition) -> None:
    opened = newly_shown(mini, {}, {"leadership.has_budget": "yes"}, "leadership")
    assert opened == ["leadership.budget_size"]
    assert newly_shown(mini, {"leadership.has_budget": "yes"}, {}, "leadership") == []
    answered_too = {"leadership.has_budget": "yes", "leadership.budget_size": 2}
    assert newly_shown(mini, {}, answered_too, "leadership") == []
    assert newly_shown(mini, {}, {"leadership.has_budget": "yes"}, "services") == []
    removed = newly_shown(
        mini, {"leadership.has_budget": "no"}, {"leadership.has_budget": None}, "leadership"
    )
    assert removed == []
