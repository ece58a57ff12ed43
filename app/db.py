"""Database engine and sessions for SQLite (embedded default) and PostgreSQL (psycopg 3).

SQLite gets WAL, a busy timeout and foreign keys on every connection, and writes start with
``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing half-way with
"database is locked". Sessions never commit on their own: services commit explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below decide
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer_session(engine: Engine) -> Session:
    """A session whose transaction takes SQLite's write lock at once (no-op on PostgreSQL)."""
    return Session(engine.execution_options(sqlite_immediate=True))


def get_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    session = writer_session(engine) if request.method in WRITE_METHODS else Session(engine)
    with session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
