"""API tokens in the facilitator area: a project's tokens (members and admins, under
:data:`~app.web.facilitate.access.ProjectDep`) and the cross-project tokens (admins only,
:data:`~app.web.facilitate.access.ADMIN`).

Both pages list the tokens (name, prefix, scopes, created, last day, last used, state), create
one (name, scopes, optional last day in the service's time zone) and revoke one, through the
same service as ``radar tokens`` (:mod:`app.services.api_tokens`, which audits). A new token's
secret is shown once, in the answer to the POST (``no-store``, like every page of the area);
only its hash is stored. Tokens are looked up *in* the page's project (or among the
cross-project ones), so an id from elsewhere is "not found".
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.deps import SessionDep
from app.errors import Conflict, InvalidInput
from app.forms import Problems, collect
from app.i18n import Message
from app.models import Project
from app.services import api_tokens
from app.settings import Settings
from app.web.csrf import FormDep
from app.web.facilitate.access import (
    ADMIN,
    AREA,
    Facilitator,
    FacilitatorDep,
    ProjectDep,
    field,
    redirect,
    render,
)

router = APIRouter(dependencies=AREA)
admin = APIRouter(dependencies=ADMIN)


def _page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project | None,
    *,
    error: Message | str | None = None,
    problems: Problems | None = None,
    typed: dict[str, object] | None = None,
    secret: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The token page of ``project`` (None: the cross-project tokens); ``secret`` shown once."""
    return render(
        request,
        facilitator,
        "facilitate/tokens.html",
        {
            "project": project,
            "tokens": api_tokens.list_tokens(session, project),
            "state_of": api_tokens.token_state,
            "scopes": api_tokens.ALL_SCOPES,
            "error": error,
            "problems": problems or {},
            "typed": typed or {},
            "secret": secret,
        },
        status_code=status_code,
    )


def _create(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project | None,
    form: FormData,
) -> HTMLResponse:
    """Make the token the form describes and show its secret once, or the form again."""
    chosen = [value for value in form.getlist("scopes") if isinstance(value, str)]
    typed: dict[str, object] = {
        "name": field(form, "name"),
        "scopes": chosen,
        "expires": field(form, "expires"),
    }
    settings: Settings = request.app.state.settings
    problems: Problems = {}  # every problem of the form at once, each beside its field
    collect(problems, "name", lambda: api_tokens.check_name(field(form, "name")))
    collect(problems, "scopes", lambda: api_tokens.parse_scopes(chosen))
    expires_at = collect(
        problems,
        "expires",
        lambda: api_tokens.expiry_of_day(field(form, "expires"), settings.time_zone),
    )
    if "expires" not in problems:
        collect(problems, "expires", lambda: api_tokens.check_expiry(expires_at))
    if problems:
        return _page(
            request, session, facilitator, project, problems=problems, typed=typed, status_code=422
        )
    try:
        _row, secret = api_tokens.create_token(
            session,
            project,
            field(form, "name"),
            chosen,
            expires_at=expires_at,
            actor=facilitator.actor,
        )
    except InvalidInput as problem:
        session.rollback()
        return _page(
            request,
            session,
            facilitator,
            project,
            error=problem.message,
            typed=typed,
            status_code=problem.status_code,
        )
    return _page(request, session, facilitator, project, secret=secret)


def _revoke(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    project: Project | None,
    token_id: int,
) -> Response:
    row = api_tokens.token_in(session, project, token_id)
    try:
        api_tokens.revoke(session, row, actor=facilitator.actor)
    except Conflict as problem:
        return _page(request, session, facilitator, project, error=problem.message, status_code=409)
    if project is None:
        return redirect(request, "facilitate.admin_tokens")
    return redirect(request, "facilitate.tokens", slug=project.slug)


@router.get("/projects/{slug}/tokens", name="facilitate.tokens")
def token_list(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, project: ProjectDep
) -> Response:
    return _page(request, session, facilitator, project)


@router.post("/projects/{slug}/tokens", name="facilitate.tokens.create")
def create_token(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    return _create(request, session, facilitator, project, form)


@router.post("/projects/{slug}/tokens/{token_id}/revoke", name="facilitate.tokens.revoke")
def revoke_token(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    token_id: int,
) -> Response:
    return _revoke(request, session, facilitator, project, token_id)


@admin.get("/admin/tokens", name="facilitate.admin_tokens")
def cross_project_list(
    request: Request, session: SessionDep, facilitator: FacilitatorDep
) -> Response:
    return _page(request, session, facilitator, None)


@admin.post("/admin/tokens", name="facilitate.admin_tokens.create")
def create_cross_project_token(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, form: FormDep
) -> Response:
    return _create(request, session, facilitator, None, form)


@admin.post("/admin/tokens/{token_id}/revoke", name="facilitate.admin_tokens.revoke")
def revoke_cross_project_token(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, token_id: int
) -> Response:
    return _revoke(request, session, facilitator, None, token_id)
