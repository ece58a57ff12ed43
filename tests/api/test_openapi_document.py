"""The OpenAPI document a generic client can trust: Bearer declared as the security scheme of
every route behind a token, every error status with the problem+json schema and an example
of the type the app really sends."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.errors import AppError
from app.stakeholder_groups import KEY_PATTERN
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem

TOKEN_STATUSES = {"401", "403", "429"}


def _document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def _slugs() -> set[str]:
    def below(cls: type[AppError]) -> list[type[AppError]]:
        return [cls, *(s for sub in cls.__subclasses__() for s in below(sub))]

    return {cls.type_slug for cls in below(AppError)}


def test_bearer_is_the_security_scheme_of_every_token_route(client: TestClient) -> None:
    document = _document(client)
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "radar_…",
            "description": schemes["HTTPBearer"]["description"],
        }
    }
    secured = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                secured += 1
                assert operation["security"] == [{"HTTPBearer": []}]
                assert set(operation["responses"]) >= TOKEN_STATUSES, (method, path)
            else:
                assert not path.startswith(("/api/v1/projects", "/api/v1/responses")), path
    assert secured >= 12


def test_every_error_status_has_the_problem_schema_and_a_real_example(
    client: TestClient,
) -> None:
    slugs = _slugs()
    for path, operations in _document(client)["paths"].items():
        if not path.startswith("/api/v1/"):
            continue  # the health probes answer plain JSON (tests/api/test_health.py)
        for method, operation in operations.items():
            for status, declared in operation["responses"].items():
                if not status.startswith(("4", "5")):
                    continue
                where = (method, path, status)
                problem = declared["content"]["application/problem+json"]
                assert problem["schema"]["title"] == "Problem", where
                example = problem.get("example")
                if path.startswith("/api/v1/") and "security" in operation:
                    assert example is not None, where
                if example is not None:
                    assert example["status"] == int(status), where
                    assert example["type"].removeprefix("/problems/") in slugs, where


@pytest.mark.parametrize("path", ["profile", "change"])
def test_a_group_filter_the_document_allows_is_never_refused_by_the_service(
    client: TestClient, net: factories.Network, bearer: Bearer, path: str, session: Session
) -> None:
    """Issue 8.8 on the cohort filters: ``group`` with a control character (U+0098, found by
    schemathesis) was allowed by the document and refused by the service; the document now
    declares the shape every group key has. A well-formed group the round has is taken; one
    it has not is a refused value (naming the groups), never a shape the document allows."""
    factories.response(
        session, net.round, net.organisation, submitted=True, stakeholder_group="civil-society"
    )
    session.commit()
    document = _document(client)
    route = document["paths"][f"/api/v1/rounds/{{round_id}}/{path}"]["get"]
    [group] = [parameter for parameter in route["parameters"] if parameter["name"] == "group"]
    declared = next(option["pattern"] for option in group["schema"]["anyOf"] if "pattern" in option)
    assert declared == KEY_PATTERN
    headers = bearer("results:read")
    url = f"/api/v1/rounds/{net.round.id}/{path}"
    refused = problem(
        client.get(url, params={"group": "a\x98b"}, headers=headers), 422, "invalid-input"
    )
    assert refused["errors"][0]["loc"] == ["query", "group"]
    assert refused["errors"][0]["type"] == "string_pattern_mismatch"
    allowed = client.get(url, params={"group": "civil-society"}, headers=headers)
    assert allowed.status_code in {200, 404}, allowed.text  # change: no earlier round (404)
    unknown = client.get(url, params={"group": "employers"}, headers=headers)
    assert problem(unknown, 422, "invalid-input")["allowed"] == ["civil-society"]


def test_the_document_declares_the_headers_and_problem_members_clients_read(
    client: TestClient,
) -> None:
    document = _document(client)
    create = document["paths"]["/api/v1/rounds/{round_id}/responses"]["post"]["responses"]
    assert {"Location", "ETag", "Idempotent-Replayed"} <= set(create["201"]["headers"])
    queued = document["paths"]["/api/v1/rounds/{round_id}/export-jobs"]["post"]["responses"]
    assert "Location" in queued["202"]["headers"]
    problem_schema = create["422"]["content"]["application/problem+json"]["schema"]
    assert {"field", "allowed", "errors", "errors_not_listed", "available"} <= set(
        problem_schema["properties"]
    )
