"""Responses through the API: create (a draft, or complete with ``submit: true``), read, list,
replace (PUT) or amend (PATCH) a draft at the revision named in ``If-Match``, submit.

Reading and writing responses both need ``responses:write``: the tool that sends answers reads
them back; a dashboard that only reads results (``results:read``) never sees answers.
Creation and submission take an ``Idempotency-Key``. The body schemas forbid fields a client
must not set (status, revision, times): an unknown field is a 422.

The writing routes read first (:data:`app.deps.READS_FIRST`): the idempotency key, the round,
the checks and the scores need no lock, and the write is one short transaction that checks
the revision (a new response has none to check).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app import limits
from app.api.auth import Authenticated, Caller, ResponsesWriter, counts_in_its_write
from app.api.json_body import BoundedJsonRoute
from app.api.pagination import Page, PageDep
from app.api.problem_docs import (
    ETAG_HEADER,
    LOCATION_HEADER,
    PROBLEM_RESPONSES,
    REPLAYED_HEADER,
    TOKEN_RESPONSES,
    problem,
)
from app.api.v1.response_schemas import (
    BODY_PROBLEMS,
    CHANGE_RESPONSES,
    CLOSED,
    WRITTEN,
    AnswersChange,
    IdempotencyKey,
    IfMatch,
    IsoMoment,
    PublicId,
    ResponseCreate,
    ResponseOut,
    RoundId,
)
from app.deps import READS_FIRST, SessionDep, commits_at_return
from app.errors import InvalidAnswers, PreconditionRequired, RevisionMismatch, choice
from app.links import path_with_id
from app.models import ResponseStatus
from app.services import directory, idempotency, response_intake, rounds
from app.services.response_intake import Written
from app.stakeholder_groups import KEY_PATTERN

router = APIRouter(
    tags=["responses"],
    dependencies=[Authenticated],
    responses={**PROBLEM_RESPONSES, **TOKEN_RESPONSES},
    route_class=BoundedJsonRoute,
)


def _answer(request: Request, written: Written, status: int = 200) -> JSONResponse:
    """The JSON answer for a response: its body, ``ETag`` (the revision), ``Cache-Control`` and,
    for a creation (201), ``Location``."""
    return _sent(request, ResponseOut.of(written).model_dump(mode="json"), status)


def _sent(
    request: Request, body: dict[str, Any], status: int, replayed: bool = False
) -> JSONResponse:
    """``body`` with the headers it implies; a replay of a remembered answer is built here too,
    so it has the same status and headers as the first one (plus ``Idempotent-Replayed``)."""
    headers = {"ETag": _etag(body["revision"]), "Cache-Control": "no-store"}
    if status == 201:
        headers["Location"] = path_with_id(request, "get_response", public_id=body["id"])
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


def _etag(revision: int) -> str:
    return f'"{revision}"'


def _required_revision(if_match: str | None, current: int) -> int:
    """The revision ``If-Match`` names; missing is 428, quoting the draft's ``current``
    revision as its ETag gives it."""
    if if_match is None:
        raise PreconditionRequired(
            "changing a draft needs If-Match with its revision, as its ETag gives it "
            f"(now {_etag(current)})",
            current_revision=current,
        )
    return _revision(if_match)


def _revision(if_match: str) -> int:
    """The revision ``If-Match`` names; one that names none is 412."""
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or not limits.is_id(int(tag)):
        raise RevisionMismatch(f"If-Match {if_match!r} names no revision of this response")
    return int(tag)


def _replayed(
    request: Request, session: Session, caller: Caller, key: str | None, fingerprint: str
) -> JSONResponse | idempotency.Recalled:
    """The first answer to this ``Idempotency-Key``, as first sent, if the token sent it before
    (a key kept before answers were stored: rebuilt from the response as it is now); else
    what :func:`_kept` needs to know of the key."""
    if key is None:
        return idempotency.Recalled(None)
    retention = timedelta(hours=request.app.state.settings.idempotency_key_hours)
    recalled = idempotency.recall(session, caller.token_id, key, fingerprint, retention)
    first = recalled.first
    if first is None:
        return recalled
    body = first.body
    if body is None:
        again = response_intake.reread(session, first.response_id)
        body = ResponseOut.of(again).model_dump(mode="json")
    return _sent(request, body, first.status_code, replayed=True)


def _kept(
    request: Request,
    session: Session,
    caller: Caller,
    key: str | None,
    fingerprint: str,
    recalled: idempotency.Recalled,
    written: Written,
    status: int,
) -> JSONResponse:
    """The answer, remembered with this ``Idempotency-Key`` (and the response's recorded
    time) when there is one (``recalled``: what :func:`_replayed` found of it)."""
    body = ResponseOut.of(written).model_dump(mode="json")
    if key is not None:
        response = written.response
        assert response.id is not None
        idempotency.remember(
            session,
            caller.token_id,
            key,
            fingerprint,
            response.id,
            status,
            body,
            at=response.updated_at,
            retention=timedelta(hours=request.app.state.settings.idempotency_key_hours),
            expired_id=recalled.expired_id,
        )
    return _sent(request, body, status)


@router.post(
    "/rounds/{round_id}/responses",
    status_code=201,
    dependencies=[READS_FIRST],
    response_model=ResponseOut,
    summary="Create a response (a draft, or complete with submit: true)",
    responses={
        201: {
            "description": "Created; Location names it, ETag its revision",
            "headers": {**LOCATION_HEADER, **ETAG_HEADER, **REPLAYED_HEADER},
        },
        **BODY_PROBLEMS,
        409: CLOSED,
    },
)
@counts_in_its_write
@commits_at_return
def create_response(
    round_id: RoundId,
    payload: ResponseCreate,
    request: Request,
    caller: ResponsesWriter,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    fingerprint = idempotency.fingerprint("POST", request.url.path, payload.model_dump(mode="json"))
    recalled = _replayed(request, session, caller, idempotency_key, fingerprint)
    if isinstance(recalled, JSONResponse):
        return recalled
    written = response_intake.create(
        session,
        directory.placement(session, caller.project_id, round_id, payload.organisation_id),
        language=payload.language,
        answers=payload.answers,
        stakeholder_group=payload.stakeholder_group,
        consent=payload.consent,
        submit=payload.submit,
        token_id=caller.token_id,
    )
    return _kept(request, session, caller, idempotency_key, fingerprint, recalled, written, 201)


@router.get(
    "/rounds/{round_id}/responses",
    response_model=Page[ResponseOut],
    summary="A round's responses",
)
def list_responses(
    round_id: RoundId,
    caller: ResponsesWriter,
    session: SessionDep,
    page: PageDep,
    organisation_id: Annotated[int | None, Query(ge=1, le=limits.INT_MAX)] = None,
    stakeholder_group: Annotated[str | None, Query(max_length=100, pattern=KEY_PATTERN)] = None,
    status: ResponseStatus | None = None,
    updated_since: Annotated[
        IsoMoment | None,
        Query(
            description="ISO 8601 with offset, e.g. 2027-01-31T00:00:00Z; a moment before the "
            "year 2000 lists every response, one after 2999 none"
        ),
    ] = None,
) -> Page[ResponseOut]:
    round_ = directory.round_(session, caller.project_id, round_id)
    if organisation_id is not None:
        wanted = organisation_id
        choice(
            "organisation_id", lambda: directory.organisation(session, round_.project_id, wanted)
        )
    # a group the round does not have is refused (422 naming it and the round's groups), not
    # taken as a filter that matches nobody, as the facilitator's filters refuse it
    rounds.checked_group(round_, stakeholder_group)
    found = response_intake.page_responses(
        session,
        round_,
        page.limit,
        page.offset,
        organisation_id=organisation_id,
        stakeholder_group=stakeholder_group,
        status=status,
        updated_since=updated_since,
    )
    return page.of(found.map(ResponseOut.of))


@router.get(
    "/responses/{public_id}",
    response_model=ResponseOut,
    summary="One response",
    responses=WRITTEN,
)
def get_response(
    public_id: PublicId, request: Request, caller: ResponsesWriter, session: SessionDep
) -> JSONResponse:
    context = response_intake.find(session, caller.project_id, public_id)
    return _answer(request, response_intake.written(context.response, context.definition))


def _change(
    public_id: str,
    payload: AnswersChange,
    request: Request,
    caller: ResponsesWriter,
    session: SessionDep,
    if_match: str | None,
    *,
    whole: bool,
) -> JSONResponse:
    context = response_intake.find(session, caller.project_id, public_id)
    response_intake.changeable(context)  # what no If-Match mends comes before asking for it
    revision = _required_revision(if_match, context.response.revision)
    changed = response_intake.change(session, context, revision, payload.answers, whole=whole)
    return _answer(request, changed)


@router.put(
    "/responses/{public_id}",
    dependencies=[READS_FIRST],
    response_model=ResponseOut,
    summary="Replace a draft's answers",
    responses=CHANGE_RESPONSES,
)
@commits_at_return
def replace_answers(
    public_id: PublicId,
    payload: AnswersChange,
    request: Request,
    caller: ResponsesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    return _change(public_id, payload, request, caller, session, if_match, whole=True)


@router.patch(
    "/responses/{public_id}",
    dependencies=[READS_FIRST],
    response_model=ResponseOut,
    summary="Amend a draft's answers (null removes one)",
    responses=CHANGE_RESPONSES,
)
@commits_at_return
def amend_answers(
    public_id: PublicId,
    payload: AnswersChange,
    request: Request,
    caller: ResponsesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    return _change(public_id, payload, request, caller, session, if_match, whole=False)


@router.post(
    "/responses/{public_id}/submit",
    dependencies=[READS_FIRST],
    response_model=ResponseOut,
    summary="Submit a draft (its scores are stored with it)",
    responses={
        **WRITTEN,
        409: CHANGE_RESPONSES[409],
        412: CHANGE_RESPONSES[412],
        422: problem(
            "Required answers are missing; `errors` lists each item and what it allows",
            InvalidAnswers,
            {"errors": [{"item_id": "leadership.mandate", "code": "required"}]},
        ),
    },
)
@commits_at_return
def submit_response(
    public_id: PublicId,
    request: Request,
    caller: ResponsesWriter,
    session: SessionDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    revision = None if if_match is None else _revision(if_match)
    fingerprint = idempotency.fingerprint("POST", request.url.path, {"if_match": revision})
    recalled = _replayed(request, session, caller, idempotency_key, fingerprint)
    if isinstance(recalled, JSONResponse):
        return recalled
    context = response_intake.find(session, caller.project_id, public_id)
    written = response_intake.submit(session, context, revision)
    return _kept(request, session, caller, idempotency_key, fingerprint, recalled, written, 200)
