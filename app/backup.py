"""Backups and restores of the whole database.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): the copy is one
consistent snapshot of committed data even while the service keeps writing (WAL lets writers
go on), unlike copying the file, which can catch a half-written page or miss the WAL. A
restore copies the same way into the target, after checking that the file is an Integration
Radar database with a known migration.

PostgreSQL has its own tools: a backup runs ``pg_dump`` (custom format) when it is on PATH, a
restore points to ``pg_restore``; the password goes through the environment, never the
command line (which other users can see).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from app.migrate import MIGRATIONS_DIR

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL (or an in-memory database)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(parsed.database)


def backup(url: str, target: Path) -> str:
    """Write a backup of the database at ``url`` to the new file ``target``.

    Returns what was done, for the operator. Raises :class:`BackupError` if ``target`` exists,
    or for PostgreSQL without ``pg_dump`` (naming the command to run instead).
    """
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    source = sqlite_file(url)
    if source is None:
        return _pg_dump(url, target)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)  # `radar db backup backups/x.db` on day one
    partial = target.with_name(target.name + ".partial")
    try:
        with closing(_connect(source)) as reader, closing(sqlite3.connect(partial)) as copy:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    revision = check_backup(target)
    return f"backed up {source} to {target} (revision {revision})"


def check_backup(path: Path) -> str:
    """The migration revision of the Integration Radar SQLite database in ``path``.

    Raises :class:`BackupError` unless the file is an intact SQLite database whose
    ``alembic_version`` names a revision of this program's migrations.
    """
    if not path.is_file():
        raise BackupError(f"there is no file {path}")
    with path.open("rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (SQLite's integrity check fails)")
            revisions = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an Integration Radar database ({exc})") from None
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if len(revisions) != 1 or not revisions <= known:
        found = ", ".join(sorted(revisions)) or "none"
        raise BackupError(
            f"{path} is not a database of this version of Integration Radar "
            f"(migration revision {found})"
        )
    return str(revisions.pop())


def restore(url: str, source: Path, *, force: bool = False) -> str:
    """Replace the SQLite database at ``url`` with the backup ``source``.

    Refuses, without ``force``, to replace a database that exists: one with a ``-wal`` or
    ``-shm`` file beside it is open in a running process (stop ``radar serve`` first). Returns
    what was done; raises :class:`BackupError` for PostgreSQL (``pg_restore`` does it) or a
    file that :func:`check_backup` refuses.
    """
    target = sqlite_file(url)
    if target is None:
        raise BackupError(
            "PostgreSQL databases are restored with pg_restore: "
            "pg_restore --clean --if-exists --no-owner --dbname DATABASE_URL BACKUP_FILE"
        )
    revision = check_backup(source)
    if target.exists() and not force:
        if any(Path(f"{target}{suffix}").exists() for suffix in ("-wal", "-shm")):
            raise BackupError(
                f"the database {target} is in use (stop `radar serve` first); "
                "--force replaces it anyway"
            )
        raise BackupError(f"the database {target} exists; --force replaces it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect(source)) as backup_file, closing(_connect(target)) as database:
        backup_file.backup(database)
    return f"restored {source} into {target} (revision {revision})"


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=15)


def _pg_dump(url: str, target: Path) -> str:
    parsed = make_url(url)
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError(
            "PostgreSQL databases are backed up with pg_dump, which is not on PATH: "
            "pg_dump --format=custom --file BACKUP_FILE DATABASE_URL"
        )
    plain = parsed.set(drivername="postgresql", password=None)
    environment = dict(os.environ)
    if parsed.password is not None:
        environment["PGPASSWORD"] = str(parsed.password)
    database = plain.render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 (fixed program, the URL is the operator's setting)
        [program, "--format=custom", "--no-owner", f"--file={target}", "--dbname", database],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        message = " ".join(done.stderr.split()) or f"exit code {done.returncode}"
        raise BackupError(f"pg_dump failed: {message}")
    return f"backed up {plain.render_as_string(hide_password=True)} to {target} with pg_dump"
