"""Every error is an answer: security headers always, problem+json under /api, a page elsewhere,
never a traceback; database refusals that slip past the checks are clear problems; every 503
says when to retry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, OperationalError
from sqlmodel import Session

from app import migrate
from app.errors import RETRY_AFTER_SECONDS, PayloadTooLarge
from app.main import create_app
from app.models import Project
from app.settings import Settings

SECRET = "secret internals: password=hunter2"


def _boom(request: Request) -> None:
    raise RuntimeError(SECRET)


def _duplicate_project(request: Request) -> None:
    """A write that the database refuses on both backends (unique slug), past any check."""
    with Session(request.app.state.engine) as session:
        session.add(Project(slug="twice", name="One"))
        session.add(Project(slug="twice", name="Two"))
        session.commit()


def _nul_in_text(request: Request) -> None:
    """PostgreSQL text cannot hold NUL: a DataError there (SQLite stores it)."""
    with Session(request.app.state.engine) as session:
        session.add(Project(slug="nul", name="a\x00b"))
        session.commit()


def _refused(error: Exception) -> Callable[[Request], None]:
    def route(request: Request) -> None:
        raise error

    return route


@pytest.fixture
def faulty(app: FastAPI) -> Iterator[TestClient]:
    """The real app with extra routes that fail the ways real code can (a test app)."""
    failures = {
        "boom": _boom,
        "duplicate": _duplicate_project,
        "data-error": _refused(DataError("INSERT", {}, Exception(SECRET))),
        "database-down": _refused(OperationalError("SELECT 1", {}, Exception(SECRET))),
        "too-large": _refused(PayloadTooLarge(1_000_000)),
    }
    for name, route in failures.items():
        for prefix in ("/api/v1/test", "/test"):
            app.add_api_route(f"{prefix}/{name}", route, methods=["GET"])
    with TestClient(app) as client:
        client.headers["Accept-Language"] = "en"
        yield client


def _has_security_headers(response: Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert SECRET not in response.text
    assert "Traceback" not in response.text


def _api_problem(response: Response, status: int, type_slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    _has_security_headers(response)
    body = response.json()
    assert body["type"] == f"/problems/{type_slug}"
    assert body["status"] == status
    return dict(body)


def test_an_unexpected_exception_is_a_500_problem_under_api(
    faulty: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = _api_problem(faulty.get("/api/v1/test/boom"), 500, "internal-error")
    assert body["detail"] == "Something went wrong on the server. Please try again later."
    assert SECRET in caplog.text, "the operator's log keeps the traceback"


def test_an_unexpected_exception_is_a_500_page_elsewhere(faulty: TestClient) -> None:
    response = faulty.get("/test/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    _has_security_headers(response)
    assert "Something went wrong on the server" in response.text
    scripted = faulty.get("/test/boom", headers={"Accept": "application/json"})
    assert scripted.headers["content-type"] == "application/problem+json"


def test_a_write_the_database_refuses_is_a_409(faulty: TestClient, engine: Engine) -> None:
    body = _api_problem(faulty.get("/api/v1/test/duplicate"), 409, "conflicting-data")
    assert "nothing was saved" in str(body["detail"])
    page = faulty.get("/test/duplicate")
    assert page.status_code == 409
    _has_security_headers(page)
    with Session(engine) as session:
        assert session.get(Project, 1) is None


def test_a_value_the_database_cannot_hold_is_a_422(faulty: TestClient) -> None:
    body = _api_problem(faulty.get("/api/v1/test/data-error"), 422, "value-not-storable")
    assert "nothing was saved" in str(body["detail"])


@pytest.mark.postgres
def test_a_nul_byte_that_postgresql_refuses_is_a_422(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path, secret_key="k", trusted_hosts=["testserver"]
    )
    app = create_app(settings)
    app.add_api_route("/api/v1/test/nul", _nul_in_text, methods=["GET"])
    with TestClient(app) as client:
        _api_problem(client.get("/api/v1/test/nul"), 422, "value-not-storable")
    app.state.engine.dispose()


@pytest.mark.parametrize("prefix", ["/api/v1/test", "/test"])
def test_every_503_carries_retry_after(faulty: TestClient, prefix: str) -> None:
    response = faulty.get(f"{prefix}/database-down")
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    _has_security_headers(response)


def test_readyz_503_carries_retry_after(client: TestClient, engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)


def test_middleware_and_routes_raise_the_same_413(faulty: TestClient) -> None:
    from_route = _api_problem(faulty.get("/api/v1/test/too-large"), 413, "payload-too-large")
    from_middleware = _api_problem(
        faulty.post("/api/v1/questionnaires", content=b"x" * 2_000_000), 413, "payload-too-large"
    )
    assert from_route["detail"] == from_middleware["detail"]
    assert from_middleware["max_bytes"] == 1_000_000


def test_a_method_not_allowed_is_a_problem(client: TestClient) -> None:
    _api_problem(client.delete("/api/v1/questionnaires"), 405, "method-not-allowed")


@pytest.mark.parametrize("path", ["/api/v1/questionnaires", "/"])
def test_an_untrusted_host_is_a_problem_with_the_headers(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example", "Accept-Language": "en"})
    assert response.status_code == 400
    _has_security_headers(response)
    assert "evil.example" not in response.text
    if path.startswith("/api/"):
        assert response.json()["type"] == "/problems/untrusted-host"
    else:
        assert "does not answer to the address" in response.text


def test_an_address_no_route_has_is_told_in_the_services_words(client: TestClient) -> None:
    """Not the router's bare "Not Found": in English for the API, in the language of the
    title elsewhere."""
    english = client.get("/api/v1/nowhere", headers={"Accept": "application/json"}).json()
    assert english["detail"] == "There is nothing at this address, or nothing you may see."
    headers = {"Accept": "application/json", "Accept-Language": "de"}
    german = client.get("/nowhere", headers=headers).json()
    assert german["title"] == "Nicht gefunden"
    assert german["detail"] == (
        "Unter dieser Adresse gibt es nichts, oder nichts, was Sie sehen dürfen."
    )
