"""The OpenAPI document a generic client can trust: Bearer declared as the security scheme of
every route behind a token, every error status with the problem+json schema and an example
of the type the app really sends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.errors import AppError

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
