"""The worker that runs background exports (:mod:`app.services.export_jobs`).

One daemon thread per app instance (started by the app's lifespan unless
``RADAR_EXPORT_WORKER=false``) or ``radar exports work`` looks at the database: the thread is
woken when this process commits a new job (:data:`app.services.export_jobs.QUEUED`) and polls
every :data:`POLL_SECONDS` for jobs other processes queued (a CLI, another instance). It
deletes expired jobs and their files, claims the oldest queued job and writes its file. Every
step is a unit of work of its own: the claim, each progress update (one per keyset page of
:data:`app.services.round_rows.BATCH_SIZE` responses, so other instances' pages see it),
and the outcome; the file is read in a unit of work that only reads, so respondents keep
answering on SQLite meanwhile. The file is written under a temporary name in
``<data_dir>/exports`` and renamed when complete, so a download never sees half a file.
Several instances must share that directory (as they share the database).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import Engine

from app.db import unit_of_work
from app.errors import AppError
from app.services import export_jobs, round_export
from app.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0
"""The slow poll for jobs queued by other processes (this process's jobs wake the worker)."""


def file_path(settings: Settings, file_name: str) -> Path:
    """Where a job's file lives (``file_name`` is the job's own, never a user's)."""
    return settings.exports_dir / file_name


def run_once(engine: Engine, settings: Settings) -> bool:
    """Delete expired jobs' files, then run one queued job; True if there was one."""
    with unit_of_work(engine, write=True) as session:
        expired = export_jobs.expire(session)
    for name in expired:
        file_path(settings, name).unlink(missing_ok=True)
    with unit_of_work(engine, write=True) as session:
        job = export_jobs.claim(session)
        if job is None:
            return False
        assert job.id is not None
        job_id, export_format = job.id, job.format
    file_name = f"job-{job_id}-{secrets.token_hex(8)}.{export_format}"
    target = file_path(settings, file_name)
    partial = target.with_name(f".{file_name}.part")

    def progress(rows: int) -> None:
        with unit_of_work(engine, write=True) as writer:
            export_jobs.advance(writer, job_id, rows)

    try:
        settings.exports_dir.mkdir(parents=True, exist_ok=True)
        with unit_of_work(engine, write=False) as reader:
            running = export_jobs.get(reader, job_id)
            export = export_jobs.prepared(reader, running)
            written = round_export.write_file(reader, export, str(partial), progress)
        os.replace(partial, target)
    except Exception as exc:
        with suppress(OSError):  # the folder may be what failed
            partial.unlink(missing_ok=True)
        reason = _reason(exc)
        log.exception("export job %s failed: %s", job_id, reason)
        with unit_of_work(engine, write=True) as session:
            export_jobs.fail(session, job_id, reason)
        return True
    with unit_of_work(engine, write=True) as session:
        export_jobs.finish(
            session, job_id, file_name, written.exported, keep_hours=settings.export_job_hours
        )
    return True


def _reason(exc: Exception) -> str:
    """One line saying why a job failed, without a traceback."""
    if isinstance(exc, AppError):
        return str(exc.detail)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot write the file{where}: {exc.strerror or exc}"
    return f"internal error ({type(exc).__name__}); see the server log"


def run_all(engine: Engine, settings: Settings) -> int:
    """Run queued jobs until none is left; returns how many ran."""
    count = 0
    while run_once(engine, settings):
        count += 1
    return count


class Worker:
    """The worker thread of one app instance: runs a job as soon as this process queues one
    (:data:`~app.services.export_jobs.QUEUED`), else polls every :data:`POLL_SECONDS`; stops
    when asked (finishing the job it is writing)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="radar-export-worker", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        export_jobs.QUEUED.set()  # wake it from its wait
        self.thread.join(timeout=30)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            export_jobs.QUEUED.clear()  # before looking: a job queued meanwhile sets it again
            try:
                ran = run_once(self.engine, self.settings)
            except Exception:  # the database away for a moment: try again later
                log.exception("export worker: a round of polling failed")
                ran = False
            if not ran:
                export_jobs.QUEUED.wait(POLL_SECONDS)
