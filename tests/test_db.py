"""Database behaviour users rely on: concurrent writers queue, outages are a clear 503."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.db import make_engine, unit_of_work
from app.models import Project
from app.services import projects
from app.services import questionnaires as questionnaire_service


def test_concurrent_writers_all_succeed(engine: Engine) -> None:
    """Writers take the lock up front (SQLite: BEGIN IMMEDIATE + busy timeout): none fails."""

    def create(index: int) -> str:
        with unit_of_work(engine, write=True) as session:
            return projects.create_project(session, f"p{index}", f"Project {index}").slug

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, range(24)))
    assert len(created) == 24
    with Session(engine) as session:
        assert len(session.exec(select(Project)).all()) == 24


def test_sqlite_connections_use_wal_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000
    engine.dispose()


@pytest.mark.parametrize(("path", "kind"), [("/api/v1/questionnaires", "json"), ("/", "html")])
def test_database_outage_is_a_clear_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str, kind: str
) -> None:
    def unreachable(*_args: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(questionnaire_service, "list_questionnaires", unreachable)  # page
    monkeypatch.setattr(questionnaire_service, "version_listing", unreachable)  # kept page
    monkeypatch.setattr(questionnaire_service, "page_questionnaires", unreachable)  # API
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    if kind == "json":
        assert response.headers["content-type"] == "application/problem+json"
        assert "nothing was saved" in response.json()["detail"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "nothing was saved" in response.text
    assert "connection refused" not in response.text, "no internals leak to the client"
