"""``radar db backup`` and ``radar db restore``: a backup taken while a writer is busy holds
every committed row, and restores into a new data directory."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import make_engine, writer_session
from app.models import Organisation
from app.settings import Settings, get_settings
from tests import factories
from tests.cli.helpers import Radar, fails


@pytest.fixture
def populated(radar: Radar) -> Radar:
    assert radar("questionnaires", "load").exit_code == 0
    result = radar("demo", "--organisations", "2", "--respondents", "2", "--seed", "1")
    assert result.exit_code == 0, result.output
    return radar


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as connection:
        return {
            table: sorted(
                (
                    tuple(map(str, row))
                    for row in connection.execute(text(f'SELECT * FROM "{table}"'))
                ),
            )
            for table in inspect(connection).get_table_names()
        }


def test_backup_while_writing_and_restore_into_a_new_data_dir(
    populated: Radar, engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: Any
) -> None:
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL: see test_postgres_backup_runs_pg_dump")
    committed = _rows(engine)
    assert len(committed["response"]) == 4
    assert len(committed["response_score"]) > 4
    backup = tmp_path / "radar-backup.db"
    writer = writer_session(engine)  # holds SQLite's write lock during the backup
    try:
        project = factories.project(writer, "busy", "Busy")
        factories.organisation(writer, project, "Written during the backup")
        writer.flush()
        result = populated("db", "backup", str(backup))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("backed up ")
        writer.commit()
    finally:
        writer.close()

    monkeypatch.delenv("RADAR_DATABASE_URL")
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path / "new-data"))
    get_settings.cache_clear()
    restored = populated("db", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    new_engine = make_engine(get_settings().effective_database_url)
    try:
        assert _rows(new_engine) == committed  # every committed row back, the busy one not
        assert "up to date" in populated("db", "current").stdout
    finally:
        new_engine.dispose()
    again = populated("db", "restore", str(backup))  # "exists" or, while an engine of this
    assert again.exit_code == 1  # process still holds it open, "in use": both refuse
    assert again.stderr.startswith(f"error: the database {tmp_path / 'new-data' / 'radar.db'} ")
    assert "--force replaces it" in again.stderr
    assert populated("db", "restore", "--force", str(backup)).exit_code == 0


def test_restore_refuses_what_is_not_a_radar_backup(
    radar: Radar, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        fails(
            radar("db", "restore", str(tmp_path / "x.dump")),
            "PostgreSQL databases are restored with pg_restore: "
            "pg_restore --clean --if-exists --no-owner --dbname DATABASE_URL BACKUP_FILE",
        )
        return
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello", encoding="utf-8")
    fails(radar("db", "restore", str(text_file)), f"{text_file} is not a SQLite database")
    other = tmp_path / "other.db"
    other_engine = make_engine(f"sqlite:///{other}")
    with other_engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER)"))
    other_engine.dispose()
    result = radar("db", "restore", str(other))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {other} is not an Integration Radar database")
    fails(
        radar("db", "restore", str(tmp_path / "none.db")),
        f"there is no file {tmp_path / 'none.db'}",
    )
    assert radar("db", "backup", str(tmp_path / "ok.db")).exit_code == 0
    database = settings.effective_database_url.removeprefix("sqlite:///")
    with engine.connect():  # a running service holds the database open
        fails(
            radar("db", "restore", str(tmp_path / "ok.db")),
            f"the database {database} is in use (stop `radar serve` first); "
            "--force replaces it anyway",
        )


def test_backup_never_overwrites(radar: Radar, tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"keep")
    fails(
        radar("db", "backup", str(existing)), f"{existing} already exists; choose a new file name"
    )
    assert existing.read_bytes() == b"keep"


def test_postgres_backup_runs_pg_dump(
    populated: Radar, settings: Settings, session: Session, tmp_path: Path
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite: see test_backup_while_writing_and_restore_into_a_new_data_dir")
    backup = tmp_path / "radar.dump"
    result = populated("db", "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    script = subprocess.run(
        ["pg_restore", "--file=-", str(backup)], capture_output=True, text=True, check=True
    ).stdout
    names = session.exec(select(Organisation.name)).all()
    assert len(names) == 3  # the first-run demo's and the two added
    assert [name for name in names if name not in script] == []


def test_backup_into_a_folder_that_does_not_exist_yet(
    populated: Radar, settings: Settings, tmp_path: Path
) -> None:
    """The README's `radar db backup backups/radar-2027-01-31.db` on a fresh checkout."""
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL: see test_postgres_backup_runs_pg_dump")
    target = tmp_path / "backups" / "radar-2027-01-31.db"
    result = populated("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.is_file()
