"""Health probes and the HTTP basics every response carries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app import migrate


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_ok_and_with_pending_migrations(client: TestClient, engine: Engine) -> None:
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
    migrate.downgrade(engine, "base")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/", "/healthz", "/api/v1/questionnaires", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "base-uri 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_body_over_the_limit_is_rejected_before_parsing(client: TestClient) -> None:
    response = client.post("/api/v1/questionnaires", content=b"x" * 10_000_000)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_api_path_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_page_is_an_html_page(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_body_over_the_limit_on_a_page_gets_a_page(client: TestClient) -> None:
    response = client.post(
        "/respond/start", content=b"x" * 10_000_000, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Nothing was saved" in response.text  # in the visitor's language, as every page
