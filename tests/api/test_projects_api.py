"""The token's project as the API shows it: a round's progress per organisation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem


def test_a_rounds_progress_counts_per_organisation(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    idle = factories.organisation(session, net.project, "Anjou")
    factories.response(session, net.round, net.organisation)
    factories.response(session, net.round, net.organisation, submitted=True)
    factories.response(session, net.round, net.organisation, submitted=True)
    session.commit()
    url = f"/api/v1/rounds/{net.round.id}/progress"
    answer = client.get(url, headers=bearer("results:read"))
    assert answer.json() == {
        "round_id": net.round.id,
        "drafts": 1,
        "submitted": 2,
        "organisations": [
            {"organisation_id": idle.id, "name": "Anjou", "drafts": 0, "submitted": 0},
            {"organisation_id": net.organisation.id, "name": "Saxony", "drafts": 1, "submitted": 2},
        ],
    }
    problem(client.get(url, headers=bearer("responses:write")), 403, "insufficient-scope")


def test_a_token_can_ask_who_it_is(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    headers = bearer("results:read", "responses:write")
    answer = client.get("/api/v1/token", headers=headers).json()
    secret = headers["Authorization"].removeprefix("Bearer ")
    assert answer["project"] == net.project.slug
    assert answer["scopes"] == ["responses:write", "results:read"]
    assert answer["prefix"] == secret[:14]
    assert answer["expires_at"] is None
    assert secret not in str(answer)
