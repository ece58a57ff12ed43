"""One page per dimension: show it, save it (and go on), autosave it from script.

Every save stores the page on the server; the revision in the form makes a stale tab fail with
a conflict instead of overwriting. Invalid values come back as a 422 page naming the items,
with nothing of the page saved and everything typed shown again (an autosave, whose page
keeps what was typed, stores the valid rest and names the refused items).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app import links
from app.deps import READS_FIRST, SessionDep, commits_at_return, ends_at_return
from app.errors import InvalidInput, NotFound
from app.forms import hidden_number
from app.i18n import N_, Message
from app.problems import SCRIPT_ONLY
from app.services import respondent_links, responses
from app.services.respondent_rules import newly_shown, progress, visible_ids
from app.web import csrf
from app.web.respond.answer_forms import (
    COMMENT_FIELD,
    SHOWN_FIELD,
    anchor,
    item_views,
    parse_page,
    problem_message,
    read_as_grouped,
    text_message,
    typed_values,
)
from app.web.respond.item_html import items_html
from app.web.respond.respondent import (
    FORM_CONTROLS,
    Respondent,
    get_respondent,
    keep_posted,
    redirect,
    render,
    saving_respondent,
)
from app.web.respond.start import later_page
from scoring import AnswerProblem, Item, ItemType, normalise_line_breaks, shorten

router = APIRouter(prefix="/respond/step")

PAGE_FORM = "answers-form"
COMMENT_ANCHOR = "comment"
COMMENT_LABEL = N_("Comment or evidence for this topic (optional)")
NEXT, BACK, LATER, REVIEW, AUTOSAVE = "next", "back", "later", "review", "autosave"
LATE_SAVED = N_(
    "Your session had ended after a long pause, but this page was saved all the same. "
    "To go on, open your personal link again."
)
READ_AS_QUERY = 2000
"""Characters of the ``read_as`` query (item ids of one page)."""
MORE_QUESTIONS = N_("Your answer opened further questions on this page. Please answer them too.")


ACTIONS = frozenset({NEXT, BACK, LATER, REVIEW})
"""What a step page's buttons post as ``action`` (none: an autosave, or Enter in a field)."""
UNKNOWN_FIELD = N_(
    "The form holds a field %(field)s that this page does not have, so nothing was saved. "
    "Please reload the page."
)
FIELD_TWICE = N_(
    "The form holds the field %(field)s more than once, so nothing was saved. "
    "Please reload the page."
)
UNKNOWN_ACTION = N_(
    "The form asks for %(value)s, which none of this page's buttons does, so nothing was "
    "saved. Please reload the page."
)


MANY_VALUES = frozenset({SHOWN_FIELD})
"""Fields a page posts more than once besides multiple-choice answers (one ``shown`` per item)."""


def _multi(item: Item | None) -> bool:
    return item is not None and item.type is ItemType.MULTI_CHOICE


def _refuse_tampered(request: Request, respondent: Respondent, step: int, form: FormData) -> None:
    """Refuse a form this page could not have posted (422 naming the field, what was posted
    listed): a field of no item of the page, a single answer sent twice (else the last would
    silently win), an ``action`` no button has."""
    definition = respondent.context.definition
    items = {item.id: item for item in definition.items_of(_dimension(respondent, step))}
    problem: Message | None = None
    field = ""
    for name in dict.fromkeys(form.keys()):
        field = name
        item = items.get(name)
        if item is None and name not in FORM_CONTROLS and name != COMMENT_FIELD:
            problem = Message(UNKNOWN_FIELD, field=shorten(name))
        elif name not in MANY_VALUES and len(form.getlist(name)) > 1 and not _multi(item):
            problem = Message(FIELD_TWICE, field=shorten(name))
        if problem is not None:
            break
    action = form.get("action")
    if problem is None and action is not None and action not in ACTIONS:
        field, problem = "action", Message(UNKNOWN_ACTION, value=shorten(str(action)))
    if problem is not None:
        keep_posted(request, form)
        raise InvalidInput(problem, field=field)


