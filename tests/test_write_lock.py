"""SQLite writers of one process queue on one lock per database file: held from a writer's
first query to the end of its transaction, a clear "database is locked" (503) after the busy
timeout, released however the transaction ends."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import db
from app.db import make_engine, unit_of_work, write_lock
from app.errors import DatabaseUnavailable, database_error


def test_the_lock_is_per_file_and_held_for_the_writers_transaction(sqlite_url: str) -> None:
    engine, other_engine = make_engine(sqlite_url), make_engine(sqlite_url)
    lock = write_lock(engine)
    assert lock is not None
    assert write_lock(other_engine) is lock  # every engine on the file shares it
    with unit_of_work(engine, write=True) as session:
        assert not lock.held  # nothing has begun yet
        session.execute(text("SELECT 1"))
        assert lock.held
    assert not lock.held  # committed: released

    def fail() -> None:
        with unit_of_work(engine, write=True) as session:
            session.execute(text("SELECT 1"))
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        fail()
    assert not lock.held  # rolled back: released
    with unit_of_work(engine, write=False) as session:
        session.execute(text("SELECT 1"))
        assert not lock.held  # readers never take it
    engine.dispose()
    other_engine.dispose()


def test_a_writer_waiting_past_the_busy_timeout_gets_a_clear_503(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    engine = make_engine(sqlite_url)
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with unit_of_work(engine, write=True) as session:
            session.execute(text("SELECT 1"))
            holding.set()
            done.wait(10)

    def write() -> None:
        with unit_of_work(engine, write=True) as session:
            session.execute(text("SELECT 1"))

    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(hold)
        assert holding.wait(10)
        with pytest.raises(OperationalError, match="database is locked") as refused:
            write()
        done.set()
        holder.result()
    assert isinstance(database_error(refused.value), DatabaseUnavailable)
    write()  # free again
    engine.dispose()


def test_postgresql_has_no_process_lock(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    assert write_lock(engine) is None
    engine.dispose()
