"""The plain-Python path for one response gives the bulk path's numbers to the last bit."""

from __future__ import annotations

import math
import random
import struct
from typing import Any

import pytest

from scoring import Definition, encode_answers, score_bulk, score_response
from scoring.encode import encode_response
from scoring.single import divide, score_codes
from tests.scoring.builders import build, choice, dimension, scale
from tests.scoring.test_bulk import definitions, random_answers


def bits(value: float) -> bytes:
    """The float's bytes (0.0 differs from -0.0); every NaN alike, as a missing score (numpy's
    0/0 sets the sign bit, Python's NaN does not; nothing reads it)."""
    return b"nan" if math.isnan(value) else struct.pack("<d", value)


def weighted(rng: random.Random) -> Definition:
    """A definition with random weights everywhere, reverse-keyed items, N/A, a condition,
    areas, an index and a minimum of answered parts, so that sums are rarely round."""
    w = lambda: rng.choice([0.5, 1, 1.5, 2, 3, 0.7, 1.3])  # noqa: E731
    return build(
        items=[
            scale("a1", "a", weight=w()),
            scale("a2", "a", reverse=True, weight=w()),
            scale("a3", "a", "five", weight=w()),
            scale("a4", "a", "percent", weight=w()),
            scale("b1", "b", weight=w()),
            scale("b2", "b", "five", reverse=True, weight=w()),
            choice("gate", "c", {"yes": None, "no": None}),
            scale("c1", "c", show_if="gate == 'yes'", weight=w()),
            scale("c2", "c", "five", show_if="gate == 'yes'", weight=w()),
            scale("c3", "c", weight=w()),
            choice("s1", "s", {"yes": 100, "partly": 50, "no": 0, "unsure": None}, weight=w()),
            choice("s2", "s", {"x": 33.3, "y": 30, "z": 40, "n": None}, multi=True, weight=w()),
        ],
        dimensions=[
            dimension("a", area="inner", weight=w(), min_answered=2),
            dimension("b", area="inner", weight=w()),
            dimension("c", area="outer", weight=w(), min_coverage=0.3),
            dimension("s", weight=w()),
        ],
        areas=[
            {"id": "inner", "title": {"en": "Inner"}, "weight": w(), "area": "outer"},
            {"id": "outer", "title": {"en": "Outer"}},
        ],
        indexes=[{"id": "lens", "title": {"en": "Lens"}, "of": ["a", "s", "inner"]}],
    )


def cases() -> list[Definition]:
    rng = random.Random(11)
    return [*definitions(), *(weighted(rng) for _ in range(5))]


@pytest.mark.parametrize("definition", cases(), ids=lambda d: d.slug)
def test_single_numbers_equal_bulk_bit_for_bit(definition: Definition) -> None:
    rng = random.Random(5)
    responses: list[dict[str, Any]] = [random_answers(definition, rng) for _ in range(400)]
    responses += [{}]  # nothing answered: every score missing
    bulk = score_bulk(definition, responses)
    nodes = [*bulk.dimensions, *bulk.areas, *bulk.indexes]
    for row, answers in enumerate(responses):
        codes = encode_response(definition, answers)
        assert codes == bulk.matrix.codes[:, row].tolist()
        single = score_codes(definition, codes)
        expected = [
            *bulk.dimension_scores[row].tolist(),
            *bulk.area_scores[row].tolist(),
            *bulk.index_scores[row].tolist(),
        ]
        assert len(single.dimension_scores) == len(nodes)
        assert list(map(bits, single.dimension_scores)) == list(map(bits, expected))
        assert list(map(bits, single.coverage)) == list(map(bits, bulk.coverage[row].tolist()))
        assert bits(single.overall) == bits(float(bulk.overall[row]))
        assert bits(single.own_mean) == bits(float(bulk.own_mean[row]))
        groups = bulk.group_scores[row].tolist()
        assert list(map(bits, single.group_scores)) == list(map(bits, groups))


def test_the_cases_cover_what_they_claim() -> None:
    """The random answers reach N/A, missing and hidden items, missing and present scores."""
    seen: set[str] = set()
    for definition in cases():
        rng = random.Random(5)
        matrix = encode_answers(definition, [random_answers(definition, rng) for _ in range(400)])
        codes = set(matrix.codes.ravel().tolist())
        seen |= {
            name for name, code in (("na", -2), ("missing", -1), ("hidden", -3)) if code in codes
        }
        profile = score_response(definition, random_answers(definition, rng))
        if any(g.score is not None for g in profile.item_groups.values()):
            seen.add("groups")
    assert seen == {"na", "missing", "hidden", "groups"}


def test_weighted_scores_are_not_round() -> None:
    """The weighted cases make sums whose order matters (else the comparison proves little)."""
    definition = weighted(random.Random(11))
    rng = random.Random(5)
    scores = [
        score_response(definition, random_answers(definition, rng)).overall.score for _ in range(50)
    ]
    assert any(s is not None and s != round(s, 6) for s in scores)


def test_division_follows_numpy() -> None:
    assert divide(3.0, 4.0) == 0.75
    assert math.isnan(divide(0.0, 0.0))
    assert math.isnan(divide(math.nan, 0.0))
    assert divide(1.0, 0.0) == math.inf
    assert divide(-1.0, 0.0) == -math.inf
    assert divide(1.0, -0.0) == -math.inf
