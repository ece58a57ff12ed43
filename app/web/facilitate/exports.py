"""A round's export for facilitators: a form (format, codes or labels) and the download.

An XLSX file is prepared in the background when asked for, and always from
``RADAR_EXPORT_BACKGROUND_FROM`` responses on: the form then queues a job and goes to its page
(:mod:`app.web.facilitate.export_jobs`), where the file is downloaded when ready.

The download is a POST (it writes an audit event, "round.export", and carries the CSRF
token); the round is looked up *in* the project of the URL, so a round of another project is
"not found". The file is :mod:`app.services.round_export`'s, streamed from a read unit of
work of its own (:mod:`app.downloads`) after the request's unit of work has committed the
audit event.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.deps import SessionDep
from app.downloads import round_file
from app.errors import InvalidInput
from app.forms import Problems, collect
from app.i18n import Message, language_name
from app.models import Project, Round
from app.services import directory, export_jobs, responses, round_export
from app.settings import Settings
from app.validation_messages import NOT_ONE_OF
from app.web.csrf import FormDep
from app.web.facilitate.access import (
    AREA,
    Facilitator,
    FacilitatorDep,
    ProjectDep,
    field,
    redirect,
    render,
)
from scoring import shorten

router = APIRouter(dependencies=AREA)


def _round(session: Session, project: Project, round_id: int) -> Round:
    assert project.id is not None
    return directory.round_(session, project.id, round_id)


@router.get("/projects/{slug}/rounds/{round_id}/export", name="facilitate.round.export")
def export_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
) -> HTMLResponse:
    round_ = _round(session, project, round_id)
    return _page(request, session, facilitator, project, round_, None, 200)


def _one_of(name: str, value: str, allowed: Sequence[str]) -> None:
    """Refuse ``value`` naming what was typed and what is offered."""
    if value not in allowed:
        shown = ", ".join(allowed)
        raise InvalidInput(
            Message(NOT_ONE_OF, field=name, value=shorten(value) or '""', allowed=shown),
            field=name,
        )


def _format(value: str) -> None:
    _one_of("format", value, round_export.FORMATS)


def _labels(session: Session, round_: Round, value: str) -> None:
    """Empty: codes; else one of the version's languages."""
    if value:
        _one_of("labels", value, responses.definition_of(session, round_).languages)


def _page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project,
    round_: Round,
    problems: Problems | None,
    status_code: int,
    chosen: tuple[str, str] = ("csv", ""),
) -> HTMLResponse:
    plan = round_export.prepare(session, round_, "csv")
    submitted = sum(partner.responses for partner in plan.partners.values())
    return render(
        request,
        facilitator,
        "facilitate/export.html",
        {
            "project": project,
            "round": round_,
            "formats": round_export.FORMATS,
            "label_languages": [(code, language_name(code)) for code in plan.definition.languages],
            "submitted": submitted,
            "exported": plan.exported,
            "withheld": [plan.partners[key].name for key in plan.partners if key in plan.withheld],
            "min_group_size": plan.min_group_size,
            "background_from": request.app.state.settings.export_background_from,
            "chosen": chosen,
            "problems": problems or {},
        },
        status_code=status_code,
    )


@router.post("/projects/{slug}/rounds/{round_id}/export", name="facilitate.round.export.download")
def download(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    round_id: int,
    form: FormDep,
) -> Response:
    round_ = _round(session, project, round_id)
    chosen = (field(form, "format"), field(form, "labels"))
    export_format, labels = chosen
    problems: Problems = {}  # both fields at once, each beside its field
    collect(problems, "format", lambda: _format(export_format))
    collect(problems, "labels", lambda: _labels(session, round_, labels))
    if problems:
        return _page(request, session, facilitator, project, round_, problems, 422, chosen)
    export = round_export.prepare(session, round_, export_format, labels or None)
    settings: Settings = request.app.state.settings
    if export_format == "xlsx" and (
        field(form, "background") or export.exported >= settings.export_background_from
    ):
        job = export_jobs.request(
            session, export, actor=facilitator.actor, keep_hours=settings.export_job_hours
        )
        return redirect(
            request,
            "facilitate.round.export.job",
            slug=project.slug,
            round_id=export.round_id,
            job_id=job.id,
        )
    round_export.record(session, export, actor=facilitator.actor)
    return round_file(request, export)
