"""The audit log records operator actions and submissions, in one line each, never secrets."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.errors import InvalidInput
from app.services import audit, invitations, questionnaires, rounds
from app.services.questionnaires import Published
from tests import factories


def test_operator_actions_are_logged(session: Session, loaded: list[Published]) -> None:
    project = factories.project(session)
    organisation = factories.organisation(session, project, "Region A")
    round_ = factories.round_(session, project, slug=factories.FLAGSHIP)
    invitation, token = factories.invitation(session, round_, organisation)
    invitations.revoke(session, invitation)
    rounds.close_round(session, round_)
    questionnaires.retire(session, "intercultural-organisation", "1.0")

    events = audit.recent(session)
    actions = [e.action for e in reversed(events)]
    assert actions == [
        *["questionnaire.publish"] * len(loaded),  # one a shipped definition file
        "project.create",
        "organisation.add",
        "round.create",
        "invitation.create",
        "invitation.revoke",
        "round.close",
        "questionnaire.retire",
    ]
    organisation_event = next(e for e in events if e.action == "organisation.add")
    assert organisation_event.detail["name"] == "Region A"  # line breaks: see one_line below
    assert organisation_event.project_id == project.id
    assert all(token not in str(e.detail) and token not in e.object_id for e in events)
    assert [e.action for e in audit.recent(session, project_id=project.id)][-1] == "project.create"


def test_one_line_bounds_and_flattens() -> None:
    assert audit.one_line("a\r\nb\tc") == "a  b c"
    assert len(audit.one_line("x" * 1000)) == audit.MAX_VALUE


def test_pages_of_events_are_filtered_in_sql_and_bounded_by_projects(session: Session) -> None:
    one = factories.project(session, "one")
    two = factories.project(session, "two")
    assert one.id is not None
    assert two.id is not None
    for number in range(5):
        audit.record(
            session,
            "round.create",
            actor="ana@example.org",
            project_id=one.id,
            object_type="round",
            object_id=number,
        )
    audit.record(
        session,
        "round.create",
        actor="bo@example.org",
        project_id=two.id,
        object_type="round",
        object_id=9,
    )
    audit.record(session, "user.create", object_type="user", object_id=1)
    session.flush()
    mine = audit.page_events(session, audit.EventFilter(projects=[one.id]), 3, 0)
    assert mine.total == 6  # project.create and five rounds
    assert [e.object_id for e in mine.items] == ["4", "3", "2"]  # newest first
    assert audit.page_events(session, audit.EventFilter(), 50, 0).total == 9
    by_actor = audit.page_events(session, audit.EventFilter(actor="BO@"), 50, 0)
    assert [e.object_id for e in by_actor.items] == ["9"]
    assert audit.page_events(session, audit.EventFilter(object_type="user"), 50, 0).total == 1
    outside = audit.EventFilter(projects=[one.id], project_id=two.id)
    assert audit.page_events(session, outside, 50, 0).total == 0
    assert audit.page_events(session, audit.EventFilter(days=1), 50, 0).total == 9
    for bad in (
        audit.EventFilter(days=0),
        audit.EventFilter(actor="a\x00"),
        audit.EventFilter(action="x" * 65),
    ):
        with pytest.raises(InvalidInput):
            audit.page_events(session, bad, 50, 0)
