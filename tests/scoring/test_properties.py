"""Properties that must hold for any answers (hypothesis)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import (
    AnswerProblem,
    Definition,
    Item,
    ItemType,
    Profile,
    aggregate_organisation,
    compare_cohort,
    parse_definition,
    profile_at,
    score_bulk,
    score_response,
    validate_answers,
)
from scoring.answers import UnscorableAnswers
from scoring.definition import NOT_APPLICABLE
from scoring.visibility import visibility_plan
from tests.scoring.builders import FLAGSHIP, HERE, build, load, scale
from tests.scoring.test_profile import network

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NETWORK = network()
CIVIC = load(HERE / "civic_index.yaml")  # item groups, nested indexes, coverage rules
DEFINITIONS = [NETWORK, CIVIC, load(FLAGSHIP)] if FLAGSHIP.exists() else [NETWORK, CIVIC]


def _alone_if_exclusive(item: Item, chosen: list[str]) -> list[str]:
    exclusive = [c.id for c in item.choices or [] if c.exclusive and c.id in chosen]
    return exclusive[:1] if exclusive else chosen


def answer_values(definition: Definition, item_id: str, junk: bool) -> st.SearchStrategy[Any]:
    """Valid answers (None among them: unanswered) and, with ``junk``, invalid ones."""
    item = definition.item(item_id)
    valid: st.SearchStrategy[Any]
    if item.type is ItemType.SCALE:
        scale_ = definition.scales[item.scale or ""]
        offered = [NOT_APPLICABLE] if scale_.not_applicable else []
        valid = st.sampled_from([*scale_.values, *offered, None])
    elif item.type is ItemType.SINGLE_CHOICE:
        valid = st.sampled_from([c.id for c in item.choices or []])
    elif item.type is ItemType.MULTI_CHOICE:
        options = st.lists(st.sampled_from([c.id for c in item.choices or []]), unique=True)
        valid = options.map(lambda chosen: _alone_if_exclusive(item, chosen))
    elif item.type is ItemType.NUMBER:
        valid = st.integers(-10, 1000).filter(
            lambda n: (item.min is None or n >= item.min) and (item.max is None or n <= item.max)
        )
    else:
        valid = st.text(max_size=5)
    if not junk:
        return valid
    wrong = st.sampled_from(["junk", -1, 2.5, True, ["x"], ["x", "x"], {"v": 1}, float("nan")])
    return st.one_of(valid, valid, valid, wrong)


def answers_for(definition: Definition, junk: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    values = {item.id: answer_values(definition, item.id, junk) for item in definition.items}
    if junk:
        values["no.such.item"] = st.just(1)
    return st.fixed_dictionaries({}, optional=values)


definition_and_answers = st.sampled_from(DEFINITIONS).flatmap(
    lambda d: st.tuples(st.just(d), st.lists(answers_for(d), min_size=1, max_size=8))
)
definition_and_any_answers = st.sampled_from(DEFINITIONS).flatmap(
    lambda d: st.tuples(st.just(d), st.lists(answers_for(d, junk=True), min_size=1, max_size=8))
)


def all_scores(profile: Profile) -> list[float]:
    parts = [
        *(d.score for d in profile.dimensions.values()),
        *(a.score for a in profile.areas.values()),
        *(i.score for i in profile.indexes.values()),
        profile.overall.score,
    ]
    return [s for s in parts if s is not None]


@SETTINGS
@given(definition_and_answers)
def test_scores_stay_within_0_and_100(case: tuple[Definition, list[dict[str, Any]]]) -> None:
    definition, responses = case
    for answers in responses:
        profile = score_response(definition, answers)
        assert all(0 <= s <= 100 for s in all_scores(profile))
        assert all(d.coverage is None or 0 <= d.coverage <= 1 for d in profile.dimensions.values())


@SETTINGS
@given(definition_and_answers)
def test_bulk_equals_single_exactly(case: tuple[Definition, list[dict[str, Any]]]) -> None:
    definition, responses = case
    bulk = score_bulk(definition, responses)
    for row, answers in enumerate(responses):
        assert profile_at(bulk, row) == score_response(definition, answers)


def read_by_scoring(definition: Definition, problem: AnswerProblem) -> bool:
    """Whether scoring reads the answer: a scored item, one a condition names, or unknown."""
    if problem.code == "unknown_item":
        return True
    item = definition.item(problem.item_id)
    return item.scored or item.id in visibility_plan(definition).references


@SETTINGS
@given(definition_and_any_answers)
def test_bulk_and_single_refuse_the_same_answers(
    case: tuple[Definition, list[dict[str, Any]]],
) -> None:
    # Scoring refuses exactly the answers validate_answers calls errors, where it reads them,
    # naming the same items with the same allowed values; the bulk path names the response.
    definition, responses = case
    first_bad = None
    for row, answers in enumerate(responses):
        expected = [
            p
            for p in validate_answers(definition, answers, complete=False)
            if p.severity == "error" and read_by_scoring(definition, p)
        ]
        if not expected:
            score_response(definition, answers)
            continue
        with pytest.raises(UnscorableAnswers) as caught:
            score_response(definition, answers)
        assert caught.value.response is None
        assert caught.value.problems == expected
        if first_bad is None:
            first_bad = (row, caught.value.problems)
    if first_bad is None:
        assert len(score_bulk(definition, responses)) == len(responses)
    else:
        with pytest.raises(UnscorableAnswers) as bulk:
            score_bulk(definition, responses)
        assert (bulk.value.response, bulk.value.problems) == first_bad


@SETTINGS
@given(definition_and_answers, st.randoms(use_true_random=False))
def test_response_order_does_not_change_aggregates(
    case: tuple[Definition, list[dict[str, Any]]], rng: Any
) -> None:
    definition, responses = case
    profiles = [score_response(definition, answers) for answers in responses]
    shuffled = list(profiles)
    rng.shuffle(shuffled)
    for size in (1, 3):
        assert aggregate_organisation(profiles, min_group_size=size) == aggregate_organisation(
            shuffled, min_group_size=size
        )
    cohort = {f"org{n}": p.dimension_scores() for n, p in enumerate(profiles)}
    reordered = dict(sorted(cohort.items(), key=lambda _: rng.random()))
    assert compare_cohort(cohort).organisations == compare_cohort(reordered).organisations


@SETTINGS
@given(
    st.lists(st.integers(-50, 50), min_size=2, max_size=7, unique=True).map(sorted),
    st.data(),
)
def test_reversed_item_on_reversed_scale_gives_the_original(
    values: list[int], data: st.DataObject
) -> None:
    # A scale mirrored around its centre (low + high - v) and an item keyed the other way
    # round: answering the mirrored value must score as the original answer.
    mirrored = sorted(values[0] + values[-1] - v for v in values)
    answer = data.draw(st.sampled_from(values))
    labels = {"en": [str(v) for v in values]}
    scales = {
        "plain": {"values": values, "labels": labels},
        "mirror": {"values": mirrored, "labels": labels},
    }
    original = build([scale("q", "d", "plain")], scales=scales)
    flipped = build([scale("q", "d", "mirror", reverse=True)], scales=scales)
    a = score_response(original, {"q": answer}).dimensions["d"].score
    b = score_response(flipped, {"q": values[0] + values[-1] - answer}).dimensions["d"].score
    assert a is not None
    assert b is not None
    assert math.isclose(a, b, abs_tol=1e-9)


@SETTINGS
@given(answers_for(NETWORK), st.sampled_from(["a", "b", "c", "s"]), st.sampled_from([0.5, 1, 3]))
def test_adding_a_not_applicable_answer_changes_only_coverage(
    answers: dict[str, Any], dimension_id: str, weight: float
) -> None:
    # Add an item to one dimension and answer it "not applicable": the item is shown, so
    # coverage drops (answered weight / larger shown weight); the score stays, unless the
    # coverage falls below the minimum, when the score goes with the reason low_coverage.
    before = score_response(NETWORK, answers)
    data = NETWORK.model_dump(mode="json", exclude_none=True)
    data["items"].append(scale("extra", dimension_id, weight=weight))
    after = score_response(parse_definition(data), {**answers, "extra": NOT_APPLICABLE})
    old, new = before.dimensions[dimension_id], after.dimensions[dimension_id]
    assert (new.answered, new.shown, new.not_applicable) == (
        old.answered,
        old.shown + 1,
        old.not_applicable + 1,
    )
    assert new.coverage is not None
    if old.coverage is None:  # nothing was shown: now one n/a item is
        assert (new.coverage, new.reason_code) == (0.0, "low_coverage")
    else:
        assert new.coverage < old.coverage or old.coverage == 0
    if new.score != old.score:
        assert old.score is not None
        assert new.score is None
        assert new.reason_code == "low_coverage"
        assert new.coverage < 0.5
        return
    same = replace(
        new,
        coverage=old.coverage,
        shown=old.shown,
        not_applicable=old.not_applicable,
        reason_code=old.reason_code,
        reason=old.reason,
    )
    assert replace(after, dimensions={**after.dimensions, dimension_id: same}) == before


@SETTINGS
@given(answers_for(NETWORK))
def test_not_applicable_instead_of_no_answer_changes_only_the_count(
    answers: dict[str, Any],
) -> None:
    unanswered = {k: v for k, v in answers.items() if k != "a1"}
    before = score_response(NETWORK, unanswered)
    after = score_response(NETWORK, {**unanswered, "a1": NOT_APPLICABLE})
    a = after.dimensions["a"]
    assert a.not_applicable == before.dimensions["a"].not_applicable + 1
    counted = replace(a, not_applicable=a.not_applicable - 1)
    assert replace(after, dimensions={**after.dimensions, "a": counted}) == before
