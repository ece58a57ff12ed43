"""Responses that other tools send whole, through the API: create a draft or a complete
response, replace or amend a draft at a known revision, submit it, find and list them.

It is the respondent pages' path (:mod:`app.services.responses`) with the API's rules on top:
answers arrive whole and are all-or-nothing (one invalid answer refuses the request, and the
problems name each item and what it allows, as the scoring library lists them); a change
names the revision it replaces (a stale one is :class:`~app.errors.RevisionMismatch`, nothing
written); a round that does not accept answers is :class:`RoundNotAccepting` with its dates.
Answers to items that ``show_if`` hides are stored and reported as not counted, never dropped.
Submission, its scores and its audit event are the pages' own :func:`responses.submit`.

Consent, as on the pages: a response exists only once the respondent accepted the round's
privacy notice, so creating one (draft or complete) needs ``consent: true`` and records the
notice version and time; a draft without consent (one the pages began before they asked for
it) cannot be changed or submitted here until the respondent consents on their start page.
Storing answers is itself processing them, so a draft without consent is not offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import limits, times
from app.db import begin_write
from app.errors import (
    NO_RESPONSE_ID,
    NOT_OFFERED_IN,
    Conflict,
    InvalidAnswers,
    InvalidInput,
    NotFound,
    RevisionMismatch,
)
from app.i18n import N_, Message
from app.models import Response, ResponseStatus, Round
from app.services import audit, questionnaires, responses, rounds
from app.services.directory import Placement
from app.services.paging import Slice, page_of
from app.services.responses import Context, StaleRevision
from app.services.rounds import RoundState, round_state
from app.settings import get_settings
from scoring import (
    AnswerProblem,
    Definition,
    Profile,
    canonical_answers,
    problems_to_dicts,
    score_response,
    shorten,
    validate_answers,
)

TOO_MANY_ANSWERS = N_(
    "%(count)s answers, at most %(most)s allowed (the questionnaire has %(items)s questions)"
)
NOT_IN_ROUNDS_PROJECT = N_("organisation %(organisation)s is not part of round %(round)s's project")
SUBMITTED_UNCHANGEABLE = N_("this response has been submitted and can no longer be changed")

MAX_ANSWERS = 1000
"""Answers one request may carry at most (and never more than the questionnaire has items)."""
API_ACTOR = "api-token:{}"


class StartedOnPages(Conflict):
    """A draft a respondent started on the pages (through an invitation link): the API may
    read it but never change or submit it, whichever token of the project asks. Only drafts
    the API started (``Response.created_by_api``) are the API's to change."""

    type_slug = "started-on-pages"

    def __init__(self, public_id: str) -> None:
        super().__init__(
            f"response {public_id} was started on the respondent pages: only its respondent "
            "can change or submit it; the API changes the drafts it started",
            response_id=public_id,
        )


