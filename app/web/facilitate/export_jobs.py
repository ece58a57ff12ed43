"""A round's background export (:mod:`app.services.export_jobs`): its page and its file.

The export form queues a job (:mod:`app.web.facilitate.exports`) and comes here: the page
shows the status and the responses written so far, refreshed by ``app/static/refresh.js``
(without script, by its refresh link), and once the file is ready a download button. The
download is a POST like the direct one (it writes the audit event and carries the CSRF token);
the job is looked up *in* the round of the URL, itself in the URL's project, so another
project's job is "not found".
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from app.deps import SessionDep
from app.downloads import job_file as finished_file
from app.models import ExportJobStatus
from app.services import export_jobs
from app.web.facilitate.access import AREA, FacilitatorDep, ProjectDep, RoundDep, render

router = APIRouter(dependencies=AREA)

REFRESH_SECONDS = 3


@router.get(
    "/projects/{slug}/rounds/{round_id}/export/jobs/{job_id}",
    name="facilitate.round.export.job",
)
def job_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    job_id: int,
) -> HTMLResponse:
    job = export_jobs.job_in(session, round_, job_id)
    return render(
        request,
        facilitator,
        "facilitate/export_job.html",
        {
            "project": project,
            "round": round_,
            "job": job,
            "finished": job.status in (ExportJobStatus.DONE, ExportJobStatus.FAILED),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@router.post(
    "/projects/{slug}/rounds/{round_id}/export/jobs/{job_id}/file",
    name="facilitate.round.export.job.file",
)
def job_file(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_: RoundDep,
    job_id: int,
) -> FileResponse:
    job = export_jobs.job_in(session, round_, job_id)
    answer = finished_file(request, job, project.slug)
    assert project.id is not None
    export_jobs.record_download(session, job, project.id, actor=facilitator.actor)
    return answer
