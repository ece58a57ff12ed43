"""The token's rate count on the API's creation route, which counts a request in the
submission's own write: every request counts exactly once, whether it writes, is refused
(403, 404, 409, 422, 429) or is answered by a replay, and past the limit the client gets
429 with ``Retry-After`` and nothing is stored, as on every other route."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import RateLimitHit, Response
from app.services import rounds
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import COMPLETE, create, problem


def _counted(engine: Engine) -> int:
    """The requests the API's rate windows hold (all tokens)."""
    with Session(engine) as reader:
        found = reader.exec(
            select(func.sum(RateLimitHit.count)).where(
                RateLimitHit.bucket.startswith("api:")  # type: ignore[attr-defined]
            )
        ).one()
        return int(found or 0)


def _responses(engine: Engine) -> int:
    with Session(engine) as reader:
        return len(reader.exec(select(Response.id)).all())


def test_each_creation_counts_once_whether_written_refused_or_replayed(
    app: FastAPI,
    client: TestClient,
    net: factories.Network,
    bearer: Bearer,
    engine: Engine,
    session: Session,
) -> None:
    app.state.settings.api_requests_per_minute = 100
    headers = bearer("responses:write")
    keyed = {**headers, "Idempotency-Key": "count-1"}
    assert create(client, net, keyed, answers=COMPLETE, submit=True).status_code == 201
    assert _counted(engine) == 1  # joined the submission's write, not counted twice
    replay = create(client, net, keyed, answers=COMPLETE, submit=True)
    assert replay.headers["idempotent-replayed"] == "true"
    assert _counted(engine) == 2
    problem(create(client, net, headers, consent=False), 422, "invalid-input")
    assert _counted(engine) == 3
    problem(create(client, net, bearer("results:read")), 403, "insufficient-scope")
    assert _counted(engine) == 4
    unknown = {"organisation_id": net.organisation.id, "language": "en", "consent": True}
    gone = client.post("/api/v1/rounds/999999/responses", json=unknown, headers=headers)
    problem(gone, 404, "not-found")
    assert _counted(engine) == 5
    rounds.close_round(session, net.round)
    session.commit()
    problem(create(client, net, bearer(), answers=COMPLETE), 409, "round-not-accepting")
    assert _counted(engine) == 6
    assert _responses(engine) == 1


def test_past_the_limit_a_creation_is_429_and_stores_nothing(
    app: FastAPI, client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    app.state.settings.api_requests_per_minute = 3
    headers = bearer("responses:write")
    assert create(client, net, headers, answers=COMPLETE).status_code == 201
    problem(create(client, net, headers, consent=False), 422, "invalid-input")
    assert create(client, net, headers, answers=COMPLETE, submit=True).status_code == 201
    refused = create(client, net, headers, answers=COMPLETE, submit=True)
    problem(refused, 429, "too-many-requests")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # a refused request counts too, and an invalid body past the limit is 429 as well
    problem(create(client, net, headers, consent=False), 429, "too-many-requests")
    assert _counted(engine) == 5
    assert _responses(engine) == 2
    assert create(client, net, bearer(), answers=COMPLETE).status_code == 201  # its own count
