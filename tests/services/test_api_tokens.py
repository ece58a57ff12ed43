"""API tokens: shown once, stored hashed with a visible prefix, scoped, expiring, revocable;
"last used" noted at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import unit_of_work
from app.db_types import utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.models import ApiToken, AuditEvent
from app.services import api_tokens
from tests import factories


def test_a_token_is_shown_once_and_stored_only_as_its_hash(session: Session) -> None:
    project = factories.project(session)
    row, secret = api_tokens.create_token(session, project, "portal", ["results:read"])
    assert secret.startswith("radar_")
    assert len(secret) >= 40
    assert row.prefix == secret[:14]
    assert secret not in (row.token_hash, row.prefix)
    assert api_tokens.verify(session, secret) == api_tokens.Grant(
        row.id or 0, project.id, frozenset(row.scopes)
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "api_token.create")).one()
    assert secret not in str(event.detail)
    assert event.detail["prefix"] == row.prefix


def test_scopes_are_checked_and_kept_in_a_fixed_order(session: Session) -> None:
    project = factories.project(session)
    row, _ = api_tokens.create_token(
        session, project, "all", ["project:admin", " results:read", "results:read"]
    )
    assert row.scopes == ["results:read", "project:admin"]
    with pytest.raises(InvalidInput) as refused:
        api_tokens.create_token(session, project, "bad", ["results:write"])
    assert refused.value.detail == (
        "unknown scope 'results:write'; allowed: questionnaires:read, responses:write, "
        "results:read, exports:read, project:admin"
    )
    with pytest.raises(InvalidInput, match="at least one scope"):
        api_tokens.create_token(session, project, "none", [""])
    with pytest.raises(InvalidInput, match="token name"):
        api_tokens.create_token(session, project, "x\x00", ["results:read"])


def test_unknown_revoked_and_expired_tokens_are_refused_alike(session: Session) -> None:
    project = factories.project(session)
    now = utcnow()
    soon = now + timedelta(hours=1)
    _, expiring = api_tokens.create_token(session, project, "e", ["results:read"], expires_at=soon)
    revoked, revoked_secret = api_tokens.create_token(session, project, "r", ["results:read"])
    api_tokens.revoke_token(session, revoked.id or 0)
    assert api_tokens.verify(session, expiring, now) is not None
    assert api_tokens.verify(session, expiring, soon) is None
    assert api_tokens.verify(session, revoked_secret) is None
    for guess in ("radar_" + "x" * 43, "", "Bearer", "radar_\ud800", "radar_" + "a" * 5000):
        assert api_tokens.verify(session, guess) is None
    with pytest.raises(InvalidInput, match="expiry: must lie in the future"):
        api_tokens.create_token(session, project, "p", ["results:read"], expires_at=now)


def test_revoking_twice_or_an_unknown_token_says_so(session: Session) -> None:
    project = factories.project(session)
    row, _ = api_tokens.create_token(session, project, "t", ["results:read"])
    api_tokens.revoke_token(session, row.id or 0)
    with pytest.raises(Conflict, match="was revoked on"):
        api_tokens.revoke_token(session, row.id or 0)
    for unknown in (999_999, 2**63):
        with pytest.raises(NotFound):
            api_tokens.revoke_token(session, unknown)
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("api_token.revoke") == 1


def test_last_use_is_noted_at_most_once_a_minute_even_by_readers(engine: Engine) -> None:
    with unit_of_work(engine, write=True) as session:
        row, secret = api_tokens.create_token(
            session, factories.project(session), "t", ["results:read"]
        )
    start = utcnow()
    with unit_of_work(engine, write=False) as reader:  # the note is a side write afterwards
        api_tokens.verify(reader, secret, start)
    for moment in (start + timedelta(seconds=30), start + timedelta(seconds=61)):
        with unit_of_work(engine, write=False) as reader:
            api_tokens.verify(reader, secret, moment)
        with Session(engine) as check:
            noted = check.get(ApiToken, row.id)
            assert noted is not None
            expected = start if moment - start < timedelta(minutes=1) else moment
            assert noted.last_used_at == expected


def test_a_token_is_found_only_in_its_own_project(session: Session) -> None:
    project = factories.project(session, "one")
    other = factories.project(session, "two")
    own, _ = api_tokens.create_token(session, project, "own", ["results:read"])
    cross, _ = api_tokens.create_token(session, None, "cross", ["results:read"])
    assert cross.project_id is None
    assert own.id is not None
    assert cross.id is not None
    assert api_tokens.token_in(session, project, own.id) == own
    assert api_tokens.token_in(session, None, cross.id) == cross
    for where, token_id in ((other, own.id), (None, own.id), (project, cross.id), (project, 0)):
        with pytest.raises(NotFound):
            api_tokens.token_in(session, where, token_id)
    assert api_tokens.list_tokens(session, None) == [cross]
    assert api_tokens.list_tokens(session, project) == [own]


def test_an_expiry_day_ends_at_midnight_in_the_service_time_zone() -> None:
    end = api_tokens.expiry_of_day("2027-12-31", "Europe/Berlin")
    assert end is not None
    assert end.isoformat() == "2027-12-31T23:00:00+00:00"
    summer = api_tokens.expiry_of_day("2027-07-31", "Europe/Berlin")
    assert summer is not None
    assert summer.isoformat() == "2027-07-31T22:00:00+00:00"  # summer time
    assert api_tokens.expiry_of_day(" ", "Europe/Berlin") is None
    for bad in (
        "31.12.2027",
        "2027-02-30",
        "tomorrow",
        "9999-12-31",
        "1999-12-31",
        "2027-12-31\x00",
    ):
        with pytest.raises(InvalidInput):
            api_tokens.expiry_of_day(bad, "Europe/Berlin")
