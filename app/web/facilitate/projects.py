"""Projects: the list of one's own projects (an admin's: all), creating, renaming and
archiving one, and its members. A form with a wrong value comes back with the message and
the values typed, and nothing stored."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import limits
from app.deps import SessionDep
from app.errors import NO_MEMBER, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.services import accounts, members, projects
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
from app.web.facilitate.project_page import project_page, refused_page

router = APIRouter(dependencies=AREA)
NO_ACCOUNT = N_("there is no account %(email)s; an administrator creates accounts")


@router.get("/projects", name="facilitate.projects")
def project_list(request: Request, session: SessionDep, facilitator: FacilitatorDep) -> Response:
    return _list_page(request, session, facilitator)


def _list_page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    *,
    error: Message | str | None = None,
    typed: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        facilitator,
        "facilitate/projects.html",
        {
            "projects": members.projects_of(session, facilitator.user),
            "archived": members.projects_of(session, facilitator.user, archived=True),
            "error": error,
            "typed": typed,
        },
        status_code=status_code,
    )


@router.post("/projects", name="facilitate.projects.create")
def create_project(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, form: FormDep
) -> Response:
    """A new project with its creator as the first member; the slug comes from the name."""
    name = field(form, "name").strip()
    try:
        if not name:
            raise limits.field_problem(N_("project name"), Message(limits.EMPTY))
        project = projects.create_project(session, projects.free_slug(session, name), name)
        members.add_member(session, project, facilitator.user, actor=facilitator.actor)
    except InvalidInput as problem:
        session.rollback()
        return _list_page(
            request, session, facilitator, error=problem.message, typed=name, status_code=422
        )
    return redirect(request, "facilitate.project", slug=project.slug)


@router.get("/projects/{slug}", name="facilitate.project")
def show_project(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, project: ProjectDep
) -> Response:
    return project_page(request, session, facilitator, project)


@router.post("/projects/{slug}/rename", name="facilitate.project.rename")
def rename_project(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    try:
        projects.rename_project(session, project, field(form, "name"), actor=facilitator.actor)
    except InvalidInput as problem:
        return refused_page(
            request, session, facilitator, project, problem, {"project_name": field(form, "name")}
        )
    return redirect(request, "facilitate.project", slug=project.slug)


@router.post("/projects/{slug}/archive", name="facilitate.project.archive")
def archive_project(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    """Archive (``archived=yes``) or bring back (anything else) the project."""
    archived = field(form, "archived") == "yes"
    projects.set_archived(session, project, archived, actor=facilitator.actor)
    return redirect(request, "facilitate.project", slug=project.slug)


@router.post("/projects/{slug}/members", name="facilitate.members.add")
def add_member(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    form: FormDep,
) -> Response:
    email = field(form, "email")
    try:
        user = accounts.find_user(session, email)
        if user is None:
            raise InvalidInput(
                Message(NO_ACCOUNT, email=repr(accounts.normalise_email(email))), field="email"
            )
        members.add_member(session, project, user, actor=facilitator.actor)
    except (InvalidInput, Conflict) as problem:
        return refused_page(
            request, session, facilitator, project, problem, {"member_email": email}
        )
    return redirect(request, "facilitate.project", slug=project.slug)


@router.post("/projects/{slug}/members/{user_id}/remove", name="facilitate.members.remove")
def remove_member(
    request: Request,
    session: SessionDep,
    facilitator: FacilitatorDep,
    project: ProjectDep,
    user_id: int,
) -> Response:
    """Remove a member (a user who is not one is "not found" like any other id)."""
    member = next((m for m in members.members_of(session, project) if m.id == user_id), None)
    if member is None:
        raise NotFound(Message(NO_MEMBER, project=repr(project.slug), id=str(user_id)))
    try:
        members.remove_member(session, project, member, actor=facilitator.actor)
    except Conflict as problem:
        return refused_page(request, session, facilitator, project, problem, {})
    return redirect(request, "facilitate.project", slug=project.slug)
