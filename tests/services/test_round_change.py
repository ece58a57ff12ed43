"""Change between rounds from stored scores equals scoring.compare_rounds on the answers' means,
on both databases: rounding and direction, topics of one version named, organisations below the
minimum in either round without numbers, the cohort's mean change, the previous round, and
refusals (incomparable versions, the same round, a later round, another project's round)."""

from __future__ import annotations

import math

import pytest
from sqlmodel import Session

from app.errors import InvalidInput, NotFound
from app.models import ScoreKind
from app.services import cohort, round_change
from scoring import round_score
from tests import factories
from tests.change_data import expected, seed

KINDS = [
    (ScoreKind.DIMENSION, "dimensions"),
    (ScoreKind.AREA, "areas"),
    (ScoreKind.INDEX, "indexes"),
    (ScoreKind.OVERALL, "overall"),
]


@pytest.mark.parametrize(("kind", "part"), KINDS)
def test_changes_equal_compare_rounds_on_the_scoring_librarys_means(
    session: Session, kind: ScoreKind, part: str
) -> None:
    seeded = seed(session)
    found = round_change.round_change(session, seeded.project, seeded.earlier, seeded.later)
    assert [o.organisation.name for o in found.shown] == ["Aachen", "Brno"]
    for name in ("Aachen", "Brno"):
        want = expected(name, part)
        assert want is not None
        got = found.find(seeded.id(name))
        assert got is not None
        assert set(got.topics[kind]) == set(want.changes)
        for key, change in want.changes.items():
            one = got.topics[kind][key]
            assert (one.before, one.after) == pytest.approx((change.before, change.after))
            assert one.change == round_score(change.change)
            assert one.reason_code == change.reason_code
            if one.change is not None:
                assert one.direction == ("up" if one.change > 0 else "down")
        assert {k: v.reason_code for k, v in found.incomparable[kind].items()} == {
            k: v.reason_code for k, v in want.incomparable.items()
        }


def test_topics_of_one_version_are_named_and_a_missing_score_has_no_change(
    session: Session,
) -> None:
    seeded = seed(session)
    found = round_change.round_change(session, seeded.project, seeded.earlier, seeded.later)
    dimensions = found.incomparable[ScoreKind.DIMENSION]
    assert {k: v.reason_code for k, v in dimensions.items()} == {
        "staff": "not_in_after",
        "networks": "not_in_before",
    }
    assert found.incomparable[ScoreKind.INDEX]["reach"].reason_code == "not_in_before"
    assert found.topics[ScoreKind.DIMENSION] == ("leadership", "services")
    brno = found.find(seeded.id("Brno"))
    assert brno is not None
    services = brno.topics[ScoreKind.DIMENSION]["services"]  # "not applicable" in 2024
    assert (services.before, services.change, services.direction) == (None, None, None)
    assert services.reason_code == "missing_score"


def test_below_the_minimum_in_either_round_no_number(session: Session) -> None:
    seeded = seed(session)
    found = round_change.round_change(session, seeded.project, seeded.earlier, seeded.later)
    counts = {
        o.organisation.name: (o.responses_before, o.responses_after, o.shown, o.topics)
        for o in found.organisations
    }
    assert counts["Cork"] == (2, 3, False, {})  # too few in the earlier round
    assert counts["Dresden"] == (3, 2, False, {})  # too few in the later round
    assert counts["Empty"] == (0, 0, False, {})


def test_the_cohort_mean_change_counts_organisations_with_both_scores(session: Session) -> None:
    seeded = seed(session)
    found = round_change.round_change(session, seeded.project, seeded.earlier, seeded.later)
    aachen, brno = expected("Aachen"), expected("Brno")
    assert aachen is not None
    assert brno is not None
    leadership = found.cohort[ScoreKind.DIMENSION]["leadership"]
    mean = (aachen.changes["leadership"].change or 0) + (brno.changes["leadership"].change or 0)
    assert leadership.n == 2
    assert leadership.change == round_score(mean / 2)
    services = found.cohort[ScoreKind.DIMENSION]["services"]
    assert services.n == 1  # Brno has no services score in 2024
    assert services.change == round_score(aachen.changes["services"].change)
    assert math.isclose(services.before or 0, aachen.changes["services"].before or 0)


def test_direction_follows_the_rounded_change() -> None:
    assert round_change.direction(round_score(0.04)) == "same"
    assert round_change.direction(round_score(0.05)) == "up"
    assert round_change.direction(round_score(-0.2)) == "down"
    assert round_change.direction(None) is None


def test_previous_round_is_the_latest_earlier_comparable_one(session: Session) -> None:
    seeded = seed(session)
    # the 2025 pilot opened in between but its version 2.0 is not comparable
    assert round_change.previous_round(session, seeded.later) == seeded.earlier
    assert round_change.previous_round(session, seeded.earlier) is None
    assert round_change.earlier_rounds(session, seeded.later) == [seeded.earlier]
    found = round_change.round_change(session, seeded.project, None, seeded.later)
    assert found.before == seeded.earlier
    with pytest.raises(NotFound, match="no earlier round of a comparable version"):
        round_change.round_change(session, seeded.project, None, seeded.earlier)


def test_incomparable_versions_are_refused_with_the_reason(session: Session) -> None:
    seeded = seed(session)
    with pytest.raises(round_change.RoundsNotComparable) as refused:
        round_change.round_change(session, seeded.project, seeded.other, seeded.later)
    assert refused.value.status_code == 409
    assert refused.value.type_slug == "rounds-not-comparable"
    assert "change 2.0 and change 1.1" in refused.value.detail
    assert "not declared comparable" in refused.value.detail


def test_the_same_round_a_later_round_or_another_projects_round_is_refused(
    session: Session,
) -> None:
    seeded = seed(session)
    with pytest.raises(InvalidInput) as same:
        round_change.round_change(session, seeded.project, seeded.later, seeded.later)
    assert same.value.extra["field"] == "before"
    with pytest.raises(InvalidInput, match="did not open before"):
        round_change.round_change(session, seeded.project, seeded.later, seeded.earlier)
    elsewhere = factories.round_(session, factories.project(session))
    with pytest.raises(NotFound):
        round_change.round_change(session, seeded.project, elsewhere, seeded.later)


def test_one_organisation_for_the_partner_report(session: Session) -> None:
    seeded = seed(session)
    only = cohort.filters(organisations=[seeded.id("Aachen")])
    found = round_change.round_change(session, seeded.project, None, seeded.later, only)
    assert [o.organisation.name for o in found.organisations] == ["Aachen"]
    want = expected("Aachen")
    assert want is not None
    aachen = found.find(seeded.id("Aachen"))
    assert aachen is not None
    assert aachen.changes(ScoreKind.DIMENSION)["leadership"] == round_score(
        want.changes["leadership"].change
    )
