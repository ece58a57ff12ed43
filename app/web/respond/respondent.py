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
from sqlmodel import Session
from starlette.datastructures import FormData

from app import links
from app.db import side_write
from app.deps import SessionDep
from app.errors import InvalidInput, Unauthorized
from app.i18n import N_, Localizer, language_options
from app.models import WebSession
from app.services import respondent_links, responses, web_sessions
from app.services.web_sessions import SessionPolicy
from app.settings import Settings
from app.templating import render_page
from app.web import csrf
from scoring import Definition

COOKIE = "radar_session"
SESSION_ENDED = N_(
    "Your session has ended, for example because the browser was closed for a long time. "
    "Your answers are saved: open your personal link again to continue."
)
NOT_SAVED = N_(
    "Your session has ended, so the answers you have just sent could not be saved. The answers "
    "you saved before are kept. Copy what you typed (it is listed below), then open your "
    "personal link again and enter it there."
)
NOT_SUBMITTED = N_(
    "Your session has ended, so your answers were not submitted. The answers you saved are "
    "kept: open your personal link again, check them and submit."
)
FORM_CONTROLS = frozenset({csrf.FIELD, "revision", "shown", "action", "switch_language"})


def session_policy(settings: Settings) -> SessionPolicy:
    """Respondent sessions: idle and absolute limits from the settings; a page posted after
    the idle limit is still saved until the session's absolute end (issue 9.5)."""
    absolute = timedelta(hours=settings.session_absolute_hours)
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=absolute,
        late_saves=absolute,
    )


@dataclass
class Respondent:
    """The respondent behind a request. ``late``: the session is past its idle limit and may
    only save what this request posts (nothing stored may be shown in the answer)."""

    web_session: WebSession
    context: responses.Context
    i18n: Localizer
    late: bool = False

    @property
    def response_id(self) -> int:
        assert self.context.response.id is not None
        return self.context.response.id


QUERY_LANGUAGE_LENGTH = 35
"""Characters of a ``?lang=`` read at most (the invitation page's bound; a tag is shorter)."""


def query_language(request: Request, definition: Definition) -> str | None:
    """The language a page's address asks for (``?lang=``, on a page that is read: GET or
    HEAD), None when it asks for none; one the questionnaire does not offer is refused
    (:func:`app.services.respondent_links.check_offered`, 422 naming ``language``), as on the
    invitation page, never quietly replaced; on a post too, before anything is saved (a
    caller that saves lists what was posted). It changes nothing stored: the page is shown
    in it, the language switch is what keeps a choice."""
    asked = request.query_params.get("lang")
    if asked is None:
        return None
    respondent_links.check_offered(definition, asked[: QUERY_LANGUAGE_LENGTH + 1])
    return asked if request.method in ("GET", "HEAD") else None


def page_localizer(request: Request, language: str, default_language: str) -> Localizer:
    """A respondent-facing page's localizer in ``language``, set as the request's."""
    settings: Settings = request.app.state.settings
    i18n = Localizer.for_language(
        language, default_language, settings.time_zone, request.headers.get("accept-language")
    )
    request.state.localizer = i18n
    return i18n


def _respondent(request: Request, session: SessionDep, *, saving: bool) -> Respondent | None:
    """The respondent behind the request's session cookie; None without a live respondent
    session (a *late* one counts only when ``saving``). The session row and the response's
    context are one query (:func:`app.services.responses.load_for_session`)."""
    settings: Settings = request.app.state.settings
    found = responses.load_for_session(
        session, request.cookies.get(COOKIE), session_policy(settings)
    )
    if found is None:
        return None
    row, late, context = found
    if late and not saving:
        return None
    default = context.definition.default_language
    stored = str(row.data.get("language") or context.response.language)
    i18n = page_localizer(request, stored, default)  # a refused ?lang= is said in it
    asked = query_language(request, context.definition)
    if asked is not None:
        i18n = page_localizer(request, asked, default)
    if not late and web_sessions.needs_touch(row):  # a reader notes it after its session ended
        assert row.id is not None
        side_write(session, functools.partial(web_sessions.record_activity, session_id=row.id))
    return Respondent(row, context, i18n, late)


def get_respondent(request: Request, session: SessionDep) -> Respondent:
    """The live respondent, else 401 (their answers are saved). As a dependency it costs a
    hop to a worker thread of its own; the busiest pages (steps, review, result) call it in
    their route's thread instead, one hop per request."""
    respondent = _respondent(request, session, saving=False)
    if respondent is None:
        raise Unauthorized(SESSION_ENDED)
    return respondent


RespondentDep = Annotated[Respondent, Depends(get_respondent)]


def get_submitting_respondent(request: Request, session: SessionDep) -> Respondent:
    """The respondent of a submission. A session that has ended cannot submit (submitting
    shows the result, which an ended session may not see), and the refusal says plainly that
    nothing was submitted, rather than the general "your answers are saved"."""
    try:
        return get_respondent(request, session)
    except Unauthorized:
        raise Unauthorized(NOT_SUBMITTED) from None


async def get_checked_form(
    request: Request, respondent: RespondentDep, form: csrf.FormDep
) -> FormData:
    """The posted form, after checking its CSRF token against the respondent's session.

    ``async``: a comparison of two strings, run on the event loop; as a plain function FastAPI
    sent it to a worker thread and back, which under load cost a form post as much as a query.
    """
    csrf.verify(request, respondent.web_session, form)
    return form


CheckedFormDep = Annotated[FormData, Depends(get_checked_form)]


def keep_posted(request: Request, form: FormData) -> None:
    """Note what a refused page post held, so that its error page lists it for copying."""
    request.state.kept_form = [
        (name, value)
        for name, value in form.multi_items()
        if name not in FORM_CONTROLS and isinstance(value, str) and value.strip()
    ]


def saving_respondent(request: Request, session: Session, form: FormData) -> Respondent:
    """The respondent of a page save, also in a session past its idle limit (``late``), once
    the form's CSRF token matches their session's.

    A save never loses what was posted: a late session still stores it; without any session,
    or with a wrong token, the refusal lists what was posted (and, without a session, says
    that nothing was saved). Called in the saving route's own thread: as dependencies, the
    lookup took a hop to a worker thread of its own besides the route's.
    """
    try:
        respondent = _respondent(request, session, saving=True)
    except InvalidInput:  # an address naming a language not offered: nothing saved
        keep_posted(request, form)
        raise
    if respondent is None:
        keep_posted(request, form)
        raise Unauthorized(NOT_SAVED)
    if not web_sessions.csrf_matches(respondent.web_session, csrf.presented(request, form)):
        keep_posted(request, form)
    csrf.verify(request, respondent.web_session, form)
    return respondent


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
        "languages": language_options(definition.languages),
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
