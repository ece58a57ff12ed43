"""Downloads streamed from a read unit of work of their own (round exports), and the files of
background exports.

A request's unit of work ends before its response is sent (:mod:`app.deps`), so a body that
reads the database while it is sent cannot use it. :func:`streamed` opens a reader when the
first piece is asked for and closes it after the last one, or when the client goes away
(the generator is closed). Check and audit in the request's unit of work first: once the
first byte is sent, an error can only cut the download short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Request
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import unit_of_work
from app.errors import NO_EXPORT_JOB, Conflict, NotFound
from app.export_worker import file_path
from app.i18n import N_, Message
from app.models import ExportJob, ExportJobStatus
from app.services import round_export

NOT_READY = N_("This file is not ready yet. Please wait until the page offers the download.")


def streamed(
    request: Request,
    produce: Callable[[Session], Iterator[bytes]],
    *,
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """A download (``attachment; filename=...``, never cached) of what ``produce`` yields in
    a read session; ``filename`` must be a safe name (letters, digits, ``-`` and ``.``)."""
    engine: Engine = request.app.state.engine

    def body() -> Iterator[bytes]:
        with unit_of_work(engine, write=False) as session:
            yield from produce(session)

    return StreamingResponse(
        body(),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def round_file(request: Request, export: round_export.RoundExport) -> StreamingResponse:
    """The file of a prepared round export (:mod:`app.services.round_export`), streamed."""
    return streamed(
        request,
        lambda reader: round_export.stream(reader, export),
        media_type=round_export.MEDIA_TYPES[export.format],
        filename=export.filename,
    )


def job_file(request: Request, job: ExportJob, project_slug: str) -> FileResponse:
    """The file of a finished background export, named as the direct download is
    (``<project>-round-<id>.<format>``). Raises :class:`Conflict` while the job is not done and
    :class:`NotFound` once its file is gone (expired). Audit after this succeeded."""
    if job.status != ExportJobStatus.DONE or job.file_name is None:
        raise Conflict(NOT_READY, job_status=job.status)
    path = file_path(request.app.state.settings, job.file_name)
    if not path.is_file():
        raise NotFound(Message(NO_EXPORT_JOB, id=str(job.id)), job_id=job.id)
    return FileResponse(
        path,
        media_type=round_export.MEDIA_TYPES[job.format],
        filename=f"{project_slug}-round-{job.round_id}.{job.format}",
        headers={"Cache-Control": "no-store"},
    )
