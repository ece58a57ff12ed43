"""Who is asking, checked on the router, not the route: the facilitator area's dependencies.

- :data:`AREA` (``dependencies=`` of every facilitator router): a live login of an active
  account, else a redirect to the login page (pages) or 401 (scripts); then, for every
  state-changing method, the session's CSRF token, before anything is read or written.
- :data:`ADMIN` (the user-management router, in addition): an admin, else "not found".
- :data:`ProjectDep` (any route with ``{slug}``): the project, only if the user may open it
  (:func:`app.services.members.may_access`), else "not found", never "forbidden", so that
  outsiders learn nothing. Objects inside a project are looked up *in* it
  (:func:`app.services.projects.organisation_in`); :data:`RoundDep` (any route with
  ``{round_id}``) is the round in that project, else "not found".

Sessions are the server-side :class:`~app.models.WebSession` rows (cookie ``radar_login``,
apart from a respondent's ``radar_session``), with the facilitator timeouts from settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app import links
from app.db import side_write
from app.deps import READ_METHODS, SessionDep
from app.errors import NO_PROJECT, LoginRequired, NotFound
from app.i18n import N_, Message
from app.models import Organisation, Project, Role, Round, User, WebSession
from app.services import directory, members, projects, rounds, web_sessions
from app.services.web_sessions import SessionPolicy
from app.settings import Settings
from app.templating import localizer_for, render_page
from app.web import csrf
from scoring import shorten

COOKIE = "radar_login"
NOT_FOUND_MESSAGE = N_("This page does not exist or you have no access to it.")


def login_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.login_idle_minutes),
        absolute=timedelta(hours=settings.login_absolute_hours),
    )


@dataclass
class Facilitator:
    """The logged-in account and its browser session."""

    user: User
    web_session: WebSession

    @property
    def is_admin(self) -> bool:
        return self.user.role == Role.ADMIN

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return self.user.email


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``?next=``), else None: no scheme, no host,
    no ``//`` or ``/\\`` (which browsers read as another host), no control characters."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 or c == "\x7f" for c in target):
        return None
    return target


def find_login(request: Request, session: SessionDep) -> Facilitator | None:
    """The live login behind the cookie, or None; notes activity (at most once a minute)."""
    settings: Settings = request.app.state.settings
    row = web_sessions.find_session(session, request.cookies.get(COOKIE), login_policy(settings))
    if row is None or row.user_id is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if web_sessions.needs_touch(row):
        assert row.id is not None
        side_write(session, functools.partial(web_sessions.record_activity, session_id=row.id))
    return Facilitator(user, row)


def require_login(
    request: Request, found: Annotated[Facilitator | None, Depends(find_login)]
) -> Facilitator:
    if found is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = here if request.method in READ_METHODS else None
        query = {"next": target} if target else None
        raise LoginRequired(links.path_for(request, "facilitate.login", _query=query))
    request.state.facilitator = found
    return found


FacilitatorDep = Annotated[Facilitator, Depends(require_login)]


async def check_csrf(request: Request, facilitator: FacilitatorDep) -> None:
    """Every state-changing request of the area carries the session's CSRF token."""
    if request.method not in READ_METHODS:
        csrf.verify(request, facilitator.web_session, await csrf.read_form(request))


def require_admin(facilitator: FacilitatorDep) -> None:
    if not facilitator.is_admin:
        raise NotFound(Message(NOT_FOUND_MESSAGE))


AREA = [Depends(require_login), Depends(check_csrf)]
ADMIN = [*AREA, Depends(require_admin)]


def get_project(slug: str, facilitator: FacilitatorDep, session: SessionDep) -> Project:
    """The project ``slug`` if this user may open it; otherwise exactly as if it did not
    exist."""
    project = projects.find_project(session, slug)
    if project is None or not members.may_access(session, facilitator.user, project):
        raise NotFound(Message(NO_PROJECT, slug=shorten(slug)))
    return project


ProjectDep = Annotated[Project, Depends(get_project)]


def get_round(round_id: int, project: ProjectDep, session: SessionDep) -> Round:
    """The round ``round_id`` *in* the project of the URL; another project's round is "not
    found" like one that does not exist."""
    assert project.id is not None
    return directory.round_(session, project.id, round_id)


RoundDep = Annotated[Round, Depends(get_round)]


def get_partner(organisation_id: int, project: ProjectDep, session: SessionDep) -> Organisation:
    """The partner ``organisation_id`` *of* the URL's project (another project's: "not
    found")."""
    return projects.organisation_in(session, project, organisation_id)


PartnerDep = Annotated[Organisation, Depends(get_partner)]


def field(form: FormData, name: str) -> str:
    """A text field of a posted form ("" when missing; an uploaded file is not text)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def group_labels(request: Request, session: Session, round_: Round) -> Callable[[str | None], str]:
    """How this page writes ``round_``'s stakeholder groups: the round's own label in the
    page's language first (:func:`app.services.rounds.group_labels`)."""
    i18n = localizer_for(request)
    return rounds.group_labels(session, round_, i18n.language, i18n.gettext)


def render(
    request: Request,
    facilitator: Facilitator | None,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A facilitator page: navigation, CSRF token, never cached (it shows project data)."""
    full = {
        "i18n": localizer_for(request),
        "facilitator": facilitator,
        "csrf_token": facilitator.web_session.csrf_token if facilitator else "",
        **context,
    }
    return render_page(
        request, template, full, status_code=status_code, headers={"Cache-Control": "no-store"}
    )


def redirect(request: Request, name: str, /, **params: Any) -> RedirectResponse:
    return see_other(links.path_for(request, name, **params))


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def set_login_cookie(response: Response, cookie: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=settings.login_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
