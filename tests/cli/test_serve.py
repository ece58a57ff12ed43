"""``radar serve`` before it listens: clear one-line errors, migrations, loaded questionnaires."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from app import migrate
from app.db import make_engine
from app.services import questionnaires
from app.settings import Settings
from app.startup import StartupError, prepare


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        env={"RADAR_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach the database at postgresql+psycopg://nobody@")
    assert "Traceback" not in result.stderr


def test_first_start_migrates_sqlite_and_loads_questionnaires(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="x" * 32)
    engine = make_engine(settings.effective_database_url)
    prepared = prepare(settings, engine)
    assert prepared.migrated
    assert {p.slug for p in prepared.loaded} == {
        "intercultural-integration",
        "intercultural-organisation",
    }
    again = prepare(settings, engine)
    assert not again.migrated
    with Session(engine) as session:
        assert len(questionnaires.list_questionnaires(session)) == 2
    engine.dispose()


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).effective_secret_key()
    assert len(first) >= 40
    assert Settings(data_dir=tmp_path).effective_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_with_pending_migrations_is_refused(tmp_path: Path, postgres_url: str) -> None:
    """PostgreSQL is never migrated implicitly (several instances may start at once)."""
    settings = Settings(database_url=postgres_url, data_dir=tmp_path)
    engine = make_engine(postgres_url)
    migrate.downgrade(engine, "base")
    with pytest.raises(StartupError, match="radar db upgrade"):
        prepare(settings, engine)
    engine.dispose()
