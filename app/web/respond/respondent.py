"""What every respondent page shares: the session cookie, the response behind it, its language,
CSRF checks and rendering with the language switcher.

The response is identified by the server-side session (cookie ``radar_session``), never by the
URL; invitation and resume tokens appear in a URL exactly once and are answered by a redirect.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from app import links
from app.db import side_write
from app.deps import SessionDep
from app.errors import Unauthorized
from app.i18n import N_, Localizer, language_name
from app.models import WebSession
from app.services import responses, web_sessions
from app.services.web_sessions import SessionPolicy
from app.settings import Settings
from app.templating import render_page
from app.web import csrf

COOKIE = "radar_session"
SESSION_ENDED = N_(
    "Your session has ended, for example because the browser was closed for a long time. "
    "Your answers are saved: open your personal link again to continue."
)


def session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


@dataclass
class Respondent:
    web_session: WebSession
    context: responses.Context
    i18n: Localizer

    @property
    def response_id(self) -> int:
        assert self.context.response.id is not None
        return self.context.response.id


def get_respondent(request: Request, session: SessionDep) -> Respondent:
    settings: Settings = request.app.state.settings
    policy = session_policy(settings)
    row = web_sessions.find_session(session, request.cookies.get(COOKIE), policy)
    if row is None or row.response_id is None:
        raise Unauthorized(SESSION_ENDED)
    context = responses.load(session, row.response_id)
    language = row.data.get("language") or context.response.language
    i18n = Localizer.for_language(
        str(language),
        context.definition.default_language,
        settings.time_zone,
        request.headers.get("accept-language"),
    )
    request.state.localizer = i18n
    if web_sessions.needs_touch(row):  # a reader notes it after its own session has ended
        assert row.id is not None
        side_write(session, functools.partial(web_sessions.record_activity, session_id=row.id))
    return Respondent(row, context, i18n)


RespondentDep = Annotated[Respondent, Depends(get_respondent)]


def get_checked_form(request: Request, respondent: RespondentDep, form: csrf.FormDep) -> FormData:
    """The posted form, after checking its CSRF token against the respondent's session."""
    csrf.verify(request, respondent.web_session, form)
    return form


CheckedFormDep = Annotated[FormData, Depends(get_checked_form)]


def set_session_cookie(response: Response, cookie: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def redirect(request: Request, name: str, /, **params: Any) -> RedirectResponse:
    """See other: the page named ``name`` (parameters as for :func:`app.links.path_for`)."""
    return see_other(links.path_for(request, name, **params))


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def resume_link(request: Request, token: str) -> str:
    """The personal link, absolute: the respondent copies or mails it."""
    settings: Settings = request.app.state.settings
    return links.public_link(settings, request.app, "respond.resume", request=request, token=token)


def render(
    request: Request,
    respondent: Respondent,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    page_form: str | None = None,
) -> HTMLResponse:
    """A respondent page: language switcher, CSRF token, no caching (it shows answers)."""
    definition = respondent.context.definition
    i18n = respondent.i18n
    full = {
        "i18n": i18n,
        "csrf_token": respondent.web_session.csrf_token,
        "revision": respondent.context.response.revision,
        "languages": [(code, language_name(code)) for code in definition.languages],
        "page_form": page_form,
        "current_path": request.url.path,
        "questionnaire_title": i18n.text(definition.title),
        "organisation": respondent.context.organisation.name,
        "response_reference": respondent.context.response.public_id,
        "multi_use": bool(
            respondent.context.invitation and respondent.context.invitation.multi_use
        ),
        **context,
    }
    return render_page(
        request, template, full, status_code=status_code, headers={"Cache-Control": "no-store"}
    )