def _dimension(respondent: Respondent, step: int) -> str:
    dimensions = respondent.context.definition.dimensions
    if not 1 <= step <= len(dimensions):
        raise NotFound(Message(N_("This page does not exist.")))
    return dimensions[step - 1].id


def revision_of(form: FormData) -> int:
    """The draft's revision the form carried (:func:`app.forms.hidden_number`); missing, the
    form is incomplete."""
    revision = hidden_number(str(form.get("revision") or ""), "revision")
    if revision is None:
        incomplete = Message(N_("The form is incomplete. Please reload the page."))
        raise InvalidInput(incomplete, field="revision")
    return revision


def step_page(
    request: Request,
    respondent: Respondent,
    step: int,
    *,
    errors: dict[str, AnswerProblem] | None = None,
    comment_problem: AnswerProblem | None = None,
    typed: FormData | None = None,
    notice: str | None = None,
    read_as: Collection[str] = (),
    status_code: int = 200,
) -> HTMLResponse:
    """The page; after a refused save, ``typed`` (the posted form) fills the refused fields
    with what was typed, so nothing the respondent wrote disappears with the error."""
    context = respondent.context
    definition, response, i18n = context.definition, context.response, respondent.i18n
    dimension_id = _dimension(respondent, step)
    dimension = definition.dimension(dimension_id)
    shown = dict(response.answers)
    if typed is not None:  # the refused page as it was sent: nothing of it was saved
        posted, _comment = parse_page(definition, dimension_id, typed, i18n.language)
        for item_id, value in posted.items():
            if errors and item_id in errors:
                continue
            if value is None:
                shown.pop(item_id, None)
            else:
                shown[item_id] = value
    items = item_views(
        definition,
        definition.items_of(dimension_id),
        shown,
        i18n,
        errors,
        typed_values(definition, dimension_id, typed) if typed is not None else None,
        read_as,
    )
    comment = response.comments.get(dimension_id, "")
    posted_comment = typed.get(COMMENT_FIELD) if typed is not None else None
    if isinstance(posted_comment, str):
        comment = normalise_line_breaks(posted_comment)
    done = progress(definition, response.answers)
    read_only = context.submitted or not context.open
    comment_error = _comment_error(respondent, comment_problem)
    summary = [(item.anchor, f"{item.text}: {item.error}") for item in items if item.error]
    if comment_error:
        summary.append((COMMENT_ANCHOR, f"{i18n.gettext(COMMENT_LABEL)}: {comment_error}"))
    return render(
        request,
        respondent,
        "respond/step.html",
        {
            "step": step,
            "steps": len(definition.dimensions),
            "dimension_title": i18n.text(dimension.title),
            "dimension_description": i18n.text(dimension.description),
            "items_html": items_html(definition, items, i18n, disabled=read_only),
            "any_required": any(item.required for item in items),
            "comment": comment,
            "comment_error": comment_error,
            "comment_max_length": responses.MAX_COMMENT_LENGTH,
            "progress": done,
            "errors": bool(summary),
            "errors_for_summary": summary,
            "notice": notice,
            "form_id": PAGE_FORM,
            "read_only": read_only,
            "is_open": context.open,
        },
        status_code=status_code,
        page_form=None if read_only else PAGE_FORM,
    )


def _comment_error(respondent: Respondent, problem: AnswerProblem | None) -> str | None:
    if problem is None:
        return None
    return text_message(respondent.i18n, problem.code, responses.MAX_COMMENT_LENGTH, comment=True)


