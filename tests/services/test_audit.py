"""The audit log records operator actions and submissions, in one line each, never secrets."""

from __future__ import annotations

from sqlmodel import Session

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
