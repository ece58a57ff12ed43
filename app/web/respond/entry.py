"""Ways in: the invitation link ``/r/{token}``, the personal link ``/resume/{token}`` and
``/respond``, which sends a respondent to wherever they left off.

Opening an invitation link changes nothing: it shows the start page (what this is, the data
protection notice, the consent form), because mail scanners and link previews open links
too. Consent, a POST to the same address, starts the response, counts the link's use and
moves on to a server-side session (Referrer-Policy ``no-referrer`` is global). The personal
link is answered by a redirect into such a session. A session remembers which link opened it,
so revoking or replacing that link ends it. The token is checked before any
throttling: a valid link always opens; invalid ones (404) count against a per-client limit in
the database, each hit in a transaction of its own, and past it get 429
(:func:`app.deps.failed_attempts_guard`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import links
from app.deps import SessionDep, WriterSessionDep, failed_attempts_guard
from app.errors import Conflict, NotFound
from app.i18n import N_, Localizer, Message, language_options, parse_accept_language
from app.models import ResponseStatus
from app.services import invitations, rate_limit, respondent_links, responses, web_sessions
from app.services.invitations import ResolvedInvitation, RoundNotOpen
from app.services.responses import definition_of
from app.settings import Settings
from app.templating import render_page
from app.web import csrf
from app.web.respond.respondent import (
    COOKIE,
    RespondentDep,
    redirect,
    session_policy,
    set_session_cookie,
)
from app.web.respond.start import CONSENT_MISSING, about_round, group_label
from scoring import Definition

router = APIRouter()

# The consent form on an invitation's start page comes before any session.
ENTRY_FORM = csrf.SignedForm(cookie="radar_entry", purpose="invitation-consent")

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


def _page_language(request: Request, definition: Definition, chosen: str | None) -> str:
    """``chosen`` (the page's language switch or the consent form) when offered, else the
    browser's first preference the definition offers, else the definition's default."""
    preferred = [chosen] if chosen else []
    for language in [*preferred, *_preferred_languages(request)]:
        if language in definition.languages:
            return language
    return definition.default_language


def _not_offered(definition: Definition, chosen: str | None) -> Message | None:
    """Why ``chosen`` (a link's ``lang`` or the consent form's language) is refused, or None
    when it is offered or not named."""
    return respondent_links.not_offered(definition, chosen) if chosen else None


def _invitation_page(
    request: Request,
    token: str,
    resolved: ResolvedInvitation,
    definition: Definition,
    language: str,
    *,
    error: str | None = None,
    language_error: Message | None = None,
    consent_given: bool = False,
) -> HTMLResponse:
    """The start page of an invitation: what this is, the notice, the consent form. Nothing
    exists yet; the consent form creates the response. ``language_error``: the link or form
    named a language the questionnaire does not offer (the page is in ``language`` and says
    so, 422); ``consent_given`` keeps the box ticked as it was sent."""
    settings: Settings = request.app.state.settings
    i18n = Localizer.for_language(language, definition.default_language, settings.time_zone)
    request.state.localizer = i18n
    nonce, form_token = ENTRY_FORM.token(request)
    here = links.path_for(request, "respond.invitation", token=token)
    page = render_page(
        request,
        "respond/start.html",
        {
            "i18n": i18n,
            **about_round(request, i18n, definition, resolved.round),
            "questionnaire_title": i18n.text(definition.title),
            "organisation": resolved.organisation.name,
            "stakeholder_group": group_label(
                i18n, definition, resolved.round, resolved.invitation.stakeholder_group
            ),
            "multi_use": resolved.invitation.multi_use,
            "consented_at": None,
            "resume_link": None,
            "consent_action": links.path_for(request, "respond.accept", token=token),
            "csrf_token": form_token,
            "entry_language": language,
            "language_links": [
                (option, f"{here}?{urlencode({'lang': option.code})}")
                for option in language_options(definition.languages)
            ],
            "error": error,
            "language_error": language_error,
            "consent_given": consent_given,
        },
        status_code=422 if error or language_error else 200,
        headers={"Cache-Control": "no-store"},
    )
    ENTRY_FORM.attach(request, page, nonce)
    return page


def _resolve(session: Session, token: str) -> tuple[ResolvedInvitation, Definition]:
    try:
        resolved = invitations.resolve_invitation(session, token)
    except RoundNotOpen:
        raise Conflict(NOT_OPEN_MESSAGE) from None
    return resolved, definition_of(session, resolved.round)


@router.get("/r/{token}", name="respond.invitation", dependencies=[LINK_GUARD])
def open_invitation(
    token: str,
    request: Request,
    session: SessionDep,
    lang: Annotated[str | None, Query(max_length=35)] = None,
) -> Response:
    """The invitation's start page. Changes nothing: mail scanners and link previews open
    links too, and must not use up a single-use link or leave empty drafts. In the browser
    that already started with this link, it continues that response."""
    current = _current_response_id(request, session)
    if current is not None and respondent_links.opened_with(session, current, token):
        return redirect(request, "respond.continue")
    resolved, definition = _resolve(session, token)
    return _invitation_page(
        request,
        token,
        resolved,
        definition,
        _page_language(request, definition, lang),
        language_error=_not_offered(definition, lang),
    )


@router.post("/r/{token}", name="respond.accept", dependencies=[LINK_GUARD])
def accept_invitation(
    token: str, request: Request, session: WriterSessionDep, form: csrf.FormDep
) -> Response:
    """Consent on the invitation's start page: the response starts now (counting one use of
    the link), with consent recorded and a browser session; then the start page shows the
    personal link."""
    ENTRY_FORM.verify(request, form)
    settings: Settings = request.app.state.settings
    current = _current_response_id(request, session)
    if current is not None and respondent_links.opened_with(session, current, token):
        return redirect(request, "respond.continue")
    resolved, definition = _resolve(session, token)
    chosen = form.get("language")
    named = chosen if isinstance(chosen, str) else None
    language = _page_language(request, definition, named)
    # a ?lang= on the form's address is refused as on the page that showed it, consent unsaved
    asked = request.query_params.get("lang")
    refused = _not_offered(definition, named) or _not_offered(definition, asked)
    consented = form.get("consent") == "yes"
    if refused is not None or not consented:  # both problems at once, the tick kept
        return _invitation_page(
            request,
            token,
            resolved,
            definition,
            language,
            error=None if consented else CONSENT_MISSING,
            language_error=refused,
            consent_given=consented,
        )
    response = respondent_links.open_invitation(session, token, [language])
    assert response.id is not None
    context = responses.load(session, response.id)
    respondent_links.give_consent(session, context, respondent_links.link_policy(settings))
    cookie = respondent_links.attach_session(
        session, response, session_policy(settings), invitation_id=response.invitation_id
    )
    result = redirect(request, "respond.start")
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
