"""Server-side browser sessions: hashed cookie tokens, idle and absolute timeouts, activity
noted at most once a minute, CSRF tokens, clean-up of ended respondent sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import WebSession
from app.services import responses, web_sessions
from app.services.web_sessions import TOUCH_INTERVAL, SessionPolicy
from app.tokens import hash_token
from tests import factories

POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=2))


@pytest.fixture
def response_id(session: Session) -> int:
    made = factories.network(session)
    response = factories.response(session, made.round, made.organisation)
    assert response.id is not None
    return response.id


def test_a_started_session_is_found_by_its_cookie_only(session: Session, response_id: int) -> None:
    row, cookie = web_sessions.start_session(
        session, POLICY, response_id=response_id, data={"language": "de"}
    )
    assert len(cookie) >= 22
    assert row.token_hash == hash_token(cookie)
    assert cookie not in row.model_dump_json()
    assert row.expires_at - row.created_at == POLICY.absolute
    found = web_sessions.find_session(session, cookie, POLICY)
    assert found is not None
    assert (found.id, found.response_id, found.data) == (row.id, response_id, {"language": "de"})
    for wrong in (None, "", "not-a-cookie", row.token_hash):
        assert web_sessions.find_session(session, wrong, POLICY) is None


def test_idle_and_absolute_timeouts(session: Session, response_id: int) -> None:
    row, cookie = web_sessions.start_session(session, POLICY, response_id=response_id)
    start = row.last_seen_at
    just_before = start + POLICY.idle - timedelta(seconds=1)
    assert web_sessions.find_session(session, cookie, POLICY, now=just_before) is not None
    assert web_sessions.find_session(session, cookie, POLICY, now=start + POLICY.idle) is None
    row.last_seen_at = row.expires_at - timedelta(minutes=1)  # active until the very end
    assert web_sessions.find_session(session, cookie, POLICY, now=row.expires_at) is None


def test_activity_is_due_at_most_once_a_minute(session: Session, response_id: int) -> None:
    row, _cookie = web_sessions.start_session(session, POLICY, response_id=response_id)
    start = row.last_seen_at
    assert not web_sessions.needs_touch(row, start + TOUCH_INTERVAL - timedelta(seconds=1))
    assert web_sessions.needs_touch(row, start + TOUCH_INTERVAL)


def test_recorded_activity_keeps_the_session_alive(session: Session, response_id: int) -> None:
    row, cookie = web_sessions.start_session(session, POLICY, response_id=response_id)
    assert row.id is not None
    later = row.last_seen_at + timedelta(minutes=20)
    web_sessions.record_activity(session, row.id, later)
    session.expire_all()
    stored = session.exec(select(WebSession).where(WebSession.id == row.id)).one()
    assert stored.last_seen_at == later
    still = later + POLICY.idle - timedelta(seconds=1)
    assert web_sessions.find_session(session, cookie, POLICY, now=still) is not None


def test_session_data_is_merged(session: Session, response_id: int) -> None:
    row, _cookie = web_sessions.start_session(session, POLICY, data={"a": 1})
    web_sessions.set_data(session, row, language="en")
    web_sessions.set_data(session, row, language="de")
    session.flush()
    session.expire_all()
    stored = session.exec(select(WebSession).where(WebSession.id == row.id)).one()
    assert stored.data == {"a": 1, "language": "de"}


def test_csrf_tokens(session: Session) -> None:
    row, _cookie = web_sessions.start_session(session, POLICY)
    other, _other_cookie = web_sessions.start_session(session, POLICY)
    assert row.csrf_token != other.csrf_token
    assert web_sessions.csrf_matches(row, row.csrf_token)
    for wrong in (None, "", other.csrf_token, row.csrf_token[:-1]):
        assert not web_sessions.csrf_matches(row, wrong)


def test_purge_removes_ended_respondent_sessions_only(session: Session, response_id: int) -> None:
    now = utcnow()
    live, _ = web_sessions.start_session(session, POLICY, response_id=response_id)
    idle, _ = web_sessions.start_session(session, POLICY, response_id=response_id)
    idle.last_seen_at = now - POLICY.idle
    expired, _ = web_sessions.start_session(session, POLICY, response_id=response_id)
    expired.expires_at = now
    other, _ = web_sessions.start_session(session, POLICY)  # not a respondent's session
    other.last_seen_at = now - POLICY.idle
    session.add_all([idle, expired, other])
    session.flush()
    assert web_sessions.purge_expired(session, POLICY, now) == 2
    remaining = {row.id for row in session.exec(select(WebSession)).all()}
    assert remaining == {live.id, other.id}


LATE = SessionPolicy(
    idle=timedelta(minutes=30), absolute=timedelta(hours=2), late_saves=timedelta(hours=1)
)


def test_an_idle_session_may_still_save_within_the_late_window(
    session: Session, response_id: int
) -> None:
    row, token = web_sessions.start_session(session, LATE, response_id=response_id)
    start = row.last_seen_at
    assert web_sessions.find_session_for_saving(session, token, LATE, start) == (row, False)
    idle = start + LATE.idle
    assert web_sessions.find_session(session, token, LATE, idle) is None  # reads: ended
    assert web_sessions.find_session_for_saving(session, token, LATE, idle) == (row, True)
    ended = start + LATE.idle + LATE.late_saves
    assert web_sessions.find_session_for_saving(session, token, LATE, ended) is None
    past_expiry = row.expires_at  # the absolute end comes first, late or not
    row.last_seen_at = past_expiry - LATE.idle
    assert web_sessions.find_session_for_saving(session, token, LATE, past_expiry) is None


def test_purge_keeps_idle_sessions_that_may_still_save(session: Session, response_id: int) -> None:
    now = utcnow()
    late, _ = web_sessions.start_session(session, LATE, response_id=response_id)
    late.last_seen_at = now - LATE.idle
    gone, _ = web_sessions.start_session(session, LATE, response_id=response_id)
    gone.last_seen_at = now - LATE.idle - LATE.late_saves
    session.add_all([late, gone])
    session.flush()
    assert web_sessions.purge_expired(session, LATE, now) == 1
    assert {row.id for row in session.exec(select(WebSession)).all()} == {late.id}


def test_a_respondent_session_and_its_response_are_found_together(
    session: Session, response_id: int
) -> None:
    """Respondent pages read the session and the response's context in one query
    (``responses.load_for_session``), with the same verdicts as ``find_session_for_saving``:
    live, late (may only save), ended; a session without a response is no respondent's."""
    late = SessionPolicy(POLICY.idle, POLICY.absolute, late_saves=POLICY.absolute)
    row, cookie = web_sessions.start_session(session, late, response_id=response_id)
    start = row.last_seen_at
    found = responses.load_for_session(session, cookie, late, start)
    assert found is not None
    found_row, is_late, context = found
    assert (found_row.id, is_late) == (row.id, False)
    assert context.response.id == response_id
    assert context.definition.dimensions, "the definition comes with it"
    assert (context.round.id, context.organisation.id) == (
        context.response.round_id,
        context.response.organisation_id,
    )
    idle = start + POLICY.idle + timedelta(minutes=1)
    saving_late = responses.load_for_session(session, cookie, late, idle)
    assert saving_late is not None
    assert saving_late[1] is True
    assert responses.load_for_session(session, cookie, POLICY, idle) is None
    assert responses.load_for_session(session, cookie, late, row.expires_at) is None
    for wrong in (None, "", "not-a-cookie", row.token_hash):
        assert responses.load_for_session(session, wrong, late, start) is None
    _facilitator, other = web_sessions.start_session(session, POLICY)
    assert web_sessions.find_session(session, other, POLICY) is not None
    assert responses.load_for_session(session, other, POLICY) is None
