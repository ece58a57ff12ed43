"""The start page (what, who, how long, data protection, consent), the language switch and the
personal link: shown after consent and on "save and continue later" (the same link each time),
replaced on request when it may have leaked."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app import links
from app.deps import SessionDep
from app.i18n import N_, Localizer, language_name
from app.models import Round
from app.services import respondent_links, rounds
from app.services.rounds import RoundState, notice_for, round_state
from app.web.respond.respondent import (
    CheckedFormDep,
    Respondent,
    RespondentDep,
    redirect,
    render,
    resume_link,
    see_other,
)
from scoring import Definition

router = APIRouter(prefix="/respond")

CONSENT_MISSING = N_("Please confirm that you have read the data protection notice.")


def _notice_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _notice(i18n: Localizer, definition: Definition, round_: Round) -> dict[str, Any]:
    """The round's notice in the page language, else in the questionnaire's default language
    with ``notice_language`` naming it (the page says so)."""
    notice = notice_for(round_, i18n.language, definition.default_language)
    return {
        "notice": _notice_paragraphs(notice.text),
        "notice_language": language_name(notice.language, i18n.language)
        if notice.fallback
        else None,
        "notice_lang": notice.language,
    }


def group_label(i18n: Localizer, definition: Definition, round_: Round, key: str | None) -> str:
    """A stakeholder group's label in the page language (see
    :func:`app.services.rounds.group_label`)."""
    return rounds.group_label(round_, key, i18n.language, definition.default_language, i18n.gettext)


def about_round(
    request: Request, i18n: Localizer, definition: Definition, round_: Round
) -> dict[str, Any]:
    """What the start page tells before consent: the questionnaire, the effort, the notice.

    Shared by the invitation link's page (no response exists yet) and the start page of a
    draft, so both read the same.
    """
    return {
        "description": i18n.text(definition.description),
        "minutes": definition.estimated_minutes,
        "steps": len(definition.dimensions),
        "round_name": round_.name,
        **_notice(i18n, definition, round_),
        "link_days": request.app.state.settings.personal_link_days,
        "is_open": round_state(round_) is RoundState.OPEN,
    }


def _start_page(
    request: Request, respondent: Respondent, *, error: str | None = None
) -> HTMLResponse:
    context = respondent.context
    policy = respondent_links.link_policy(request.app.state.settings)
    token = (
        respondent_links.current_personal_link(context.response, policy)
        if context.response.consented_at is not None
        else None
    )
    return render(
        request,
        respondent,
        "respond/start.html",
        {
            **about_round(request, respondent.i18n, context.definition, context.round),
            "stakeholder_group": group_label(
                respondent.i18n,
                context.definition,
                context.round,
                context.response.stakeholder_group,
            ),
            "consented_at": respondent.i18n.moment(
                context.response.consented_at, day_only=context.round.anonymous
            ),
            "resume_link": resume_link(request, token) if token else None,
            "consent_action": links.path_for(request, "respond.consent"),
            "error": error,
            "language_error": None,  # a language is refused on the invitation's page only
        },
        status_code=422 if error else 200,
    )


@router.get("/start", response_class=HTMLResponse, name="respond.start")
def start_page(request: Request, respondent: RespondentDep) -> Response:
    """Before consent: what this is and the consent form; after it: the personal link and a
    button to begin; after submitting: the result (the back button lands here). Changes
    nothing."""
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    return _start_page(request, respondent)


@router.post("/start", response_class=HTMLResponse, name="respond.consent")
def give_consent(
    request: Request, respondent: RespondentDep, form: CheckedFormDep, session: SessionDep
) -> Response:
    """Record consent to a draft that has none yet (drafts started before the invitation link
    asked for consent itself), then show the start page with the personal link."""
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    if form.get("consent") != "yes":
        return _start_page(request, respondent, error=CONSENT_MISSING)
    policy = respondent_links.link_policy(request.app.state.settings)
    respondent_links.give_consent(session, respondent.context, policy)
    return redirect(request, "respond.start")


@router.post("/language", name="respond.language")
def switch_language(
    request: Request, respondent: RespondentDep, form: CheckedFormDep, session: SessionDep
) -> Response:
    """Show every page in another language from now on (answers are unaffected)."""
    language = str(form.get("switch_language") or "")
    respondent_links.choose_language(session, respondent.context, respondent.web_session, language)
    target = str(form.get("next") or "")
    if target in _pages(request, respondent):
        return see_other(target)
    return redirect(request, "respond.continue")


@router.post("/resume-link", response_class=HTMLResponse, name="respond.new_resume_link")
def new_resume_link(
    request: Request, respondent: RespondentDep, form: CheckedFormDep, session: SessionDep
) -> Response:
    """A new personal link: the old one and the sessions opened with it stop working (this
    browser's session stays)."""
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    policy = respondent_links.link_policy(request.app.state.settings)
    token = respondent_links.replace_personal_link(
        session, respondent.context.response, policy, keep=respondent.web_session
    )
    return later_page(request, respondent, token, replaced=True)


def later_page(
    request: Request, respondent: Respondent, token: str, *, replaced: bool = False
) -> HTMLResponse:
    return render(
        request,
        respondent,
        "respond/later.html",
        {
            "resume_link": resume_link(request, token),
            "link_days": request.app.state.settings.personal_link_days,
            "replaced": replaced,
        },
    )


def _pages(request: Request, respondent: Respondent) -> set[str]:
    """The pages the language switch may return to (it is told by the form, so untrusted:
    anything else goes to wherever the respondent left off, never to another site)."""
    steps = range(1, len(respondent.context.definition.dimensions) + 1)
    names = ("respond.continue", "respond.start", "respond.review", "respond.result")
    return {links.path_for(request, name) for name in names} | {
        links.path_for(request, "respond.step", step=step) for step in steps
    }
