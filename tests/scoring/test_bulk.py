"""The bulk path: the same numbers as one response at a time, and its array contract."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

import scoring.bulk
from scoring import (
    AnswerMatrix,
    Definition,
    ItemType,
    encode_answers,
    profile_at,
    score_bulk,
    score_response,
)
from scoring.definition import NOT_APPLICABLE
from scoring.plan import HIDDEN, MISSING, NOT_APPLICABLE_CODE
from scoring.visibility import visibility_plan
from tests.scoring.builders import FLAGSHIP, HERE, load, minimal
from tests.scoring.test_profile import FULL, network
from tests.scoring.test_visibility import chain


def random_answers(definition: Definition, rng: random.Random) -> dict[str, Any]:
    """Plausible stored answers: mostly valid, some n/a, some unanswered, a few of the wrong
    type for items that scoring never reads (neither scored nor named by a condition; it
    refuses such answers to the others, see tests/scoring/test_unscorable.py)."""
    answers: dict[str, Any] = {}
    deciding = set(visibility_plan(definition).references)
    for item in definition.items:
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.12 and not item.scored and item.id not in deciding:
            answers[item.id] = ["garbage"]
            continue
        if item.type is ItemType.SCALE:
            scale = definition.scales[item.scale or ""]
            na = scale.not_applicable and roll < 0.2
            answers[item.id] = NOT_APPLICABLE if na else rng.choice(scale.values)
        elif item.type is ItemType.SINGLE_CHOICE:
            answers[item.id] = rng.choice(item.choices or []).id
        elif item.type is ItemType.MULTI_CHOICE:
            options = [c.id for c in item.choices or []]
            chosen = rng.sample(options, rng.randint(0, len(options)))
            exclusive = [c.id for c in item.choices or [] if c.exclusive and c.id in chosen]
            answers[item.id] = exclusive[:1] if exclusive else chosen
        elif item.type is ItemType.NUMBER:
            answers[item.id] = rng.randint(0, 100)
        else:
            answers[item.id] = "text"
    return answers


def definitions() -> list[Definition]:
    """Hand-made examples and every questionnaire of the project."""
    published = sorted((FLAGSHIP.parents[1]).glob("*/*.yaml"))
    civic = load(HERE / "civic_index.yaml")
    return [network(), minimal(), chain(), civic, *(load(path) for path in published)]


@pytest.mark.parametrize("definition", definitions(), ids=lambda d: d.slug)
def test_bulk_equals_single_exactly(definition: Definition) -> None:
    rng = random.Random(7)
    responses = [random_answers(definition, rng) for _ in range(300)]
    bulk = score_bulk(definition, responses)
    for row, answers in enumerate(responses):
        assert profile_at(bulk, row) == score_response(definition, answers)  # exact equality


def test_chunk_boundaries_do_not_change_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    definition = network()
    rng = random.Random(3)
    responses = [random_answers(definition, rng) for _ in range(50)]
    whole = score_bulk(definition, responses)
    monkeypatch.setattr(scoring.bulk, "CHUNK", 7)
    chunked = score_bulk(definition, responses)
    for name in ("dimension_scores", "coverage", "area_scores", "index_scores", "overall"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name), equal_nan=True)


def test_bulk_arrays_match_hand_computed_profile() -> None:
    bulk = score_bulk(network(), [FULL, {}])
    assert bulk.dimensions == ("a", "b", "c", "s")
    assert bulk.dimension_scores.shape == (2, 4)
    assert bulk.dimension_scores[0].tolist()[:2] == [68.75, 25.0]
    assert np.isnan(bulk.dimension_scores[0, 2])
    assert np.isnan(bulk.coverage[0, 2])
    assert bulk.area_scores[0].tolist() == [35.9375, 35.9375]
    assert bulk.overall[0] == pytest.approx(50.46875)
    assert bulk.bands(bulk.dimension_scores)[0].tolist() == [1, 0, -1, 1]  # mid low - mid
    assert bulk.strengths()[0].tolist() == [True, False, False, False]
    assert bulk.weaknesses()[0].tolist() == [False, True, False, False]
    assert bulk.relative()[0, 0] == pytest.approx(68.75 - 158.75 / 3)
    assert np.isnan(bulk.overall[1])


def test_bands_of_bulk_equal_bands_of_profiles() -> None:
    definition = network()
    rng = random.Random(11)
    responses = [random_answers(definition, rng) for _ in range(200)]
    bulk = score_bulk(definition, responses)
    ids = [b.id for b in definition.scoring.bands]
    codes = bulk.bands(bulk.dimension_scores)
    for row in range(len(responses)):
        profile = profile_at(bulk, row)
        expected = [ids[c] if c >= 0 else None for c in codes[row]]
        assert [d.band for d in profile.dimensions.values()] == expected


def test_encoding_codes() -> None:
    matrix = encode_answers(network(), [FULL, {"a1": "na", "a2": None}])
    assert matrix.item_ids == ("a1", "a2", "a3", "b1", "c1", "c2", "s1", "s2")
    first, second = matrix.codes[:, 0].tolist(), matrix.codes[:, 1].tolist()
    # a1=3, a2=0, a3=2 is the 2nd value of 1..5, b1=1, c1/c2 hidden, s1 partly, s2 80 of
    # the reachable totals 0 30 40 50 70 80 90 100 (the 6th)
    assert first == [3, 0, 1, 1, HIDDEN, HIDDEN, 1, 5]
    assert second == [
        NOT_APPLICABLE_CODE,
        MISSING,
        MISSING,
        MISSING,
        HIDDEN,
        HIDDEN,
        MISSING,
        MISSING,
    ]
    assert len(matrix) == 2


def test_empty_input() -> None:
    bulk = score_bulk(network(), [])
    assert len(bulk) == 0
    assert bulk.dimension_scores.shape == (0, 4)


def test_results_are_read_only() -> None:
    bulk = score_bulk(network(), [FULL])
    with pytest.raises(ValueError, match="read-only"):
        bulk.dimension_scores[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        bulk.matrix.codes[0, 0] = 1


def test_answer_matrix_checks_its_codes() -> None:
    definition = network()
    with pytest.raises(ValueError, match=r"shape \(8, responses\)"):
        AnswerMatrix(definition, np.zeros((3, 2), dtype=np.int8))
    with pytest.raises(ValueError, match="must be int8"):
        AnswerMatrix(definition, np.zeros((8, 2), dtype=np.int64))
    codes = np.zeros((8, 2), dtype=np.int8)
    codes[0, 1] = 5  # a1 has 5 values: codes 0..4
    with pytest.raises(ValueError, match=r"codes of item 'a1' must lie in -3..4"):
        AnswerMatrix(definition, codes)


def test_matrix_of_another_definition_is_refused() -> None:
    matrix = encode_answers(network(), [FULL])
    assert len(score_bulk(network(), matrix)) == 1  # an equal definition is fine
    with pytest.raises(ValueError, match="another definition"):
        score_bulk(minimal(), matrix)
