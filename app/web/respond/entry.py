"""Ways in: the invitation link ``/r/{token}``, the personal link ``/resume/{token}`` and
``/respond``, which sends a respondent to wherever they left off.

Both links are answered by a redirect that moves the token out of the address bar into a
server-side session (Referrer-Policy ``no-referrer`` is global); the session remembers which
link opened it, so revoking or replacing that link ends it. The token is checked before any
throttling: a valid link always opens; invalid ones (404) count against a per-client limit in
the database, each hit in a transaction of its own, and past it get 429
(:func:`app.deps.failed_attempts_guard`).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.deps import WriterSessionDep, failed_attempts_guard
from app.errors import Conflict, NotFound
from app.i18n import N_, parse_accept_language
from app.models import ResponseStatus
from app.services import rate_limit, respondent_links, web_sessions
from app.services.invitations import RoundNotOpen
from app.settings import Settings
from app.web.respond.respondent import (
    COOKIE,
    RespondentDep,
    redirect,
    session_policy,
    set_session_cookie,
)

router = APIRouter()

NOT_OPEN_MESSAGE = N_(
    "This round is not open yet. Please use your invitation link again once it has opened."
)


def _limit(request: Request) -> rate_limit.Limit:
    settings: Settings = request.app.state.settings
    return rate_limit.Limit(settings.link_attempts, timedelta(seconds=settings.link_window_seconds))


def _client(request: Request) -> str:
    return f"link:{request.client.host if request.client else 'unknown'}"


LINK_GUARD = failed_attempts_guard(_client, _limit, (NotFound,))


def _preferred_languages(request: Request) -> list[str]:
    tags = parse_accept_language(request.headers.get("accept-language"))
    return [part for tag in tags for part in (tag, tag.split("-")[0])]


def _current_response_id(request: Request, session: Session) -> int | None:
    settings: Settings = request.app.state.settings
    row = web_sessions.find_session(session, request.cookies.get(COOKIE), session_policy(settings))
    return row.response_id if row else None


@router.get("/r/{token}", name="respond.invitation", dependencies=[LINK_GUARD])
def open_invitation(token: str, request: Request, session: WriterSessionDep) -> Response:
    """Start a response by invitation link (or continue it, in the browser that started it)."""
    settings: Settings = request.app.state.settings
    current = _current_response_id(request, session)
    if current is not None and respondent_links.opened_with(session, current, token):
        return redirect(request, "respond.continue")
    try:
        response = respondent_links.open_invitation(session, token, _preferred_languages(request))
    except RoundNotOpen:
        raise Conflict(NOT_OPEN_MESSAGE) from None
    cookie = respondent_links.attach_session(
        session, response, session_policy(settings), invitation_id=response.invitation_id
    )
    result = redirect(request, "respond.continue")
    set_session_cookie(result, cookie, settings)
    return result


@router.get("/resume/{token}", name="respond.resume", dependencies=[LINK_GUARD])
def resume(token: str, request: Request, session: WriterSessionDep) -> Response:
    """Continue by the personal link: a new session for the draft it belongs to."""
    settings: Settings = request.app.state.settings
    policy = respondent_links.link_policy(settings)
    response = respondent_links.find_by_personal_link(session, token, policy)
    cookie = respondent_links.attach_session(
        session, response, session_policy(settings), link_generation=response.resume_generation
    )
    result = redirect(request, "respond.continue")
    set_session_cookie(result, cookie, settings)
    return result


@router.get("/respond", name="respond.continue")
def continue_response(request: Request, respondent: RespondentDep) -> RedirectResponse:
    """Where this respondent left off: start page, a step, the review, or the result."""
    response = respondent.context.response
    if response.status == ResponseStatus.SUBMITTED:
        return redirect(request, "respond.result")
    if response.consented_at is None:
        return redirect(request, "respond.start")
    steps = len(respondent.context.definition.dimensions)
    if response.current_step > steps:
        return redirect(request, "respond.review")
    return redirect(request, "respond.step", step=max(1, response.current_step))
