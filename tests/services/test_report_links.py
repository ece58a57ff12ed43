"""Partner report links and reports: a link is shown once and stored hashed, one working link
per partner (a new one replaces the old), revoking is audited and final, unknown and revoked
tokens are one "not found"; the report's numbers are the cohort service's, recommendations
the definition's for weak dimensions."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.errors import Conflict, NotFound
from app.models import AuditEvent, ReportLink, ScoreKind
from app.services import cohort, partner_report, report_links
from scoring import parse_definition, recommendations_for, round_score
from tests.cohort_data import HOSTILE, expected, seed
from tests.helpers import minimal_definition


def test_a_link_is_shown_once_stored_hashed_replaced_and_revoked(session: Session) -> None:
    seeded = seed(session)
    aachen = seeded.organisations["Aachen"]
    row, token = report_links.create(session, seeded.round, aachen, actor="ana@example.org")
    assert token not in row.token_hash
    assert report_links.open_link(session, token).organisation == aachen
    newer, again = report_links.create(session, seeded.round, aachen, actor="ana@example.org")
    assert row.revoked_at is not None  # replaced: one working link per partner
    with pytest.raises(NotFound):
        report_links.open_link(session, token)
    assert report_links.active_links(session, seeded.round) == {aachen.id: newer}
    assert report_links.revoke_for(session, seeded.round, aachen, actor="ana@example.org")
    assert report_links.revoke_for(session, seeded.round, aachen, actor="ana@example.org") is None
    with pytest.raises(Conflict):
        report_links.revoke(session, newer, actor="ana@example.org")
    for guess in (again, "x" * 43, "short", ""):
        with pytest.raises(NotFound):
            report_links.open_link(session, guess)
    actions = session.exec(
        select(AuditEvent.action).where(col(AuditEvent.object_type) == "report_link")
    ).all()
    assert sorted(actions) == ["report_link.create"] * 2 + ["report_link.revoke"] * 2
    assert len(session.exec(select(ReportLink)).all()) == 2


def test_the_report_is_the_cohort_services_row_with_recommendations(session: Session) -> None:
    seeded = seed(session)
    profile = cohort.round_profile(session, seeded.project, seeded.round)
    want = expected()
    definition = parse_definition(minimal_definition())
    for name in ("Aachen", "Brno", "Cork", HOSTILE):
        organisation = seeded.organisations[name]
        report = partner_report.partner_report(
            session, seeded.project, seeded.round, organisation, "de"
        )
        assert report.shown
        found = profile.find(seeded.id(name))
        assert found is not None
        assert report.subject.means(ScoreKind.DIMENSION) == found.means(ScoreKind.DIMENSION)
        assert report.strengths == want.cohort.organisations[name].strengths
        assert report.weaknesses == want.cohort.organisations[name].weaknesses
        below = tuple(
            key
            for key, value in want.aggregates[name].dimensions.items()
            if (shown := round_score(value.mean)) is not None and shown < 40
        )
        weak = tuple(dict.fromkeys([*report.weaknesses, *below]))
        assert set(report.weak) == set(weak)
        assert report.recommendations == recommendations_for(definition, report.weak, "de")
    assert partner_report.partner_report(
        session, seeded.project, seeded.round, seeded.organisations["Brno"], "de"
    ).recommendations == {"leadership": ["Etwas tun"]}  # below 40, though not last in the cohort
    low = partner_report.partner_report(
        session, seeded.project, seeded.round, seeded.organisations["Dresden"], "en"
    )
    assert not low.shown
    assert (low.standing, low.weak, low.recommendations, low.similar) == (None, (), {}, None)
    assert low.subject.responses == 2