class RoundNotAccepting(Conflict):
    """The round is closed or not yet open; its dates say when it accepts answers."""

    type_slug = "round-not-accepting"

    def __init__(self, round_: Round, state: RoundState) -> None:
        when = {
            "opens_at": _iso(round_.opens_at),
            "closes_at": _iso(round_.closes_at),
            "closed_at": _iso(round_.closed_at),
        }
        shown = ", ".join(f"{key} {value}" for key, value in when.items() if value)
        verb = "is closed" if state is RoundState.CLOSED else "is not open yet"
        super().__init__(
            f"round {round_.id} {verb}" + (f" ({shown})" if shown else ""), state=state, **when
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


CONSENT_NEEDED = (
    "consent must be true: a response is stored only once the respondent has accepted the "
    "round's privacy notice (its version and the time are recorded)"
)
NO_CONSENT_YET = (
    "consent: the respondent has not accepted the round's privacy notice for this draft, so "
    "it cannot be changed or submitted; they accept it on their start page (their link)"
)


def consent_required(consent: bool) -> None:
    """Refuse a creation without consent: :class:`InvalidInput` naming ``consent`` and the one
    value it allows (the pages likewise create a response only on consent)."""
    if consent is not True:
        raise InvalidInput(CONSENT_NEEDED, field="consent", allowed=[True])


def _consented(response: Response) -> None:
    if response.consented_at is None or response.consent_version is None:
        raise InvalidInput(NO_CONSENT_YET, field="consent", allowed=[True])


@dataclass(frozen=True)
class Written:
    """A response as stored, with the answers that count for nothing (hidden by ``show_if``)."""

    response: Response
    not_counted: tuple[str, ...]


def accepting(round_: Round) -> None:
    state = round_state(round_)
    if state is not RoundState.OPEN:
        raise RoundNotAccepting(round_, state)


def checked_answers(
    definition: Definition, answers: Mapping[str, Any], *, complete: bool
) -> tuple[str, ...]:
    """Refuse answers with any error (:class:`InvalidAnswers`, ``errors`` lists each problem:
    item id, code, message, allowed values); return the ids of hidden, kept answers."""
    most = min(MAX_ANSWERS, len(definition.items))
    if len(answers) > most:
        raise InvalidInput(
            Message(TOO_MANY_ANSWERS, count=len(answers), most=most, items=len(definition.items)),
            field="answers",
        )
    found = validate_answers(definition, answers, complete=complete)
    errors = [problem for problem in found if problem.severity == "error"]
    if errors:
        raise InvalidAnswers(_summary(errors), errors=problems_to_dicts(errors))
    return tuple(problem.item_id for problem in found if problem.code == "hidden")


def _summary(problems: list[AnswerProblem]) -> str:
    first = problems[0]
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return f"{len(problems)} answer problem(s): {first.item_id}: {first.message}{more}"


def create(
    session: Session,
    placement: Placement,
    *,
    language: str,
    answers: dict[str, Any],
    stakeholder_group: str | None = None,
    consent: bool,
    submit: bool = False,
    token_id: int,
) -> Written:
    """A new draft of the placement's organisation in its round (submitted at once with
    ``submit``).

    ``consent`` says that the respondent accepted the round's current privacy notice; it must
    be true (else :class:`InvalidInput` with ``field`` "consent"), and its version and time
    (in anonymous rounds only the day) are recorded. Everything is checked (and a complete
    response scored) before the write begins (:func:`app.db.begin_write`), which then only
    inserts (plain INSERTs). Does not commit.
    """
    round_, organisation = placement.round, placement.organisation
    if organisation.project_id != round_.project_id:
        raise InvalidInput(
            Message(NOT_IN_ROUNDS_PROJECT, organisation=str(organisation.id), round=str(round_.id)),
            field="organisation_id",
        )
    consent_required(consent)
    accepting(round_)
    definition = questionnaires.definition_of(placement.version)
    offered_language(definition, language)
    stakeholder_group = rounds.checked_group(round_, stakeholder_group)
    answers = canonical_answers(definition, answers)
    not_counted = checked_answers(definition, answers, complete=submit)
    now = responses.recorded_time(round_)
    assert round_.id is not None
    assert organisation.id is not None
    row = Response(
        round_id=round_.id,
        organisation_id=organisation.id,
        stakeholder_group=stakeholder_group or None,
        language=language,
        answers=dict(answers),
        consent_version=round_.notice_version,
        consented_at=now,
        created_at=now,
        updated_at=now,
        created_by_api=True,
    )
    context = Context(row, round_, organisation, placement.project, definition)
    # checked_answers refused every problem a submission can have (complete=submit: missing
    # required answers too), so a complete response is scored without a second check
    profile = score_response(definition, row.answers) if submit else None
    events = []
    if not round_.anonymous:
        events.append(
            audit.event(
                "response.create",
                actor=API_ACTOR.format(token_id),
                object_type="response",
                object_id=row.public_id,
                project_id=round_.project_id,
            )
        )
    begin_write(session)
    if profile is not None:
        responses.add_submitted(session, context, profile, events)
    else:
        responses.insert_new(session, row)
        audit.insert_events(session, events)
    return Written(row, not_counted)


def change(
    session: Session,
    context: Context,
    revision: int,
    answers: Mapping[str, Any],
    *,
    whole: bool,
) -> Written:
    """Replace the draft's answers (``whole``) or amend them (``None`` removes an answer), if
    ``revision`` is the stored one. Flushes, does not commit."""
    _changeable(context, revision)
    if whole:
        candidate = {key: value for key, value in answers.items() if value is not None}
    else:
        candidate = dict(context.response.answers)
        for key, value in answers.items():
            if value is None:
                candidate.pop(key, None)
            else:
                candidate[key] = value
    candidate = canonical_answers(context.definition, candidate)
    not_counted = checked_answers(context.definition, candidate, complete=False)
    try:
        responses.write_answers(session, context, revision, candidate)
    except StaleRevision as exc:  # another request won the race since the check above
        raise _mismatch(exc.current) from None
    return Written(context.response, not_counted)


def submit(session: Session, context: Context, revision: int | None) -> Written:
    """Submit the draft (at ``revision`` when given), storing its scores. Submitting a
    submitted response again changes nothing. Flushes, does not commit."""
    if context.submitted:
        return written(context.response, context.definition)
    current = context.response.revision
    _changeable(context, current if revision is None else revision)
    not_counted = checked_answers(context.definition, context.response.answers, complete=True)
    try:
        responses.submit(session, context, current)
    except StaleRevision as exc:
        raise _mismatch(exc.current) from None
    return Written(context.response, not_counted)


def _changeable(context: Context, revision: int) -> None:
    """Refuse a change the API may not make (:func:`changeable`), or one made at another
    revision than ``revision``."""
    changeable(context)
    if context.response.revision != revision:
        raise _mismatch(context.response.revision)


def changeable(context: Context) -> None:
    """Refuse a change the API may not make whatever revision it names (checked in this
    order): a submitted response, a draft started on the pages (:class:`StartedOnPages`), a
    round not accepting answers, a draft without consent. The API checks these before it
    asks for ``If-Match``: a client cannot mend them by retrying with the revision."""
    if context.submitted:
        raise Conflict(
            Message(SUBMITTED_UNCHANGEABLE),
            response_status=ResponseStatus.SUBMITTED.value,
        )
    if not context.response.created_by_api:
        raise StartedOnPages(context.response.public_id)
    accepting(context.round)
    _consented(context.response)


def _mismatch(current: int) -> RevisionMismatch:
    return RevisionMismatch(
        f"the response is at revision {current}; nothing was changed. Read it again and "
        "send the change with If-Match naming that revision",
        current_revision=current,
    )


def written(response: Response, definition: Definition) -> Written:
    """A stored response as :func:`create` reports it (its hidden answers named)."""
    found = validate_answers(definition, response.answers, complete=False)
    return Written(response, tuple(p.item_id for p in found if p.code == "hidden"))


def reread(session: Session, response_id: int) -> Written:
    """A response by row id (one an idempotency key remembers), as stored now."""
    context = responses.load(session, response_id)
    return written(context.response, context.definition)


def find(session: Session, project_id: int | None, public_id: str) -> Context:
    """The response with this public id in the caller's project (None: in any project), or
    :class:`NotFound`."""
    row = (
        session.exec(select(Response).where(Response.public_id == public_id)).first()
        if limits.findable(public_id, Response.public_id)
        else None
    )
    if row is not None:
        context = responses.load(session, row.id or 0)
        if project_id is None or context.project.id == project_id:
            return context
    raise NotFound(Message(NO_RESPONSE_ID, id=shorten(public_id)), response_id=public_id)


def page_responses(
    session: Session,
    round_: Round,
    limit: int,
    offset: int,
    *,
    organisation_id: int | None = None,
    stakeholder_group: str | None = None,
    status: ResponseStatus | None = None,
    updated_since: datetime | None = None,
) -> Slice[Written]:
    """A round's responses, oldest first, optionally filtered. In an anonymous round, which
    keeps only the day of a change (:func:`app.services.responses.recorded_time`),
    ``updated_since`` counts from the start of its day in the service's time zone: a client
    polling with the time of its last call sees that day's changes again, and never misses
    one made later that day."""
    query = select(Response).where(Response.round_id == round_.id)
    if organisation_id is not None:
        query = query.where(Response.organisation_id == organisation_id)
    if stakeholder_group is not None:
        query = query.where(Response.stakeholder_group == stakeholder_group)
    if status is not None:
        query = query.where(Response.status == status.value)
    if updated_since is not None:
        since = limits.moment(updated_since, "updated_since", clamp=True)
        if round_.anonymous:
            since = times.day_only(since, get_settings().time_zone)
        query = query.where(col(Response.updated_at) >= since)
    definition = responses.definition_of(session, round_)
    found = page_of(session, query.order_by(col(Response.id)), limit, offset)
    return found.map(lambda row: written(row, definition))


def offered_language(definition: Definition, language: str) -> str:
    """``language`` if ``definition`` has texts in it, else :class:`InvalidInput` naming the
    body's field ``language`` with the ``available`` ones."""
    if language not in definition.languages:
        raise InvalidInput(
            Message(
                NOT_OFFERED_IN,
                language=shorten(language),
                available=", ".join(definition.languages),
            ),
            field="language",
            available=list(definition.languages),
        )
    return language


@dataclass(frozen=True)
class ScoredOnly:
    """Answers scored without storing them: the profile, the answers it did not count (hidden
    by ``show_if``) and the definition they were scored against (for its texts)."""

    profile: Profile
    not_counted: tuple[str, ...]
    definition: Definition


def score_only(session: Session, slug: str, version: str, answers: Mapping[str, Any]) -> ScoredOnly:
    """The profile of ``answers`` to a questionnaire version; nothing is stored. Invalid
    answers are refused as on creation."""
    definition = questionnaires.definition_of(questionnaires.get_version(session, slug, version))
    answers = canonical_answers(definition, answers)
    not_counted = checked_answers(definition, answers, complete=False)
    return ScoredOnly(score_response(definition, answers), not_counted, definition)