@router.get("/{step}", response_class=HTMLResponse, name="respond.step")
@ends_at_return
def show_step(
    step: int,
    request: Request,
    session: SessionDep,
    more: int = 0,
    read_as: Annotated[str, Query(max_length=READ_AS_QUERY)] = "",
) -> Response:
    """The page; ``read_as`` (item ids, comma-separated) names number items just saved from
    text another language would read otherwise: each gets the note "read as 1,5". The
    respondent is looked up here, in the route's one worker thread."""
    respondent = get_respondent(request, session)
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    if respondent.context.response.consented_at is None:
        return redirect(request, "respond.start")
    notice = MORE_QUESTIONS if more else None
    return step_page(request, respondent, step, notice=notice, read_as=read_as.split(","))


def _save(
    request: Request,
    respondent: Respondent,
    form: FormData,
    session: Session,
    step: int,
    action: str,
) -> tuple[responses.Saved, list[str], int]:
    """Save the page; returns the outcome, newly shown items and the step to go to."""
    request.state.reload_url = links.path_for(request, "respond.step", step=step)
    _refuse_tampered(request, respondent, step, form)
    context = respondent.context
    steps = len(context.definition.dimensions)
    dimension_id = _dimension(respondent, step)
    answers, comment = parse_page(context.definition, dimension_id, form, respondent.i18n.language)
    opened = (
        newly_shown(context.definition, context.response.answers, answers, dimension_id)
        if action in (NEXT, REVIEW)
        else []
    )
    target = (
        step if opened else {NEXT: step + 1, BACK: step - 1, REVIEW: steps + 1}.get(action, step)
    )
    try:
        saved = responses.save_page(
            session,
            context,
            revision_of(form),
            answers,
            comment,
            dimension_id=dimension_id,
            step=min(max(1, target), steps + 1),
            whole_page=action != AUTOSAVE,
        )
    except responses.StaleRevision:  # the conflict page lists what was posted, to copy
        keep_posted(request, form)
        raise
    return saved, opened, target


@router.post(
    "/{step}", response_class=HTMLResponse, name="respond.step.save", dependencies=[READS_FIRST]
)
@commits_at_return
def save_step(step: int, request: Request, form: csrf.FormDep, session: SessionDep) -> Response:
    """Save the page, then go where the pressed button says (PRG: a redirect after saving).

    Posted after the session's idle limit, the page is saved all the same, and the answer
    says so without showing anything stored (:func:`late_save_page`). Reads, parses and
    checks without a lock; the save is one short compare-and-set on the revision. The
    respondent and the CSRF token are checked here, in the route's one worker thread.
    """
    respondent = saving_respondent(request, session, form)
    if respondent.context.submitted:
        return redirect(request, "respond.result")
    if respondent.late:
        saved, _opened, _target = _save(request, respondent, form, session, step, AUTOSAVE)
        return late_save_page(request, respondent, step, saved, form)
    steps = len(respondent.context.definition.dimensions)
    action = str(form.get("action") or NEXT)
    language = form.get("switch_language")
    if isinstance(language, str) and language:
        try:  # refused before anything is saved; the error page lists what was posted
            respondent_links.check_offered(respondent.context.definition, language)
        except InvalidInput:
            keep_posted(request, form)
            raise
    saved, opened, target = _save(request, respondent, form, session, step, action)
    if saved.problems or saved.comment_problem:
        return step_page(
            request,
            respondent,
            step,
            errors=saved.problems,
            comment_problem=saved.comment_problem,
            typed=form,
            status_code=422,
        )
    if isinstance(language, str) and language:
        respondent_links.choose_language(
            session, respondent.context, respondent.web_session, language
        )
        return redirect(request, "respond.step", step=step)
    if action == LATER:
        policy = respondent_links.link_policy(request.app.state.settings)
        token = respondent_links.personal_link(session, respondent.context.response, policy)
        return later_page(request, respondent, token)
    page_items = respondent.context.definition.items_of(_dimension(respondent, step))
    grouped = read_as_grouped(page_items, form, respondent.i18n.language)
    if opened or grouped:  # the same page again: new questions, or how a number was read
        query = {"more": "1"} if opened else {}
        if grouped:
            query["read_as"] = ",".join(grouped)
        return redirect(
            request, "respond.step", step=step, _query=query, _anchor=anchor((opened or grouped)[0])
        )
    if target < 1:
        return redirect(request, "respond.start")
    if target > steps:
        return redirect(request, "respond.review")
    return redirect(request, "respond.step", step=target)


