"""The round's profile from stored scores equals the scoring library's from the answers, on
both databases: organisation means and agreement, the cohort's mean, min and max, stakeholder
groups side by side, filters, and similar partners."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound
from app.models import Response, ResponseScore, ScoreKind
from app.services import aggregate_cache, cohort, driver_rows, results
from scoring import aggregate_columns
from tests import factories
from tests.cohort_data import HOSTILE, MIN_GROUP_SIZE, expected, seed


def test_organisation_means_and_the_cohort_equal_the_scoring_librarys(session: Session) -> None:
    seeded = seed(session)
    found = cohort.round_profile(session, seeded.project, seeded.round)
    want = expected()
    shown = {p.organisation.name: p for p in found.shown}
    assert set(shown) == set(want.aggregates) == {"Aachen", "Brno", "Cork", HOSTILE}
    for name, aggregate in want.aggregates.items():
        one = shown[name]
        assert one.responses == aggregate.responses
        for key, score in aggregate.dimensions.items():
            got = one.scores[ScoreKind.DIMENSION][key]
            assert got.mean == pytest.approx(score.mean)
            assert got.n == score.n
            assert got.agreement == pytest.approx(score.agreement)
            assert got.disagreement == score.disagreement
        assert one.overall == pytest.approx(aggregate.overall.mean)
    for key, summary in want.cohort.cohort.items():
        got = found.cohort(ScoreKind.DIMENSION)[key]
        assert (got.n, got.mean, got.min, got.max) == pytest.approx(
            (summary.n, summary.mean, summary.min, summary.max)
        )
    # sorted by overall index, highest first; below the minimum and without responses last
    overall = [p.overall for p in found.shown]
    assert overall == sorted(overall, reverse=True)
    assert [p.organisation.name for p in found.withheld] == ["Dresden", "Empty"]
    dresden = found.withheld[0]
    assert dresden.responses == 2
    assert dresden.scores == {}
    assert dresden.overall is None


def test_stakeholder_groups_side_by_side_only_at_the_minimum_size(session: Session) -> None:
    seeded = seed(session)
    aachen = cohort.round_profile(session, seeded.project, seeded.round).find(seeded.id("Aachen"))
    assert aachen is not None
    assert [g.group for g in aachen.groups] == ["administration"]
    assert aachen.small_groups == 1  # civil society: 2 responses
    admin = expected(["Aachen"], group="administration").aggregates["Aachen"]
    assert aachen.groups[0].dimensions["leadership"].mean == pytest.approx(
        admin.dimensions["leadership"].mean
    )
    # administration high, civil society low: the organisation disagrees on leadership
    assert "leadership" in aachen.disagreements


def test_filters_narrow_the_cohort(session: Session) -> None:
    seeded = seed(session)
    german = cohort.round_profile(
        session, seeded.project, seeded.round, cohort.filters(country="de")
    )
    assert {p.organisation.name for p in german.organisations} == {"Aachen", "Dresden", HOSTILE}
    want = expected(["Aachen", HOSTILE])
    assert german.cohort(ScoreKind.DIMENSION)["services"].mean == pytest.approx(
        want.cohort.cohort["services"].mean
    )
    cities = cohort.round_profile(
        session, seeded.project, seeded.round, cohort.filters(kind="city")
    )
    assert {p.organisation.name for p in cities.shown} == {"Aachen", "Brno"}
    chosen = cohort.filters(organisations=[seeded.id("Brno"), seeded.id("Cork")])
    two = cohort.round_profile(session, seeded.project, seeded.round, chosen)
    assert [p.organisation.name for p in two.organisations] == sorted(
        ["Brno", "Cork"],
        key=lambda n: -(two.find(seeded.id(n)).overall or 0),  # type: ignore[union-attr]
    )
    group = cohort.round_profile(
        session, seeded.project, seeded.round, cohort.filters(group="administration")
    )
    # only Aachen's three administration responses count; nobody else reaches the minimum
    assert [p.organisation.name for p in group.shown] == ["Aachen"]
    assert group.shown[0].responses == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"country": "D\x00"}, "country"),
        ({"country": "Z1"}, "country"),
        ({"kind": "castle"}, "kind"),
        ({"group": "x" * 101}, "stakeholder group"),
        ({"group": "\ud800"}, "stakeholder group"),
        ({"organisations": [0]}, "organisations"),
        ({"organisations": list(range(1, 300))}, "organisations"),
    ],
)
def test_bad_filters_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        cohort.filters(**options)  # type: ignore[arg-type]


def test_an_empty_round(session: Session) -> None:
    net = factories.network(session)
    found = cohort.round_profile(session, net.project, net.round)
    assert found.empty
    assert found.shown == ()
    assert found.cohort(ScoreKind.DIMENSION)["leadership"].mean is None


def test_similar_partners_leave_out_and_name_organisations_without_attributes(
    session: Session,
) -> None:
    seeded = seed(session)
    found = cohort.round_profile(session, seeded.project, seeded.round)
    similar = cohort.similar_partners(found, seeded.id("Aachen"), k=1)
    assert [o.name for o in similar.left_out] == [HOSTILE]
    # Brno: a city, urban, nearer in population and share than Cork (a rural county)
    assert [n.profile.organisation.name for n in similar.neighbours] == ["Brno"]
    assert 0 < similar.neighbours[0].distance < 1
    # within Aachen and Brno the mid-rank percentile is 25 or 75 (or 50 on a tie)
    assert similar.within_group["overall"] in (25.0, 50.0, 75.0)
    whole = found.comparisons[ScoreKind.DIMENSION].organisations[str(seeded.id("Aachen"))]
    assert similar.within_cohort["leadership"] == whole.dimensions["leadership"].percentile_rank


def test_gower_distance_by_hand(session: Session) -> None:
    seeded = seed(session)
    found = cohort.round_profile(session, seeded.project, seeded.round)
    similar = cohort.similar_partners(
        found, seeded.id("Aachen"), k=5, chosen_attributes=["foreign_born_share", "area_type"]
    )
    distances = {n.profile.organisation.name: n.distance for n in similar.neighbours}
    # shares 15 (Aachen), 8 (Brno), 20 (Cork): range 12
    assert distances["Brno"] == pytest.approx((7 / 12 + 0) / 2)
    assert distances["Cork"] == pytest.approx((5 / 12 + 1) / 2)
    population = cohort.similar_partners(
        found, seeded.id("Brno"), k=5, chosen_attributes=["population"]
    )
    logs = {"Aachen": math.log10(250_000), "Brno": math.log10(380_000), "Cork": math.log10(580_000)}
    spread = logs["Cork"] - logs["Aachen"]
    got = {n.profile.organisation.name: n.distance for n in population.neighbours}
    assert got["Aachen"] == pytest.approx((logs["Brno"] - logs["Aachen"]) / spread)


def test_similar_partners_refuse_what_cannot_be_compared(session: Session) -> None:
    seeded = seed(session)
    found = cohort.round_profile(session, seeded.project, seeded.round)
    with pytest.raises(cohort.NotComparable, match="has no population"):
        cohort.similar_partners(found, seeded.id(HOSTILE))
    with pytest.raises(cohort.NotComparable, match="not enough responses"):
        cohort.similar_partners(found, seeded.id("Dresden"))
    with pytest.raises(NotFound):
        cohort.similar_partners(found, 999_999)
    with pytest.raises(InvalidInput, match="k"):
        cohort.similar_partners(found, seeded.id("Aachen"), k=0)
    with pytest.raises(InvalidInput, match="attributes"):
        cohort.attributes(["height"])


def test_bulk_summaries_equal_the_per_organisation_ones_bit_for_bit(session: Session) -> None:
    """The dashboard summarises the round in bulk (:func:`scoring.summarise_segments`); its
    numbers are exactly those of the result page (:func:`app.services.results.compute_group`)
    and of :func:`scoring.aggregate_columns` over each organisation's and group's stored
    scores: N/A answers, stakeholder groups and a hidden answer included."""
    seeded = seed(session)
    hidden = factories.organisation(session, seeded.project, "Hidden answers", country="DE")
    for mandate, group in ((1, "administration"), (3, "administration"), (4, "politics")):
        factories.response(
            session,
            seeded.round,
            hidden,
            # a budget size although there is no budget: kept, hidden by show_if, not scored
            {
                "leadership.mandate": mandate,
                "leadership.has_budget": "no",
                "leadership.budget_size": 4,
                "services.training": "na",
            },
            submitted=True,
            scored=True,
            stakeholder_group=group,
        )
    session.flush()
    found = cohort.round_profile(session, seeded.project, seeded.round)
    definition = found.definition
    dimensions = [d.id for d in definition.dimensions]
    rows = session.execute(
        select(
            col(Response.organisation_id),
            col(Response.id),
            col(Response.stakeholder_group),
            col(ResponseScore.kind),
            col(ResponseScore.target_id),
            col(ResponseScore.score),
        )
        .join(ResponseScore, col(ResponseScore.response_id) == col(Response.id))
        .where(col(Response.round_id) == seeded.round.id)
    ).all()
    assert found.shown
    for profile in found.shown:
        own = [row for row in rows if row[0] == profile.organisation.id]
        count = len({row[1] for row in own})
        for kind in cohort.KINDS_OF_SCORE:
            keys = found.targets.of_kind(kind)
            columns = {
                key: [r[5] for r in own if (r[3], r[4]) == (kind.value, key) and r[5] is not None]
                for key in keys
            }
            assert profile.scores[kind] == aggregate_columns(
                columns, count, min_group_size=MIN_GROUP_SIZE
            )
        page = results.compute_group(
            session, seeded.round.id or 0, profile.organisation.id or 0, MIN_GROUP_SIZE, dimensions
        )
        assert page.dimensions == profile.scores[ScoreKind.DIMENSION]
        for group in profile.groups:
            members = [r for r in own if r[2] == group.group]
            columns = {
                key: [
                    r[5]
                    for r in members
                    if r[4] == key and r[3] == "dimension" and r[5] is not None
                ]
                for key in dimensions
            }
            assert group.responses == len({r[1] for r in members})
            assert group.dimensions == aggregate_columns(
                columns, group.responses, min_group_size=MIN_GROUP_SIZE
            )
    mixed = found.find(hidden.id or 0)
    assert mixed is not None
    assert mixed.shown
    assert mixed.scores[ScoreKind.DIMENSION]["leadership"].n == 3
    assert [g.group for g in mixed.groups] == []  # administration 2, politics 1: too small
    assert mixed.small_groups == 2


def test_scores_of_responses_the_first_read_did_not_list_are_left_out(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL each query has its own snapshot: a response submitted between the read of
    the responses and that of their scores brings scores of a response not listed; they are
    left out (not given to a neighbour, no error)."""
    seeded = seed(session)
    aggregate_cache.clear()
    before = cohort.round_profile(session, seeded.project, seeded.round)
    pages = driver_rows.pages
    calls: list[int] = []

    def with_late_scores(*args: Any, **options: Any) -> Iterator[Any]:
        calls.append(1)
        yield from pages(*args, **options)
        if len(calls) == 2:  # the scores' query
            yield [(0, 0, 100.0), (10**9, 0, 0.0)]

    monkeypatch.setattr(driver_rows, "pages", with_late_scores)
    aggregate_cache.clear()
    after = cohort.round_profile(session, seeded.project, seeded.round)
    assert len(calls) == 2
    assert [(p.organisation.id, p.scores) for p in after.organisations] == [
        (p.organisation.id, p.scores) for p in before.organisations
    ]
