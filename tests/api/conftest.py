"""API fixtures: a client with the project's questionnaires published, and token-bearing
clients of a small network (tests/scoring/minimal.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import writer_session
from app.services.api_tokens import ALL_SCOPES
from app.services.questionnaires import Published
from tests import factories

Bearer = Callable[..., dict[str, str]]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """The test's own writer; objects stay readable after a commit (reading one again would
    start a transaction that holds SQLite's write lock while the app under test needs it)."""
    with writer_session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def api(client: TestClient, loaded: list[Published]) -> TestClient:
    return client


@pytest.fixture
def net(session: Session) -> factories.Network:
    """Project with one organisation ("Saxony") and an open round of ``mini`` 1.0, committed."""
    made = factories.network(session, organisation_name="Saxony", round_name="Baseline")
    session.commit()
    return made


@pytest.fixture
def bearer(session: Session, net: factories.Network) -> Bearer:
    """``bearer(*scopes, project=net.project)``: headers with a new token (all scopes unless
    named), committed so the app sees it."""

    def make(*scopes: str, project: object = None, **options: object) -> dict[str, str]:
        chosen = scopes or ALL_SCOPES
        secret = factories.api_token(session, project or net.project, chosen, **options)
        session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
