"""The dashboards' warm-up: after the server starts, a background thread computes the open
and recent rounds' profiles into the cache (a facilitator's first view finds them kept); it
never delays readiness, never takes SQLite's write lock, stops cleanly and is off in tests
unless a test turns it on."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.db import unit_of_work
from app.db_types import utcnow
from app.main import create_app
from app.services import aggregate_cache, cohort, warm_rounds
from app.settings import Settings
from tests import factories
from tests.cohort_data import seed


def _warming(settings: Settings) -> Settings:
    return settings.model_copy(update={"warm_dashboards": True})


def test_off_in_tests_unless_turned_on(settings: Settings) -> None:
    assert Settings().warm_dashboards is False  # the environment the tests set
    assert settings.warm_dashboards is False
    with TestClient(create_app(settings)) as client:
        assert client.app.state.warmer is None  # type: ignore[attr-defined]


def test_the_first_view_after_start_finds_the_round_kept(
    session: Session,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seeded = seed(session)
    old = factories.round_(session, seeded.project, name="Closed long ago")
    old.closed_at = utcnow() - timedelta(days=warm_rounds.RECENT_DAYS + 1)
    session.commit()
    aggregate_cache.clear()
    computed: list[int] = []
    numbers = cohort._numbers

    def counting(*args: Any) -> Any:
        computed.append(args[1].id)
        return numbers(*args)

    monkeypatch.setattr(cohort, "_numbers", counting)
    caplog.set_level(logging.INFO, logger="app.warmup")
    app = create_app(_warming(settings))
    with TestClient(app):
        warmer = app.state.warmer
        assert warmer.done.wait(60)
    assert warmer.warmed == 1
    assert computed == [seeded.round.id]  # the round closed long ago is left cold
    assert "dashboards warmed: 1 of 1 rounds in" in caplog.text
    # the first view: nothing computed again, the numbers are those kept
    with unit_of_work(app.state.engine, write=False) as reader:
        project = reader.get_one(type(seeded.project), seeded.project.id)
        round_ = reader.get_one(type(seeded.round), seeded.round.id)
        found = cohort.round_profile(reader, project, round_)
    assert computed == [seeded.round.id]
    assert [p.organisation.name for p in found.shown] == [
        p.organisation.name
        for p in cohort.round_profile(session, seeded.project, seeded.round).shown
    ]
    app.state.engine.dispose()


def test_respondents_write_while_it_reads(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the middle of the warm-up's read, another unit of work writes and commits: the
    warm-up holds no write lock (on SQLite it would wait for its busy timeout and fail)."""
    seeded = seed(session)
    session.commit()
    aggregate_cache.clear()
    wrote: list[bool] = []
    profile = cohort.round_profile

    def reading_then_writing(*args: Any, **options: Any) -> Any:
        found = profile(*args, **options)  # the read transaction is open now
        with unit_of_work(args[0].get_bind(), write=True) as writer:
            writer.execute(text("UPDATE project SET name = name || ' (renamed)'"))
        wrote.append(True)
        return found

    monkeypatch.setattr(cohort, "round_profile", reading_then_writing)
    app = create_app(_warming(settings))
    with TestClient(app):
        assert app.state.warmer.done.wait(60)
    assert wrote == [True]
    with unit_of_work(app.state.engine, write=False) as reader:
        name = reader.execute(
            text("SELECT name FROM project WHERE id = :id"), {"id": seeded.project.id}
        ).scalar_one()
    assert name.endswith(" (renamed)")
    app.state.engine.dispose()


def test_it_stops_between_rounds_when_the_server_stops(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = factories.project(session)
    for number in range(3):
        factories.round_(session, project, name=f"Round {number}")
    session.commit()
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow(reader: Session, round_id: int) -> bool:
        calls.append(round_id)
        started.set()
        release.wait(10)
        return True

    monkeypatch.setattr(warm_rounds, "warm", slow)
    app = create_app(_warming(settings))
    client = TestClient(app)
    client.__enter__()
    assert client.get("/readyz").status_code == 200  # ready while it works
    assert started.wait(10)
    stopper = threading.Thread(target=client.__exit__, args=(None, None, None))
    stopper.start()  # the lifespan's end asks the thread to stop ...
    warmer = app.state.warmer
    deadline = time.monotonic() + 10
    while not warmer.stopping.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()  # ... and it ends after the round being computed
    stopper.join(30)
    assert not stopper.is_alive()
    assert not warmer.thread.is_alive()
    assert warmer.done.is_set()
    assert len(calls) == 1  # the other two rounds were never started
    app.state.engine.dispose()