def _refusals(respondent: Respondent, saved: responses.Saved) -> list[tuple[str, str]]:
    """What of a save was refused: (field name, "Staff?: Please enter ...") per field."""
    definition, i18n = respondent.context.definition, respondent.i18n
    refused = [
        (
            item.id,
            f"{i18n.text(item.text)}: "
            f"{problem_message(definition, item, i18n, saved.problems[item.id].code)}",
        )
        for item in definition.items
        if item.id in saved.problems
    ]
    comment_error = _comment_error(respondent, saved.comment_problem)
    if comment_error:
        refused.append((COMMENT_FIELD, f"{i18n.gettext(COMMENT_LABEL)}: {comment_error}"))
    return refused


def late_save_page(
    request: Request, respondent: Respondent, step: int, saved: responses.Saved, form: FormData
) -> HTMLResponse:
    """After a save in a session past its idle limit: what was saved and what was not (with
    what was typed for it), and how to go on. Nothing stored is shown: the session has ended."""
    typed = typed_values(respondent.context.definition, _dimension(respondent, step), form)
    comment = form.get(COMMENT_FIELD)
    typed[COMMENT_FIELD] = normalise_line_breaks(comment) if isinstance(comment, str) else ""
    refused = [(message, typed.get(name, "")) for name, message in _refusals(respondent, saved)]
    # no language switch either: it would need a session that has not ended
    context = {"refused": refused, "languages": []}
    return render(request, respondent, "respond/saved_late.html", context)


@router.post(
    "/{step}/autosave",
    name="respond.step.autosave",
    tags=[SCRIPT_ONLY],
    dependencies=[READS_FIRST],
)
@commits_at_return
def autosave_step(
    step: int, request: Request, form: csrf.FormDep, session: SessionDep
) -> JSONResponse:
    """Script autosave: the same save as the form, answered in JSON (revision, visibility).

    Refusals (stale 409, closed 410, no session 401, CSRF 403, a server error 500, ...) are
    problem+json from the one error mapping, whatever the request accepts (the route is
    tagged :data:`~app.problems.SCRIPT_ONLY`). After the idle limit the save is stored all the
    same and the answer says ``"session_ended": true``, without visibility or progress (they
    would show stored answers to a session that has ended).
    """
    respondent = saving_respondent(request, session, form)
    saved, _opened, _target = _save(request, respondent, form, session, step, AUTOSAVE)
    context, i18n = respondent.context, respondent.i18n
    messages = [message for _name, message in _refusals(respondent, saved)]
    invalid = bool(saved.problems or saved.comment_problem)
    body: dict[str, object] = {
        "status": "invalid" if invalid else "saved",
        "message": " ".join(messages),
        "revision": saved.revision,
        "problems": {item_id: p.message for item_id, p in saved.problems.items()},
        "session_ended": respondent.late,
    }
    if respondent.late:
        body["message"] = " ".join([i18n.gettext(LATE_SAVED), *messages])
    else:
        done = progress(context.definition, context.response.answers)
        body |= {
            "visible": sorted(visible_ids(context.definition, context.response.answers)),
            "answered": done.answered,
            "total": done.total,
            "progress_text": i18n.ngettext(
                "%(answered)s of %(num)s question answered",
                "%(answered)s of %(num)s questions answered",
                done.total,
            )
            % {"answered": done.answered, "num": done.total},
        }
    return JSONResponse(
        body, status_code=422 if invalid else 200, headers={"Cache-Control": "no-store"}
    )
