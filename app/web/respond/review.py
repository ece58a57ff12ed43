"""Checking all answers before submitting, and the submission itself."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app import links
from app.deps import READS_FIRST, SessionDep, commits_at_return, ends_at_return
from app.errors import InvalidAnswers
from app.i18n import N_, Localizer, Message
from app.services import responses
from app.services.respondent_rules import progress, visible_ids
from app.web import csrf
from app.web.respond.answer_forms import ItemView, item_views
from app.web.respond.respondent import (
    Respondent,
    get_respondent,
    get_submitting_respondent,
    redirect,
    render,
)
from app.web.respond.steps import revision_of

router = APIRouter(prefix="/respond")

CONFIRM_MISSING = N_("Please confirm that you want to submit your answers now.")


@dataclass(frozen=True)
class Section:
    step: int
    title: str
    items: list[ItemView]
    comment: str


def answer_sections(context: responses.Context, i18n: Localizer) -> list[Section]:
    """All answers per dimension, in the order of the pages."""
    definition, response = context.definition, context.response
    visible = visible_ids(definition, response.answers)
    return [
        Section(
            step=index,
            title=i18n.text(dimension.title),
            items=item_views(
                definition,
                definition.items_of(dimension.id),
                response.answers,
                i18n,
                visible=visible,
            ),
            comment=response.comments.get(dimension.id, ""),
        )
        for index, dimension in enumerate(definition.dimensions, start=1)
    ]


def review_page(
    request: Request,
    respondent: Respondent,
    *,
    error: Message | str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = respondent.context
    sections = answer_sections(context, respondent.i18n)
    missing_ids = responses.missing_required(context.definition, dict(context.response.answers))
    missing = [
        (f"missing-{item.anchor}", f"{section.title}: {item.text}")
        for section in sections
        for item in section.items
        if item.id in missing_ids and item.visible
    ]
    return render(
        request,
        respondent,
        "respond/review.html",
        {
            "sections": sections,
            "missing": missing,
            "progress": progress(context.definition, context.response.answers),
            "error": error,
            "steps": len(context.definition.dimensions),
            "is_open": context.open,
        },
        status_code=status_code,
    )


@router.get("/review", response_class=HTMLResponse, name="respond.review")
@ends_at_return
def show_review(request: Request, session: SessionDep) -> Response:
    """The answers to check before submitting; the respondent looked up in the route's one
    worker thread."""
    respondent = get_respondent(request, session)
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    if respondent.context.response.consented_at is None:
        return redirect(request, "respond.start")
    return review_page(request, respondent)


@router.post(
    "/submit", response_class=HTMLResponse, name="respond.submit", dependencies=[READS_FIRST]
)
@commits_at_return
def submit(request: Request, form: csrf.FormDep, session: SessionDep) -> Response:
    """Submit after confirmation; a second submission just shows the result.

    Reads, checks and scores without a lock; the submission is one short write that checks
    the revision (missing answers are refused before anything is written). The respondent
    is looked up in the route's one worker thread."""
    respondent = get_submitting_respondent(request, session)
    csrf.verify(request, respondent.web_session, form)
    request.state.reload_url = links.path_for(request, "respond.review")
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    if form.get("confirm") != "yes":
        return review_page(request, respondent, error=CONFIRM_MISSING, status_code=422)
    try:
        responses.submit(session, respondent.context, revision_of(form))
    except InvalidAnswers as exc:
        return review_page(request, respondent, error=exc.message, status_code=422)
    return redirect(request, "respond.result")
