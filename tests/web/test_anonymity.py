"""Anonymous rounds: nothing stored with or beside a submitted response names a respondent or
times them more precisely than the day, and a round's anonymity cannot change under responses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.errors import Conflict
from app.models import AuditEvent, Invitation, Response, ResponseScore, Round, WebSession
from app.services import rounds, web_sessions
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page


def _midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def test_a_submitted_anonymous_response_keeps_nothing_that_names_or_times_its_respondent(
    client: TestClient,
    anonymous: Round,
    make_link: MakeLink,
    reader: Callable[[], Session],
) -> None:
    result = complete(begin(client, make_link(multi_use=True, label="Town hall staff")))
    with reader() as db:
        [response] = db.exec(select(Response)).all()
        sessions = db.exec(select(WebSession)).all()
        scores = db.exec(select(ResponseScore)).all()
        audit = db.exec(select(AuditEvent).where(AuditEvent.object_type == "response")).all()
        invitation = db.exec(select(Invitation)).one()
    assert response.invitation_id is None  # the invitation (and its label) is out of reach
    assert invitation.use_count == 1
    assert response.resume_token_hash is None
    assert response.resume_expires_at is None
    assert sessions
    for row in sessions:
        assert row.response_id == response.id
        assert row.day_only
        assert (row.invitation_id, row.link_generation) == (None, None)
        assert all(_midnight(t) for t in (row.created_at, row.last_seen_at, row.expires_at))
    assert scores
    assert all(_midnight(score.computed_at) for score in scores)
    assert audit == []
    # The respondent still sees the result in this browser; seeing it stores no new time.
    again = Page.get(client, "/respond/result")
    assert again.status == 200
    assert (
        again.text.split("<h1>")[1].split("</h1>")[0]
        == (result.text.split("<h1>")[1].split("</h1>")[0])
    )
    with reader() as db:
        assert all(_midnight(row.last_seen_at) for row in db.exec(select(WebSession)).all())


def test_day_only_sessions_have_no_idle_timeout_but_end_at_their_expiry(
    session: Session, anonymous: Round, client: TestClient, make_link: MakeLink
) -> None:
    complete(begin(client, make_link()))
    session.expire_all()
    [row] = session.exec(select(WebSession)).all()
    policy = web_sessions.SessionPolicy(idle=timedelta(minutes=5), absolute=timedelta(hours=1))
    token = client.cookies["radar_session"]
    later_that_day = row.created_at + timedelta(hours=23)
    assert web_sessions.find_session(session, token, policy, now=later_that_day) is not None
    assert web_sessions.purge_expired(session, policy, now=later_that_day) == 0
    assert web_sessions.find_session(session, token, policy, now=row.expires_at) is None
    assert row.expires_at - row.created_at == timedelta(days=2)


def test_a_named_round_keeps_the_invitation_and_precise_session_times(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    complete(begin(client, make_link(label="Anna")))
    with reader() as db:
        [response] = db.exec(select(Response)).all()
        [row] = db.exec(select(WebSession)).all()
    assert response.invitation_id is not None
    assert not row.day_only
    assert row.invitation_id == response.invitation_id
    assert utcnow() - row.last_seen_at < timedelta(minutes=5)


def test_anonymity_cannot_change_once_a_round_has_responses(
    client: TestClient, anonymous: Round, make_link: MakeLink, session: Session
) -> None:
    rounds.set_anonymous(session, anonymous, False)  # no responses yet: allowed
    rounds.set_anonymous(session, anonymous, True)
    session.commit()
    begin(client, make_link())  # a draft is a response too
    session.expire_all()
    with pytest.raises(Conflict, match="can no longer change"):
        rounds.set_anonymous(session, anonymous, False)
    session.rollback()
    assert session.get(Round, anonymous.id).anonymous is True  # type: ignore[union-attr]
    rounds.set_anonymous(session, anonymous, True)  # unchanged: fine


def test_named_rounds_cannot_become_anonymous_under_responses(
    client: TestClient, round_: Round, make_link: MakeLink, session: Session
) -> None:
    complete(begin(client, make_link()))
    session.expire_all()
    with pytest.raises(Conflict):
        rounds.set_anonymous(session, round_, True)
