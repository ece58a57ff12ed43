"""Shared fixtures: every test gets a fresh database built by the migrations.

Database tests run on SQLite and on PostgreSQL (the ``engine`` fixture is parametrised). The
schema is migrated once per backend into a template (a file for SQLite, a template database
for PostgreSQL) and copied for each test, so migrations run on every test run and each test
still starts from an empty, independent database.

PostgreSQL needs ``RADAR_TEST_POSTGRES_URL`` (e.g. postgresql://postgres@127.0.0.1:5432/postgres,
a database the tests may use to create others). Without it the PostgreSQL variants skip with a
visible reason, except under CI (``CI=true``), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session
from typer.testing import CliRunner, Result

from app import cli, migrate
from app.db import make_engine, normalise_url, writer_session
from app.main import create_app
from app.services import accounts, questionnaires
from app.settings import PROJECT_ROOT, Settings, get_settings
from scoring import parse_definition
from tests.helpers import minimal_definition

POSTGRES_ENV = "RADAR_TEST_POSTGRES_URL"
TEMPLATE_DB = "radar_test_template"
BACKENDS = ["sqlite", "postgres"]
# the dashboards' warm-up thread would compute beside every app a test starts, and every
# `radar serve` a test runs: off unless a test turns it on (tests/test_warmup.py)
os.environ["RADAR_WARM_DASHBOARDS"] = "false"


def postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{POSTGRES_ENV} is not set: under CI the PostgreSQL tests must run")
    return None


def _with_database(url: str, name: str) -> str:
    return make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False)


def _admin_execute(admin_url: str, *statements: str) -> None:
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


CHEAP_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest (the real parameters take 0.2 s per hash); tests of rehashing
    set the hasher themselves."""
    monkeypatch.setattr(accounts, "HASHER", CHEAP_HASHER)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    admin_url = postgres_admin_url()
    if admin_url is None:
        yield None
        return
    template = f"{TEMPLATE_DB}_{os.getpid()}"
    _admin_execute(
        admin_url, f'DROP DATABASE IF EXISTS "{template}"', f'CREATE DATABASE "{template}"'
    )
    engine = make_engine(_with_database(admin_url, template))
    migrate.upgrade(engine)
    engine.dispose()
    yield template
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{template}"')


@pytest.fixture
def postgres_url(postgres_template: str | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database cloned from the template."""
    admin_url = postgres_admin_url()
    if postgres_template is None or admin_url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    name = f"radar_test_{uuid.uuid4().hex[:12]}"
    _admin_execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield _with_database(admin_url, name)
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database (a copy of the migrated template file)."""
    path = tmp_path / "radar.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh, migrated, empty database on each backend."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-not-for-production",
        questionnaires_dir=PROJECT_ROOT / "questionnaires",
        trusted_hosts=["testserver"],  # the Host header of Starlette's TestClient
        export_worker=False,  # tests run background exports themselves (export_worker.run_once)
        warm_dashboards=False,  # tests/test_warmup.py turns it on
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with writer_session(engine) as session:
        yield session


@pytest.fixture
def loaded(session: Session, settings: Settings) -> list[questionnaires.Published]:
    """The project's questionnaires, published into the test database (and committed: set-up
    is the test's own unit of work)."""
    published = questionnaires.load_directory(session, settings.questionnaires_dir)
    session.commit()
    return published


@pytest.fixture
def published_minimal(session: Session) -> None:
    """tests/scoring/minimal.yaml published as ``mini`` 1.0: small, independent of the flagship."""
    questionnaires.publish(session, parse_definition(minimal_definition()))
    session.commit()


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the ``radar`` command at the test database (settings come from RADAR_ variables)."""
    monkeypatch.setenv("RADAR_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("RADAR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RADAR_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("RADAR_QUESTIONNAIRES_DIR", str(settings.questionnaires_dir))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def radar(cli_env: Settings) -> Callable[..., Result]:
    """Run ``radar ARGS...`` in-process against the test database."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli.app, list(args), catch_exceptions=False)

    return run
