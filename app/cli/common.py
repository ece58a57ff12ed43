"""Helpers shared by the command groups: settings, engine, sessions, error output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import make_engine, writer_session
from app.errors import AppError
from app.settings import Settings, get_settings
from app.startup import StartupError, check_reachable


def fail(message: str) -> typer.Exit:
    """Print one line to stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def engine_for(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    if settings.is_sqlite and not settings.database_url:
        settings.ensure_data_dir()
    engine = make_engine(settings.effective_database_url)
    try:
        check_reachable(engine)
    except StartupError as exc:
        raise fail(str(exc)) from None
    return engine


@contextmanager
def write_session() -> Iterator[Session]:
    """A writing session; domain errors become one-line messages and exit code 1."""
    with writer_session(engine_for()) as session:
        try:
            yield session
        except AppError as exc:
            session.rollback()
            raise fail(exc.detail) from None
