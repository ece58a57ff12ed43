"""Round exports prepared in the background: requested, claimed by one worker, written with
progress, downloaded until they expire.

A job is a row of :class:`~app.models.ExportJob`. Any app instance's worker thread or
``radar exports work`` may run it: :func:`claim` takes the oldest queued job with a
compare-and-set (``UPDATE ... WHERE id = :id AND status = 'queued'``; the row count says
whether this caller won), which holds on SQLite and PostgreSQL alike without a lock table or a
broker. A job left ``running`` by a worker that died (no progress for
:data:`STALE_AFTER`) is queued again. The file itself is written by
:mod:`app.export_worker`; these functions only read and write rows (they flush, the caller
commits), so each step is a unit of work of its own and progress is seen by other instances
while the file is written.

:data:`QUEUED` is set when a unit of work that queued a job commits (never before: a worker
woken earlier would not see the row yet), so this process's worker starts at once instead of
at its next poll; jobs queued by other processes are found by that (slow) poll.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, event, update
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import NO_EXPORT_JOB, NotFound
from app.i18n import Message
from app.models import ExportJob, ExportJobStatus, Round
from app.services import audit, round_export

STALE_AFTER = timedelta(minutes=15)
"""A running job without progress for this long is taken to have lost its worker."""
ERROR_LENGTH = 500


QUEUED = threading.Event()
"""Set when this process committed a new job (see the module's description)."""


def _queued(_session: Any) -> None:
    QUEUED.set()


def request(
    session: Session, export: round_export.RoundExport, *, actor: str, keep_hours: int
) -> ExportJob:
    """Queue ``export``, checked as a download is (:func:`app.services.round_export.prepare`),
    so a job only fails for reasons that arise later. ``rows_total`` is the number of
    responses the file is expected to hold; unfetched, the job expires ``keep_hours`` from
    now."""
    job = ExportJob(
        round_id=export.round_id,
        requested_by=actor,
        format=export.format,
        options={"labels": export.labels},
        rows_total=export.exported,
        expires_at=utcnow() + timedelta(hours=keep_hours),
    )
    session.add(job)
    session.flush()
    if not event.contains(session, "after_commit", _queued):  # later commits wake it too:
        event.listen(session, "after_commit", _queued)  # a spare look, harmless
    return job


def job_in(session: Session, round_: Round, job_id: int) -> ExportJob:
    """The job ``job_id`` of ``round_``; :class:`~app.errors.NotFound` for another round's (so
    another project's job is not found either)."""
    job = session.get(ExportJob, job_id) if limits.is_id(job_id) else None
    if job is None or job.round_id != round_.id:
        raise NotFound(Message(NO_EXPORT_JOB, id=str(job_id)), job_id=job_id)
    return job


def get(session: Session, job_id: int) -> ExportJob:
    """The job ``job_id`` (a worker's own, no access check); NotFound once deleted."""
    job = session.get(ExportJob, job_id)
    if job is None:
        raise NotFound(Message(NO_EXPORT_JOB, id=str(job_id)), job_id=job_id)
    return job


def claim(session: Session) -> ExportJob | None:
    """Take the oldest queued job for this caller (status ``running``), or None when there is
    none. Two callers never take the same job: the update only changes a row that is still
    queued, and a caller that changed none tries the next."""
    now = utcnow()
    session.execute(
        update(ExportJob)
        .where(
            col(ExportJob.status) == ExportJobStatus.RUNNING.value,
            col(ExportJob.updated_at) < now - STALE_AFTER,
        )
        .values(status=ExportJobStatus.QUEUED.value, rows_done=0)
    )
    queued = session.exec(
        select(ExportJob.id)
        .where(col(ExportJob.status) == ExportJobStatus.QUEUED.value)
        .order_by(col(ExportJob.id))
        .limit(10)
    ).all()
    for job_id in queued:
        taken = session.execute(
            update(ExportJob)
            .where(
                col(ExportJob.id) == job_id,
                col(ExportJob.status) == ExportJobStatus.QUEUED.value,
            )
            .values(status=ExportJobStatus.RUNNING.value, started_at=now, updated_at=now)
        )
        if _changed(taken) == 1:
            return session.exec(
                select(ExportJob)
                .where(ExportJob.id == job_id)
                .execution_options(populate_existing=True)
            ).one()
    return None


def _changed(result: Any) -> int:
    return int(result.rowcount)


def advance(session: Session, job_id: int, rows_done: int) -> None:
    """Record ``rows_done`` responses written (and that the worker is alive)."""
    session.execute(
        update(ExportJob)
        .where(col(ExportJob.id) == job_id)
        .values(rows_done=rows_done, updated_at=utcnow())
    )


def finish(session: Session, job_id: int, file_name: str, rows: int, *, keep_hours: int) -> None:
    """Mark the job done: its file ``file_name`` holds ``rows`` responses and is kept
    ``keep_hours`` from now."""
    now = utcnow()
    session.execute(
        update(ExportJob)
        .where(col(ExportJob.id) == job_id)
        .values(
            status=ExportJobStatus.DONE.value,
            file_name=file_name,
            rows_done=rows,
            rows_total=rows,
            updated_at=now,
            finished_at=now,
            expires_at=now + timedelta(hours=keep_hours),
        )
    )


def fail(session: Session, job_id: int, reason: str) -> None:
    """Mark the job failed with ``reason`` (one line for the facilitator and the log)."""
    now = utcnow()
    session.execute(
        update(ExportJob)
        .where(col(ExportJob.id) == job_id)
        .values(
            status=ExportJobStatus.FAILED.value,
            error=" ".join(reason.split())[:ERROR_LENGTH],
            updated_at=now,
            finished_at=now,
        )
    )


def expire(session: Session) -> list[str]:
    """Delete the jobs past ``expires_at`` that no worker is running; returns their file names
    for the caller to delete."""
    now = utcnow()
    gone = session.exec(
        select(ExportJob).where(
            col(ExportJob.expires_at) <= now,
            col(ExportJob.status) != ExportJobStatus.RUNNING.value,
        )
    ).all()
    if not gone:
        return []
    session.execute(delete(ExportJob).where(col(ExportJob.id).in_([job.id for job in gone])))
    return [job.file_name for job in gone if job.file_name]


def record_download(session: Session, job: ExportJob, project_id: int, *, actor: str) -> None:
    """Audit a download of a job's file, as a direct export is ("round.export")."""
    audit.record(
        session,
        "round.export",
        actor=actor,
        object_type="round",
        object_id=job.round_id,
        project_id=project_id,
        format=job.format,
        responses=job.rows_total,
        job=job.id,
    )


def prepared(session: Session, job: ExportJob) -> round_export.RoundExport:
    """The export a claimed job writes, decided now (the round as it is)."""
    round_ = session.get_one(Round, job.round_id)
    labels = job.options.get("labels")
    return round_export.prepare(session, round_, job.format, labels)
