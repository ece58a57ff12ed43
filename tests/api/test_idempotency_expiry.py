"""Idempotency keys expire: kept at least the retention (those of anonymous rounds, stored with
the day only, two days longer), then removed by a purge that runs at most once an hour per
process; through the API, a retry after the purge creates anew."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import ApiToken, IdempotencyKey
from app.services import idempotency
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import create

DAY = timedelta(hours=24)


@pytest.fixture(autouse=True)
def fresh_purge_clock() -> Iterator[None]:
    """Each test starts as a process that has not purged yet."""
    before = idempotency._purged["at"]
    idempotency._purged["at"] = before.min.replace(tzinfo=before.tzinfo)
    yield
    idempotency._purged["at"] = before


def _key(
    session: Session, net: factories.Network, name: str, age: timedelta, **round_: bool
) -> None:
    round_in = factories.round_(session, net.project, **round_) if round_ else net.round
    response = factories.response(session, round_in, net.organisation)
    if session.exec(select(ApiToken)).first() is None:
        factories.api_token(session, net.project)
    token = session.exec(select(ApiToken)).one()
    assert response.id is not None
    assert token.id is not None
    idempotency.remember(session, token.id, name, "hash", response.id, 201, {}, at=utcnow() - age)


def _names(session: Session) -> set[str]:
    return {row.key for row in session.exec(select(IdempotencyKey))}


def test_keys_older_than_the_retention_are_removed(
    session: Session, net: factories.Network
) -> None:
    _key(session, net, "fresh", timedelta(hours=23))
    _key(session, net, "old", timedelta(hours=25))
    _key(session, net, "anonymous-day-old", timedelta(hours=30), anonymous=True)
    _key(session, net, "anonymous-gone", timedelta(days=3, hours=1), anonymous=True)
    assert idempotency.purge_expired(session, DAY) == 2
    assert _names(session) == {"fresh", "anonymous-day-old"}


def test_the_purge_runs_at_most_once_an_hour(session: Session, net: factories.Network) -> None:
    now = utcnow()
    assert idempotency.purge_now_and_then(session, DAY, now) == 0
    _key(session, net, "old", timedelta(hours=25))
    assert idempotency.purge_now_and_then(session, DAY, now + timedelta(minutes=59)) is None
    assert _names(session) == {"old"}  # skipped: purged a moment ago
    assert idempotency.purge_now_and_then(session, DAY, now + timedelta(hours=1)) == 1
    assert _names(session) == set()


def test_a_retry_after_the_retention_creates_anew(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    headers = {**bearer("responses:write"), "Idempotency-Key": "order-9"}
    first = create(client, net, headers)
    assert create(client, net, headers).headers["location"] == first.headers["location"]
    row = session.exec(select(IdempotencyKey)).one()
    row.created_at = utcnow() - timedelta(hours=25)
    session.add(row)
    session.commit()
    again = create(client, net, headers)  # expired: a new key again, its row replaced
    assert again.status_code == 201
    assert again.headers["location"] != first.headers["location"]
    assert "idempotent-replayed" not in again.headers
