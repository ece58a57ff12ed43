"""A round's progress counted per organisation and group: zeros for an empty round, uses
apart from submissions, filters that keep the round's totals, day-only activity when anonymous."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.services import invitations, progress
from app.services.progress import Status
from tests import factories


def test_an_empty_round_shows_every_partner_with_zeros(session: Session) -> None:
    network = factories.network(session, organisation_name="Saxony")
    factories.organisation(session, network.project, "Bavaria")
    overview = progress.round_overview(session, network.round)
    assert [(r.organisation, r.group) for r in overview.rows] == [
        ("Bavaria", None),
        ("Saxony", None),
    ]
    totals = overview.totals
    assert (totals.links, totals.uses, totals.opened, totals.started, totals.submitted) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert totals.last_activity is None
    assert not totals.reached
    assert [
        (r.name, r.drafts, r.submitted) for r in progress.round_progress(session, network.round)
    ] == [
        ("Bavaria", 0, 0),
        ("Saxony", 0, 0),
    ]


def test_counts_per_group_and_uses_are_not_submissions(session: Session) -> None:
    network = factories.network(session, min_group_size=2, organisation_name="Saxony")
    round_, saxony = network.round, network.organisation
    bavaria = factories.organisation(session, network.project, "Bavaria")
    shared, _token = invitations.create_invitation(
        session, round_, saxony, multi_use=True, stakeholder_group="politics"
    )
    revoked, _token = invitations.create_invitation(session, round_, saxony)
    invitations.revoke(session, revoked)
    for submitted in (False, True, True):
        invitations.record_use(session, shared)
        factories.response(
            session,
            round_,
            saxony,
            submitted=submitted,
            invitation_=shared,
            stakeholder_group="politics",
        )
    factories.response(session, round_, bavaria)
    overview = progress.round_overview(session, round_)
    rows = {(r.organisation, r.group): r for r in overview.rows}
    politics = rows[("Saxony", "politics")]
    assert (politics.links, politics.uses, politics.opened) == (1, 3, 3)
    assert (politics.started, politics.submitted, politics.reached) == (1, 2, True)
    plain = rows[("Saxony", None)]
    assert (plain.links, plain.uses, plain.opened) == (0, 0, 0)  # the revoked link
    bavarian = rows[("Bavaria", None)]
    assert (bavarian.links, bavarian.uses, bavarian.started, bavarian.reached) == (0, 0, 1, False)
    assert (overview.totals.opened, overview.totals.submitted, overview.totals.uses) == (4, 2, 3)
    assert overview.groups == ["politics"]

    only = progress.round_overview(session, round_, status=Status.REACHED)
    assert [(r.organisation, r.group) for r in only.rows] == [("Saxony", "politics")]
    assert only.totals == overview.totals  # filters never change the round's totals
    none = progress.round_overview(session, round_, group="")
    assert {r.group for r in none.rows} == {None}
    assert (
        progress.round_overview(
            session, round_, organisation_id=bavaria.id, status=Status.NOT_OPENED
        ).rows
        == []
    )
    api = {r.name: (r.drafts, r.submitted) for r in progress.round_progress(session, round_)}
    assert api == {"Saxony": (1, 2), "Bavaria": (1, 0)}


def test_anonymous_rounds_report_the_day_only(session: Session) -> None:
    network = factories.network(session, anonymous=True)
    day = datetime(2026, 11, 30, tzinfo=UTC)
    factories.response(session, network.round, network.organisation, updated_at=day)
    overview = progress.round_overview(session, network.round)
    assert overview.day_only
    assert overview.totals.last_activity == day
