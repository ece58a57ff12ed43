"""A request is one unit of work: it commits once, before the response is sent, or not at all.

A test-only router stands for any route that calls several services; the real routes run on
the same dependencies (``app.deps``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from starlette.types import Message, Receive, Scope, Send

from app.deps import SessionDep, failed_attempts_guard
from app.errors import NO_ORGANISATION_ID, NotFound
from app.i18n import Message as Text
from app.models import Organisation, Project
from app.services import projects, rate_limit

GUARD_LIMIT = rate_limit.Limit(2, timedelta(minutes=5))


def _test_routes() -> APIRouter:
    router = APIRouter()
    guard = failed_attempts_guard(
        lambda _request: "test:client", lambda _r: GUARD_LIMIT, (NotFound,)
    )

    @router.post("/test/network")
    @router.post("/api/test/network")  # the same under /api, which answers problem+json
    def create_network(session: SessionDep, country: str = "DE") -> dict[str, str]:
        """Two services in one request; a bad ``country`` makes the second one fail."""
        project = projects.create_project(session, "net", "Network")
        projects.add_organisation(session, project, "Saxony", country=country)
        return {"created": project.slug}

    @router.post("/test/lookup", dependencies=[guard])
    def failing_lookup(session: SessionDep) -> None:
        """Writes, then fails like an invalid link: the write goes, the attempt counts."""
        projects.create_project(session, "half", "Half done")
        raise NotFound(Text(NO_ORGANISATION_ID, id="such thing"))

    return router


@pytest.fixture
def test_app(app: FastAPI) -> FastAPI:
    app.include_router(_test_routes())
    return app


@pytest.fixture
def test_client(test_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(test_app) as client:
        yield client


def _stored(engine: Engine) -> tuple[list[str], list[str]]:
    with Session(engine) as session:
        return (
            list(session.exec(select(Project.slug)).all()),
            list(session.exec(select(Organisation.name)).all()),
        )


def test_two_services_in_one_request_both_land(test_client: TestClient, engine: Engine) -> None:
    assert test_client.post("/test/network").json() == {"created": "net"}
    assert _stored(engine) == (["net"], ["Saxony"])


def test_two_services_in_one_request_neither_lands_on_error(
    test_client: TestClient, engine: Engine
) -> None:
    response = test_client.post("/test/network", params={"country": "Germany"})
    assert response.status_code == 422
    assert "ist kein zweibuchstabiger Code wie DE" in response.text  # the page's language
    assert _stored(engine) == ([], []), "the first service's project was rolled back"


class _RecordStart:
    """ASGI wrapper noting in ``events`` when the response starts."""

    def __init__(self, app: FastAPI, events: list[str]) -> None:
        self.app, self.events = app, events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.events.append(f"response {message['status']}")
            await send(message)

        await self.app(scope, receive, noting)


def test_the_commit_happens_before_the_response_is_sent(test_app: FastAPI) -> None:
    events: list[str] = []
    engine: Engine = test_app.state.engine
    event.listen(engine, "commit", lambda _connection: events.append("commit"))
    with TestClient(_RecordStart(test_app, events)) as client:  # type: ignore[arg-type]
        client.post("/test/network")
    assert events == ["commit", "response 200"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/test/network", "text/html"), ("/api/test/network", "application/problem+json")],
)
def test_a_failed_commit_is_an_error_not_a_success(
    test_client: TestClient, engine: Engine, path: str, content_type: str
) -> None:
    def refuse(_connection: Any) -> None:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(test_client.app.state.engine, "commit", refuse)  # type: ignore[attr-defined]
    response = test_client.post(path, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(content_type)
    assert "nothing was saved" in response.text
    assert _stored(engine) == ([], [])


def test_a_failed_attempt_counts_although_its_request_rolls_back(
    test_client: TestClient, engine: Engine
) -> None:
    """The guard records the hit in its own unit of work, after the request's rollback (on
    SQLite the request's writer holds the lock until then: a hit recorded earlier would wait)."""
    for _ in range(GUARD_LIMIT.attempts):
        assert test_client.post("/test/lookup").status_code == 404
    refused = test_client.post("/test/lookup")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert _stored(engine) == ([], []), "the failed attempts wrote nothing"
    with Session(engine) as session:
        # every failed attempt counts, the refused one too (it ran: valid tokens are never
        # refused, so the route always runs first)
        assert rate_limit.count(session, "test:client", GUARD_LIMIT) == GUARD_LIMIT.attempts + 1


def test_get_requests_read_without_writing(
    test_client: TestClient, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """GET routes get a read session: a write there fails loudly (a 500, the traceback in the
    log) instead of being lost."""
    router = APIRouter()

    @router.get("/test/sneaky-write")
    def sneaky(session: SessionDep, request: Request) -> None:
        projects.create_project(session, "net", "Network")

    test_client.app.include_router(router)  # type: ignore[attr-defined]
    assert test_client.get("/test/sneaky-write").status_code == 500
    assert "read session cannot store changes" in caplog.text
    assert _stored(engine) == ([], [])
