"""``radar db``: schema migrations, backups and restores."""

from __future__ import annotations

from pathlib import Path

import typer

from app import backup as backups
from app import migrate
from app.cli.common import engine_for, fail, say
from app.settings import get_settings

app = typer.Typer(help="Database schema, backups and restores.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = engine_for()
    migrate.upgrade(engine, revision)
    say(f"database at revision {', '.join(sorted(migrate.current_revisions(engine)))}")


@app.command()
def current() -> None:
    """Show the database's revision and whether migrations are pending."""
    engine = engine_for()
    revisions = ", ".join(sorted(migrate.current_revisions(engine))) or "(empty)"
    state = "up to date" if migrate.is_current(engine) else "migrations pending"
    say(f"{revisions}: {state}")


@app.command()
def backup(path: Path = typer.Argument(..., help="New file to write the backup to")) -> None:
    """Back up the database to PATH while the service runs (SQLite: online backup API;
    PostgreSQL: pg_dump in its custom format)."""
    try:
        say(backups.backup(get_settings().effective_database_url, path))
    except backups.BackupError as exc:
        raise fail(str(exc)) from None


@app.command()
def restore(
    path: Path = typer.Argument(..., help="A backup made by `radar db backup`"),
    force: bool = typer.Option(False, "--force", help="Replace an existing database"),
) -> None:
    """Replace the SQLite database with the backup PATH (stop `radar serve` first)."""
    settings = get_settings()
    if settings.is_sqlite and not settings.database_url:
        settings.ensure_data_dir()
    try:
        say(backups.restore(settings.effective_database_url, path, force=force))
    except backups.BackupError as exc:
        raise fail(str(exc)) from None
