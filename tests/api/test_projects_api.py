"""The token's project as the API shows it: a round's progress per organisation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.services import rounds
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


def test_rounds_and_organisations_carry_what_a_client_needs_to_use_them(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    """A round names its project and its stakeholder groups (the only groups a response or
    a filter may name); an organisation its attributes, which similar partners compare."""
    net.round.stakeholder_groups = [
        rounds.StakeholderGroup("city-council", {"en": "City council", "de": "Stadtrat"}).stored()
    ]
    session.add(net.round)
    attributes = {"population": 250_000, "foreign_born_share": 15.5, "area_type": "urban"}
    partner = factories.organisation(session, net.project, "Aachen", **attributes)
    session.commit()
    headers = bearer("results:read")
    round_ = client.get(f"/api/v1/rounds/{net.round.id}", headers=headers).json()
    assert round_["project"] == net.project.slug
    assert round_["stakeholder_groups"] == [
        {"key": "city-council", "labels": {"en": "City council", "de": "Stadtrat"}}
    ]
    listed = client.get(f"/api/v1/projects/{net.project.slug}/rounds", headers=headers).json()
    assert listed["items"] == [round_]
    found = client.get(f"/api/v1/organisations/{partner.id}", headers=headers).json()
    assert {key: found[key] for key in attributes} == attributes
    saxony = client.get(f"/api/v1/organisations/{net.organisation.id}", headers=headers).json()
    assert (saxony["population"], saxony["area_type"]) == (None, None)
