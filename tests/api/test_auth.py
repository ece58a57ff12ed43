"""Bearer tokens on the API: 401 with a challenge without a valid token, 404 for every object
of another project (never 403), 429 beyond the token's rate, no token in any log line; the
questionnaires stay public."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db_types import utcnow
from app.models import ApiToken
from app.services import api_tokens
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem

PROJECT = "/api/v1/projects/{slug}"


def test_a_valid_token_reads_its_project(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    answer = client.get(PROJECT.format(slug=net.project.slug), headers=bearer("results:read"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["slug"] == net.project.slug
    assert body["min_group_size"] == 3
    assert datetime.fromisoformat(body["created_at"]).utcoffset() == timedelta(0)


def test_no_token_or_a_bad_one_is_401_with_a_challenge(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    url = PROJECT.format(slug=net.project.slug)
    missing = client.get(url)
    problem(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == 'Bearer realm="api"'
    basic = client.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    problem(basic, 401, "unauthorized")
    expired = bearer(expires_at=utcnow() + timedelta(seconds=1))
    revoked = bearer()
    row = session.get(ApiToken, 2)
    assert row is not None
    api_tokens.revoke_token(session, 2)
    session.commit()
    expired_row = session.get(ApiToken, 1)
    assert expired_row is not None
    expired_row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(expired_row)
    session.commit()
    answers = set()
    for headers in (expired, revoked, {"Authorization": "Bearer radar_" + "x" * 43}):
        answer = client.get(url, headers=headers)
        problem(answer, 401, "invalid-token")
        assert answer.headers["www-authenticate"] == 'Bearer realm="api", error="invalid_token"'
        answers.add(answer.text)
    assert len(answers) == 1


def test_objects_of_another_project_are_not_found(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    other = factories.network(session)
    session.commit()
    headers = bearer()
    assert client.get(PROJECT.format(slug=other.project.slug), headers=headers).status_code == 404
    for url in (
        f"/api/v1/organisations/{other.organisation.id}",
        f"/api/v1/rounds/{other.round.id}",
        f"/api/v1/projects/{other.project.slug}/rounds",
        f"/api/v1/projects/{other.project.slug}/organisations",
    ):
        problem(client.get(url, headers=headers), 404, "not-found")
    own = client.get(f"/api/v1/rounds/{net.round.id}", headers=headers)
    assert own.status_code == 200
    assert own.json()["questionnaire"] == {"slug": "mini", "version": "1.0"}
    assert own.json()["state"] == "open"
    # the answer for another project's id is the answer for an id nobody has
    taken = client.get(f"/api/v1/rounds/{other.round.id}", headers=headers).json()
    free = client.get("/api/v1/rounds/99999", headers=headers).json()
    assert {**taken, "detail": "", "round_id": 0} == {**free, "detail": "", "round_id": 0}


def test_the_rate_is_limited_per_token(
    app: FastAPI, client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    app.state.settings.api_requests_per_minute = 2
    url = PROJECT.format(slug=net.project.slug)
    first, second = bearer(), bearer()
    assert [client.get(url, headers=first).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url, headers=first)
    problem(refused, 429, "too-many-requests")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert client.get(url, headers=second).status_code == 200  # another token, its own count


def test_tokens_never_reach_the_request_log(
    client: TestClient, net: factories.Network, bearer: Bearer, caplog: pytest.LogCaptureFixture
) -> None:
    headers = bearer()
    secret = headers["Authorization"].removeprefix("Bearer ")
    with caplog.at_level(logging.INFO, logger="radar.access"):
        assert client.get(PROJECT.format(slug=net.project.slug), headers=headers).is_success
        client.get(f"/api/v1/projects/{secret}?access_token={secret}", headers=headers)
    logged = [str(record.msg) for record in caplog.records if record.name == "radar.access"]
    assert len(logged) == 2
    assert all(secret not in line for line in logged)
    assert "[redacted]" in logged[1]


def test_questionnaires_stay_public(api: TestClient) -> None:
    assert api.get("/api/v1/questionnaires").status_code == 200
