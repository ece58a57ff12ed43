"""Cohort comparison and round-over-round change, hand-computed."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from scoring import (
    CohortPosition,
    DimensionChange,
    Incomparable,
    compare_cohort,
    compare_rounds,
    versions_comparable,
)
from scoring.definition import Definition
from tests.scoring.builders import build, scale

COHORT: dict[str, dict[str, float | None]] = {
    "A": {"x": 20.0, "y": 60.0},
    "B": {"x": 40.0, "y": 60.0},
    "C": {"x": 50.0, "y": 60.0},
    "D": {"x": 50.0, "y": 60.0},
    "E": {"x": 90.0, "y": 60.0},
    "F": {"x": None, "y": None},
}


def test_positions_hand_computed() -> None:
    c = compare_cohort(COHORT)
    # mean of the five scores: (20 + 40 + 50 + 50 + 90) / 5 = 50
    # percentile rank = 100 * (below + equal / 2) / 5, ties (itself included) counted half:
    #   A: (0 + 0.5)/5 = 10   B: (1 + 0.5)/5 = 30   C, D: (2 + 1)/5 = 60   E: (4 + 0.5)/5 = 90
    expected = {
        "A": (20.0, -30.0, 10.0),
        "B": (40.0, -10.0, 30.0),
        "C": (50.0, 0.0, 60.0),
        "D": (50.0, 0.0, 60.0),
        "E": (90.0, 40.0, 90.0),
    }
    for org, (score, difference, rank) in expected.items():
        assert c.organisations[org].dimensions["x"] == CohortPosition(
            score, 50.0, difference, rank, 5
        )
    assert c.organisations["F"].dimensions["x"] == CohortPosition(None, 50.0, None, None, 5)
    assert (c.cohort["x"].n, c.cohort["x"].mean, c.cohort["x"].median) == (5, 50.0, 50.0)


def test_relative_strengths_and_weaknesses() -> None:
    c = compare_cohort(COHORT)
    # strength: rank >= 75 and above the mean (E: 90); weakness: rank <= 25 and below (A: 10)
    # y: everyone 60, rank 50, difference 0: neither
    assert {org: (s.strengths, s.weaknesses) for org, s in c.organisations.items()} == {
        "A": ((), ("x",)),
        "B": ((), ()),
        "C": ((), ()),
        "D": ((), ()),
        "E": (("x",), ()),
        "F": ((), ()),
    }
    looser = compare_cohort(COHORT, weakness_percentile=30)
    assert looser.organisations["B"].weaknesses == ("x",)


def test_chosen_dimensions_and_json() -> None:
    c = compare_cohort(COHORT, dimensions=["y"])
    assert c.dimensions == ("y",)
    data = json.loads(json.dumps(c.to_dict()))
    assert data["organisations"]["A"]["dimensions"]["y"]["percentile_rank"] == 50.0


def version(
    number: str, dimensions: list[str], comparable_with: Sequence[str] = (), slug: str = "example"
) -> Definition:
    return build(
        [scale(f"{d}.q", d) for d in dimensions],
        version=number,
        slug=slug,
        comparable_with=list(comparable_with),
    )


def test_round_change_for_comparable_versions() -> None:
    before = version("1.0", ["a", "b", "c"])
    after = version("1.1", ["a", "b", "d"], ["1.0"])
    result = compare_rounds(
        before, {"a": 40.0, "b": None, "c": 70.0}, after, {"a": 55.5, "b": 60.0, "d": 10.0}
    )
    assert result.comparable
    assert result.changes == {
        "a": DimensionChange(40.0, 55.5, 15.5, None, None),
        "b": DimensionChange(None, 60.0, None, "missing_score", "no score in the earlier round"),
    }
    assert result.incomparable == {  # named, never silently compared
        "c": Incomparable("not_in_after", "not in version 1.1"),
        "d": Incomparable("not_in_before", "not in version 1.0"),
    }
    assert json.loads(json.dumps(result.to_dict()))["changes"]["a"]["change"] == 15.5


def test_incomparable_versions_compare_nothing() -> None:
    before, after = version("1.0", ["a"]), version("2.0", ["a"])
    result = compare_rounds(before, {"a": 40.0}, after, {"a": 60.0})
    assert not result.comparable
    assert result.changes == {}
    assert result.incomparable["a"].reason_code == "versions_not_comparable"
    assert result.incomparable["a"].reason == (
        "example 1.0 and example 2.0 are not declared comparable (comparable_with)"
    )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (("1.0", []), ("1.0", []), True),  # the same version
        (("1.0", []), ("1.1", ["1.0"]), True),
        (("1.1", ["1.0"]), ("1.0", []), True),  # either direction
        (("1.0", []), ("2.0", ["1.1"]), False),
    ],
)
def test_versions_comparable(
    before: tuple[str, list[str]], after: tuple[str, list[str]], expected: bool
) -> None:
    earlier = version(before[0], ["a"], before[1])
    later = version(after[0], ["a"], after[1])
    assert versions_comparable(earlier, later) is expected


def test_other_questionnaire_is_never_comparable() -> None:
    assert not versions_comparable(
        version("1.0", ["a"]), version("1.1", ["a"], ["1.0"], slug="other")
    )


def test_round_change_of_the_overall_index_and_a_part_that_does_not_exist() -> None:
    before = version("1.0", ["a", "c"])
    after = version("1.1", ["a", "d"], ["1.0"])
    result = compare_rounds(before, {"overall": 40.0}, after, {"overall": 52.5}, part="overall")
    assert result.changes == {"overall": DimensionChange(40.0, 52.5, 12.5, None, None)}
    assert result.incomparable == {}
    areas = compare_rounds(before, {}, after, {}, part="areas")
    assert (areas.changes, areas.incomparable) == ({}, {})  # neither version has areas
    with pytest.raises(ValueError, match="part must be one of"):
        compare_rounds(before, {}, after, {}, part="items")
