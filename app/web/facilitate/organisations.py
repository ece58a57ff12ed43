"""A project's partner organisations: add, edit, remove, and import many from a CSV file.

Every organisation is looked up *in* the project of the URL
(:func:`app.services.projects.organisation_in`), so an id of another project is "not found".
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from app import locale_numbers
from app.deps import SessionDep
from app.errors import Conflict, InvalidInput
from app.i18n import N_, Message
from app.services import partner_fields, partner_import, projects
from app.services.partner_fields import AREA_TYPES, KINDS, PartnerFields
from app.templating import localizer_for
from app.web.csrf import FormDep
from app.web.facilitate.access import (
    AREA,
    FacilitatorDep,
    PartnerDep,
    ProjectDep,
    field,
    redirect,
    render,
)
from app.web.facilitate.project_page import refused_page

router = APIRouter(dependencies=AREA)

FORM_FIELDS = ("name", "country", "kind", "population", "foreign_born_share", "area_type")
NO_FILE = N_("Please choose a CSV file to import.")


def _fields(request: Request, form: FormData) -> PartnerFields:
    """The partner form's values, checked (numbers as the page's language writes them:
    "1.500" and "12,5" on a German page)."""
    return partner_fields.from_texts(_typed(form), localizer_for(request).language)


def _typed(form: FormData) -> dict[str, str]:
    return {name: field(form, name) for name in FORM_FIELDS}


@router.post("/projects/{slug}/organisations", name="facilitate.organisations.add")
def add_organisation(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    try:
        projects.add_partner(session, project, _fields(request, form))
    except (InvalidInput, Conflict) as problem:
        return refused_page(request, session, facilitator, project, problem, _typed(form))
    return redirect(request, "facilitate.project", slug=project.slug)


@router.get("/projects/{slug}/organisations/{organisation_id}", name="facilitate.organisation")
def edit_page(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    organisation: PartnerDep,
) -> Response:
    language = localizer_for(request).language
    typed = {
        "name": organisation.name,
        "country": organisation.country,
        "kind": organisation.kind,
        "population": _as_typed(organisation.population, language),
        "foreign_born_share": _as_typed(organisation.foreign_born_share, language),
        "area_type": organisation.area_type or "",
    }
    return _edit(request, facilitator, project, organisation.id, typed, None, 200)


def _as_typed(value: float | None, language: str) -> str:
    """A stored number in its field as the page's language writes it ("4.000.000", "7,5")."""
    return "" if value is None else locale_numbers.as_typed(value, language)


def _edit(
    request: Request,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    organisation_id: int | None,
    typed: dict[str, str],
    error: Message | str | None,
    status_code: int,
) -> HTMLResponse:
    return render(
        request,
        facilitator,
        "facilitate/organisation.html",
        {
            "project": project,
            "organisation_id": organisation_id,
            "typed": typed,
            "kinds": KINDS,
            "area_types": AREA_TYPES,
            "error": error,
        },
        status_code=status_code,
    )


@router.post(
    "/projects/{slug}/organisations/{organisation_id}", name="facilitate.organisation.save"
)
def save_organisation(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    organisation: PartnerDep,
    form: FormDep,
) -> Response:
    organisation_id = organisation.id  # read before a rollback expires the row
    try:
        projects.update_organisation(
            session, organisation, _fields(request, form), actor=facilitator.actor
        )
    except (InvalidInput, Conflict) as problem:
        session.rollback()
        return _edit(
            request,
            facilitator,
            project,
            organisation_id,
            _typed(form),
            problem.message,
            problem.status_code,
        )
    return redirect(request, "facilitate.project", slug=project.slug)


@router.post(
    "/projects/{slug}/organisations/{organisation_id}/remove",
    name="facilitate.organisation.remove",
)
def remove_organisation(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    organisation: PartnerDep,
) -> Response:
    """Remove a partner (its links and responses go with it; the page asks first)."""
    projects.remove_organisation(session, organisation, actor=facilitator.actor)
    return redirect(request, "facilitate.project", slug=project.slug)


@router.get("/projects/{slug}/import", name="facilitate.import")
def import_page(request: Request, facilitator: FacilitatorDep, project: ProjectDep) -> Response:
    return _import(request, facilitator, project, [], None, 200)


def _import(
    request: Request,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    problems: list[Message],
    error: Message | str | None,
    status_code: int,
) -> HTMLResponse:
    return render(
        request,
        facilitator,
        "facilitate/import.html",
        {
            "project": project,
            "problems": problems,
            "error": error,
            "required": partner_import.REQUIRED,
            "optional": partner_import.OPTIONAL,
            "kinds": KINDS,
            "area_types": AREA_TYPES,
        },
        status_code=status_code,
    )


@router.post("/projects/{slug}/import", name="facilitate.import.submit")
def import_partners(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    """All rows of the file or none; a refused file lists every wrong row."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import(request, facilitator, project, [], NO_FILE, 422)
    raw = upload.file.read()
    try:
        added = partner_import.import_partners(session, project, raw, actor=facilitator.actor)
    except partner_import.ImportRefused as refused:
        session.rollback()
        problems = [problem.text for problem in refused.problems]
        return _import(request, facilitator, project, problems, None, 422)
    return redirect(
        request, "facilitate.project", slug=project.slug, _query={"imported": str(len(added))}
    )
