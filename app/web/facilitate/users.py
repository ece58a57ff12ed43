"""User management (admins only, :data:`~app.web.facilitate.access.ADMIN` on the router):
list accounts, create one, disable one, issue a one-time password link shown once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import links
from app.deps import SessionDep
from app.errors import Conflict, InvalidInput
from app.i18n import Message
from app.services import accounts
from app.settings import Settings
from app.web.csrf import FormDep
from app.web.facilitate.access import ADMIN, Facilitator, FacilitatorDep, field, redirect, render

router = APIRouter(dependencies=ADMIN)


def _page(
    request: Request,
    session: Session,
    facilitator: Facilitator,
    *,
    error: Message | str | None = None,
    typed: dict[str, str] | None = None,
    reset_link: str | None = None,
    reset_for: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        facilitator,
        "facilitate/users.html",
        {
            "users": accounts.list_users(session),
            "error": error,
            "typed": typed or {},
            "reset_link": reset_link,
            "reset_for": reset_for,
        },
        status_code=status_code,
    )


@router.get("/admin/users", name="facilitate.users")
def user_list(request: Request, session: SessionDep, facilitator: FacilitatorDep) -> Response:
    return _page(request, session, facilitator)


@router.post("/admin/users", name="facilitate.users.create")
def create_user(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, form: FormDep
) -> Response:
    """A new account with a first password the admin hands over (or a reset link next)."""
    typed = {"email": field(form, "email"), "name": field(form, "name")}
    try:
        accounts.create_user(
            session,
            field(form, "email"),
            field(form, "password"),
            display_name=field(form, "name"),
            admin=field(form, "role") == "admin",
            actor=facilitator.actor,
        )
    except (InvalidInput, Conflict) as problem:
        session.rollback()
        return _page(
            request,
            session,
            facilitator,
            error=problem.message,
            typed=typed,
            status_code=problem.status_code,
        )
    return redirect(request, "facilitate.users")


@router.post("/admin/users/{user_id}/disable", name="facilitate.users.disable")
def disable_user(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, user_id: int
) -> Response:
    """Disable an account; its sessions end at once (an admin cannot disable themself)."""
    user = accounts.get_user_by_id(session, user_id)
    if user.id == facilitator.user.id:
        return _page(
            request,
            session,
            facilitator,
            error="you cannot disable your own account",
            status_code=409,
        )
    accounts.disable_user(session, user, actor=facilitator.actor)
    return redirect(request, "facilitate.users")


@router.post("/admin/users/{user_id}/reset-link", name="facilitate.users.reset_link")
def reset_link(
    request: Request, session: SessionDep, facilitator: FacilitatorDep, user_id: int
) -> Response:
    """A one-time password link, shown on this page only (it is stored hashed)."""
    user = accounts.get_user_by_id(session, user_id)
    try:
        token = accounts.issue_reset_link(session, user, actor=facilitator.actor)
    except Conflict as problem:
        return _page(request, session, facilitator, error=problem.message, status_code=409)
    settings: Settings = request.app.state.settings
    link = links.public_link(
        settings, request.app, "facilitate.reset", request=request, token=token
    )
    return _page(request, session, facilitator, reset_link=link, reset_for=user.email)
