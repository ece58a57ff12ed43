"""Background exports of a round (``exports:read``): queue one, follow it, fetch its file.

The same jobs as the facilitators' page (:mod:`app.services.export_jobs`): checked when
queued as a direct export is, run by any app instance's worker or ``radar exports work``,
kept until ``expires_at``. A job is looked up *in* a round the token reaches, so another
project's job is 404. Fetching the file is audited like a direct export ("round.export").
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from app import limits
from app.api.auth import Authenticated, ExportsReader
from app.api.problem_docs import LOCATION_HEADER, PROBLEM_RESPONSES, TOKEN_RESPONSES, problem
from app.api.v1.exports import FILE, ExportFormat
from app.api.v1.response_schemas import RoundId
from app.deps import SessionDep, WriterSessionDep
from app.downloads import job_file
from app.errors import Conflict, LanguageNotOffered, NotFound
from app.models import ExportJob, ExportJobStatus, Project
from app.services import directory, export_jobs, round_export
from app.services.response_intake import API_ACTOR
from app.settings import Settings
from scoring import LanguageCode

router = APIRouter(
    tags=["exports"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
)

JobId = Annotated[int, Path(ge=1, le=limits.INT_MAX, examples=[1])]


class ExportJobOut(BaseModel):
    id: int
    round_id: int
    format: str
    labels: str | None
    status: ExportJobStatus
    rows_done: int = Field(description="Responses written so far")
    rows_total: int = Field(description="Responses the file holds (once done: exactly)")
    error: str | None = Field(description="Why the job failed (status failed)")
    file: str | None = Field(description="Where to fetch the file (status done)")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime = Field(description="When the job and its file are deleted")

    @classmethod
    def of(cls, request: Request, job: ExportJob) -> ExportJobOut:
        assert job.id is not None
        done = job.status == ExportJobStatus.DONE
        link = request.url_for("export_job_file", round_id=job.round_id, job_id=job.id).path
        return cls(
            id=job.id,
            round_id=job.round_id,
            format=job.format,
            labels=job.options.get("labels"),
            status=job.status,
            rows_done=job.rows_done,
            rows_total=job.rows_total,
            error=job.error,
            file=link if done else None,
            created_at=job.created_at,
            finished_at=job.finished_at,
            expires_at=job.expires_at,
        )


@router.post(
    "/rounds/{round_id}/export-jobs",
    summary="Queue a round's export (CSV, XLSX or JSON) to be prepared in the background",
    status_code=202,
    responses={
        202: {
            "description": "Queued; Location names the job to follow",
            "headers": LOCATION_HEADER,
        },
        404: problem(
            "No such round in the token's project, or labels in a language the questionnaire "
            "version does not offer",
            LanguageNotOffered,
            {"available": ["de", "en"]},
        ),
    },
)
def create_export_job(
    request: Request,
    response: Response,
    round_id: RoundId,
    caller: ExportsReader,
    session: WriterSessionDep,
    export_format: Annotated[ExportFormat, Query(alias="format", description="The file format")],
    labels: Annotated[
        LanguageCode | None,
        Query(description="Answers as their labels in this language instead of codes"),
    ] = None,
) -> ExportJobOut:
    round_ = directory.round_(session, caller.project_id, round_id)
    settings: Settings = request.app.state.settings
    export = round_export.prepare(session, round_, export_format.value, labels)
    job = export_jobs.request(
        session,
        export,
        actor=API_ACTOR.format(caller.token_id),
        keep_hours=settings.export_job_hours,
    )
    assert job.id is not None
    response.headers["Location"] = request.url_for(
        "get_export_job", round_id=round_id, job_id=job.id
    ).path
    return ExportJobOut.of(request, job)


@router.get(
    "/rounds/{round_id}/export-jobs/{job_id}",
    summary="A background export's status and progress",
    responses={
        404: problem("No such job of a round in the token's project (or expired)", NotFound)
    },
)
def get_export_job(
    request: Request,
    round_id: RoundId,
    job_id: JobId,
    caller: ExportsReader,
    session: SessionDep,
) -> ExportJobOut:
    round_ = directory.round_(session, caller.project_id, round_id)
    return ExportJobOut.of(request, export_jobs.job_in(session, round_, job_id))


@router.get(
    "/rounds/{round_id}/export-jobs/{job_id}/file",
    summary="The file of a finished background export",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The file, as an attachment (as the direct export gives it)",
            "content": dict.fromkeys(round_export.MEDIA_TYPES.values(), FILE),
        },
        404: problem("No such job of a round in the token's project (or expired)", NotFound),
        409: problem("The job is not done (yet)", Conflict),
    },
)
def export_job_file(
    request: Request,
    round_id: RoundId,
    job_id: JobId,
    caller: ExportsReader,
    session: WriterSessionDep,  # the audit event
) -> FileResponse:
    round_ = directory.round_(session, caller.project_id, round_id)
    job = export_jobs.job_in(session, round_, job_id)
    answer = job_file(request, job, session.get_one(Project, round_.project_id).slug)
    export_jobs.record_download(
        session, job, round_.project_id, actor=API_ACTOR.format(caller.token_id)
    )
    return answer
