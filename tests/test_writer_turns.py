"""More writing requests than worker threads on SQLite: all are answered, none waits for the
busy timeout. Requests waiting for the process's write lock must never hold every worker
thread while the request holding the lock needs one for its next step (its route)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlmodel import Session

from app import db, deps, main
from app.deps import SessionDep
from app.main import create_app
from app.settings import Settings
from tests.helpers import serving

THREADS = 3
WRITERS = 12


def _first_query(session: SessionDep) -> Session:
    """A dependency on a worker thread of its own: its first query takes the write lock."""
    session.execute(text("SELECT 1"))
    return session


def _write(session: Annotated[Session, Depends(_first_query)]) -> dict[str, str]:
    """The route, on the next worker thread: the lock is held while it waits for one."""
    time.sleep(0.02)
    session.execute(text("UPDATE project SET name = name"))
    return {"status": "written"}


def test_more_writers_than_threads_are_all_answered(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.is_sqlite:
        pytest.skip("the process write lock is SQLite's")
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 5_000)  # a stall fails within 5 s
    monkeypatch.setattr(main, "WORKER_THREADS", THREADS)
    monkeypatch.setattr(deps, "WORKER_THREADS", THREADS)
    application: FastAPI = create_app(settings.model_copy(update={"trusted_hosts": ["*"]}))
    application.add_api_route("/test-write", _write, methods=["POST"])
    with serving(application) as url, ThreadPoolExecutor(max_workers=WRITERS) as pool:
        started = time.monotonic()
        answers = list(
            pool.map(lambda _: httpx.post(f"{url}/test-write", timeout=30), range(WRITERS))
        )
        took = time.monotonic() - started
    application.state.engine.dispose()
    assert [answer.status_code for answer in answers] == [200] * WRITERS
    assert took < 5, f"writers waited {took:.1f} s: a stall until the busy timeout"
