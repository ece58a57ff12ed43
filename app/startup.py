"""What ``radar serve`` does before it listens: reach the database, migrate, load definitions.

On an empty database it also creates the demo project (:mod:`app.services.demo`), so a first
start ends with a link to try; ``RADAR_DEMO_ON_FIRST_RUN=false`` turns that off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from app import migrate
from app.db import unit_of_work
from app.definition_files import DefinitionFileError
from app.errors import Conflict
from app.services import demo, questionnaires
from app.settings import Settings


class StartupError(RuntimeError):
    """A problem that stops the service from starting, said in one line."""


@dataclass(frozen=True)
class Prepared:
    migrated: bool
    loaded: list[questionnaires.Published]
    demo_token: str | None = None
    """The demo invitation's token, created just now (it cannot be shown again later)."""
    demo_hint: str | None = None
    """How to make a new demo link, when the demo exists from an earlier run."""
    demo_login: tuple[str, str] | None = None
    """The demo facilitator's address and password, created just now (shown once)."""


def describe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise StartupError(
            f"cannot reach the database at {describe_url(str(engine.url))}: {reason}"
        ) from None


def prepare(settings: Settings, engine: Engine) -> Prepared:
    """Make the database ready to serve; raise :class:`StartupError` with one clear line."""
    if settings.is_sqlite and not settings.database_url:
        settings.ensure_data_dir()
    check_reachable(engine)
    migrated = False
    if not migrate.is_current(engine):
        if not settings.is_sqlite:
            raise StartupError(
                "the PostgreSQL database has pending migrations: run `radar db upgrade` first"
            )
        migrate.upgrade(engine)
        migrated = True
    try:
        with unit_of_work(engine, write=True) as session:
            loaded = questionnaires.load_directory(session, settings.questionnaires_dir)
    except (DefinitionFileError, Conflict) as exc:
        raise StartupError(f"cannot load the questionnaires: {exc}") from None
    try:
        with unit_of_work(engine, write=True) as session:
            info = demo.ensure_demo(session, settings)
    except Conflict:  # another instance created the demo at the same moment
        info = None
    hint = None
    if info is None:
        with unit_of_work(engine, write=False) as session:
            hint = demo.invite_hint() if demo.demo_exists(session) else None
    return Prepared(
        migrated, loaded, info.token if info else None, hint, info.login if info else None
    )
