"""Cross-project tokens (an admin's, ``project_id`` NULL) reach every project and list them; a
project token still gets 404 for everything of another project."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api.helpers import COMPLETE, problem


def _headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_cross_project_token_reaches_every_project(
    api: TestClient, net: factories.Network, session: Session
) -> None:
    other = factories.network(session, organisation_name="Anjou", round_name="Other round")
    headers = _headers(factories.api_token(session, None))
    session.commit()
    me = api.get("/api/v1/token", headers=headers).json()
    assert me["project"] is None
    listed = api.get("/api/v1/projects", headers=headers).json()
    assert sorted(row["slug"] for row in listed["items"]) == sorted(
        [net.project.slug, other.project.slug]
    )
    assert listed["total"] == 2
    for made in (net, other):
        slug = made.project.slug
        assert api.get(f"/api/v1/projects/{slug}", headers=headers).status_code == 200
        rounds = api.get(f"/api/v1/projects/{slug}/rounds", headers=headers).json()
        assert [row["id"] for row in rounds["items"]] == [made.round.id]
        organisation = api.get(f"/api/v1/organisations/{made.organisation.id}", headers=headers)
        assert organisation.json()["name"] == made.organisation.name
        created = api.post(
            f"/api/v1/rounds/{made.round.id}/responses",
            json={
                "organisation_id": made.organisation.id,
                "language": "en",
                "consent": True,
                "answers": COMPLETE,
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        public_id = created.json()["id"]
        assert api.get(f"/api/v1/responses/{public_id}", headers=headers).status_code == 200
        profile = f"/api/v1/rounds/{made.round.id}/organisations/{made.organisation.id}/profile"
        assert api.get(profile, headers=headers).json()["responses"] == 0


def test_a_cross_project_token_cannot_mix_an_organisation_into_another_projects_round(
    api: TestClient, net: factories.Network, session: Session
) -> None:
    other = factories.network(session, organisation_name="Anjou", round_name="Other round")
    headers = _headers(factories.api_token(session, None))
    session.commit()
    created = api.post(
        f"/api/v1/rounds/{net.round.id}/responses",
        json={"organisation_id": other.organisation.id, "language": "en", "consent": True},
        headers=headers,
    )
    problem(created, 422, "invalid-input")
    profile = f"/api/v1/rounds/{net.round.id}/organisations/{other.organisation.id}/profile"
    problem(api.get(profile, headers=headers), 404, "not-found")


def test_a_project_token_lists_only_its_project_and_gets_404_elsewhere(
    api: TestClient, net: factories.Network, session: Session
) -> None:
    other = factories.network(session, organisation_name="Anjou", round_name="Other round")
    headers = _headers(factories.api_token(session, net.project))
    session.commit()
    listed = api.get("/api/v1/projects", headers=headers).json()
    assert [row["slug"] for row in listed["items"]] == [net.project.slug]
    assert listed["total"] == 1
    slug = other.project.slug
    for url in (
        f"/api/v1/projects/{slug}",
        f"/api/v1/projects/{slug}/rounds",
        f"/api/v1/projects/{slug}/organisations",
        f"/api/v1/organisations/{other.organisation.id}",
        f"/api/v1/rounds/{other.round.id}",
        f"/api/v1/rounds/{other.round.id}/progress",
        f"/api/v1/rounds/{other.round.id}/organisations/{other.organisation.id}/profile",
    ):
        problem(api.get(url, headers=headers), 404, "not-found")
