"""A respondent's response: loading it with its context, saving pages, submitting.

Every write is a compare-and-set on ``revision`` (``UPDATE … WHERE revision = :seen``), so two
tabs or two app instances can never overwrite each other silently: the stale writer gets
:class:`StaleRevision` and nothing of its request is written. Answers that fail validation are
not stored (the other answers of the same page are); answers to items hidden by ``show_if``
are kept, never dropped. A submitted response is read-only. (How a respondent reaches a
response is :mod:`app.services.respondent_links`.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Row, Select, Table, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app import times
from app.db import begin_write
from app.db_types import utcnow
from app.errors import Conflict, InvalidAnswers, NotFound
from app.i18n import N_, Message
from app.models import (
    Invitation,
    Organisation,
    Project,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Round,
    WebSession,
)
from app.services import audit, questionnaires, row_objects, scores, web_sessions
from app.services.invitations import RoundClosed
from app.services.rounds import RoundState, round_state, version_of
from app.settings import get_settings
from app.tokens import hash_token
from scoring import (
    AnswerProblem,
    Definition,
    Profile,
    check_text,
    normalise_line_breaks,
    score_response,
    validate_answers,
)

MAX_COMMENT_LENGTH = 4000
STALE_MESSAGE = N_(
    "These answers were changed in another window or on another device since this page was "
    "loaded. Nothing from this page was saved. Please reload the page to see the current answers."
)
CLOSED_MESSAGE = N_(
    "This round is closed, so answers can no longer be changed or submitted. "
    "The answers you saved before are kept."
)
INCOMPLETE_MESSAGE = N_("Some required questions are not answered yet.")
NO_RESPONSE = N_("This page does not exist.")


class StaleRevision(Conflict):
    type_slug = "stale-revision"

    def __init__(self, current: int) -> None:
        super().__init__(STALE_MESSAGE, current_revision=current)
        self.current = current


@dataclass(frozen=True)
class Context:
    """A response with everything its pages show: round, organisation, project, definition."""

    response: Response
    round: Round
    organisation: Organisation
    project: Project
    definition: Definition
    invitation: Invitation | None = None

    @property
    def open(self) -> bool:
        return round_state(self.round) is RoundState.OPEN

    @property
    def submitted(self) -> bool:
        return self.response.status == ResponseStatus.SUBMITTED


@dataclass(frozen=True)
class Saved:
    """The outcome of a save: what was refused is named here and was not stored."""

    revision: int
    problems: dict[str, AnswerProblem] = field(default_factory=dict)  # by item id
    comment_problem: AnswerProblem | None = None


_WEB_SESSION = row_objects.Entity(WebSession)
_CONTEXT = (
    row_objects.Entity(Response),
    row_objects.Entity(Round),
    row_objects.Entity(Organisation),
    row_objects.Entity(Project),
    # the definition comes from app.services.definition_cache; its JSON is not read
    row_objects.Entity(QuestionnaireVersion, deferred={"definition"}),
    row_objects.Entity(Invitation),
)


def _columns(*entities: row_objects.Entity[Any]) -> list[Column[Any]]:
    return [column for entity in entities for column in entity.columns]


def _with_context(statement: Select[Any]) -> Select[Any]:
    """``statement`` (whose FROM has the response) joined to the response's round,
    organisation, project, version and invitation."""
    response, round_, organisation, project, version, invitation = (
        entity.table for entity in _CONTEXT
    )
    return (
        statement.join(round_, round_.c.id == response.c.round_id)
        .join(organisation, organisation.c.id == response.c.organisation_id)
        .join(project, project.c.id == round_.c.project_id)
        .join(version, version.c.id == round_.c.questionnaire_version_id)
        .outerjoin(invitation, invitation.c.id == response.c.invitation_id)
    )


def _context_of(session: Session, row: Sequence[Any]) -> Context:
    """The context of one row of :data:`_CONTEXT`'s columns (see :func:`_read`)."""
    response, round_, organisation, project, version, invitation = row_objects.instances(
        session, _CONTEXT, row
    )
    definition = questionnaires.definition_of(version)
    return Context(response, round_, organisation, project, definition, invitation)


def _read(session: Session, statement: Select[Any], parameters: dict[str, Any]) -> Row[Any] | None:
    """The one row of a Core ``statement`` (or None), after flushing what the session holds,
    as a query of ORM entities would (:mod:`app.services.row_objects` says why not one)."""
    session.flush()  # nothing to do unless something changed
    return session.connection().execute(statement, parameters).first()


# Built once: a statement object keeps its cache key, which is otherwise made per request.
_RESPONSE_TABLE = _CONTEXT[0].table
_BY_RESPONSE = _with_context(sa_select(*_columns(*_CONTEXT)).select_from(_RESPONSE_TABLE)).where(
    _RESPONSE_TABLE.c.id == bindparam("response_id")
)
_SESSION_TABLE = _WEB_SESSION.table
_BY_SESSION = _with_context(
    sa_select(*_columns(_WEB_SESSION, *_CONTEXT))
    .select_from(_SESSION_TABLE)
    .join(_RESPONSE_TABLE, _RESPONSE_TABLE.c.id == _SESSION_TABLE.c.response_id)
).where(_SESSION_TABLE.c.token_hash == bindparam("token_hash"))


def load(session: Session, response_id: int) -> Context:
    """A response with its context, in one query (a Core one: see
    :mod:`app.services.row_objects`). On SQLite a writing request holds the write lock from
    its first query on."""
    found = _read(session, _BY_RESPONSE, {"response_id": response_id})
    if found is None:
        raise NotFound(Message(NO_RESPONSE))
    return _context_of(session, found)


def load_for_session(
    session: Session,
    token: str | None,
    policy: web_sessions.SessionPolicy,
    now: datetime | None = None,
) -> tuple[WebSession, bool, Context] | None:
    """The respondent session behind a cookie value, whether it is *late*
    (:func:`app.services.web_sessions.find_session_for_saving`'s rules) and its response's
    context; None for no live respondent session.

    One query for both: every respondent page and form post starts here, and the session
    row and the context read apart were two statements (each a transaction's begin and end
    on SQLite too), a quarter of a step page's time under load."""
    if not token:
        return None
    found = _read(session, _BY_SESSION, {"token_hash": hash_token(token)})
    if found is None:
        return None
    width = _WEB_SESSION.width
    row = _WEB_SESSION.instance(session, found[:width])
    assert row is not None  # the WHERE names its row
    verdict = web_sessions.judge(row, policy, now)
    if verdict is None:
        return None
    return row, verdict, _context_of(session, found[width:])


def definition_of(session: Session, round_: Round) -> Definition:
    """The definition a round is pinned to (parsed once per content hash)."""
    return questionnaires.definition_of(version_of(session, round_))


def save_page(
    session: Session,
    context: Context,
    revision: int,
    answers_for_page: Mapping[str, Any],
    comment: str | None,
    *,
    dimension_id: str,
    step: int | None = None,
    whole_page: bool = False,
) -> Saved:
    """Store one page: its answers (``None`` removes one), its comment, the step to resume at.

    Invalid answers are left as they were and reported in :attr:`Saved.problems`, a comment
    that is too long or holds control characters in :attr:`Saved.comment_problem`; the rest is
    stored, or with ``whole_page`` nothing at all (the page is shown again with everything
    typed, so a refusal neither loses nor half-saves it). Raises :class:`StaleRevision` if
    ``revision`` is not the current one.
    """
    response = _writable(context, revision)
    definition = context.definition
    page_ids = {item.id for item in definition.items_of(dimension_id)}
    candidate = dict(response.answers)
    for item_id, value in answers_for_page.items():
        if item_id not in page_ids:
            continue
        if value is None:
            candidate.pop(item_id, None)
        else:
            candidate[item_id] = value
    problems = page_problems(definition, candidate, page_ids)
    for item_id in problems:  # nothing of an invalid field is saved
        if item_id in response.answers:
            candidate[item_id] = response.answers[item_id]
        else:
            candidate.pop(item_id, None)
    comments = dict(response.comments)
    text = normalise_line_breaks(comment or "").strip()
    comment_problem = check_text("comment", text, MAX_COMMENT_LENGTH)
    if whole_page and (problems or comment_problem):
        return Saved(revision, problems, comment_problem)
    if comment is not None and comment_problem is None:
        if text:
            comments[dimension_id] = text
        else:
            comments.pop(dimension_id, None)
    values: dict[str, Any] = {"answers": candidate, "comments": comments}
    if step is not None:
        values["current_step"] = step
    return Saved(_compare_and_set(session, context, revision, values), problems, comment_problem)


def write_answers(
    session: Session, context: Context, revision: int, answers: dict[str, Any]
) -> int:
    """Replace the draft's answers as a whole (the API sends them whole, checked by the
    caller); returns the new revision. Raises as :func:`save_page` does."""
    _writable(context, revision)
    return _compare_and_set(session, context, revision, {"answers": answers})


def page_problems(
    definition: Definition, answers: dict[str, Any], ids: set[str]
) -> dict[str, AnswerProblem]:
    """Problems with the given items' values (a missing answer is not a problem here)."""
    found: dict[str, AnswerProblem] = {}
    for problem in validate_answers(definition, answers, complete=False):
        if problem.severity == "error" and problem.item_id in ids and problem.item_id not in found:
            found[problem.item_id] = problem
    return found


def missing_required(definition: Definition, answers: dict[str, Any]) -> dict[str, str]:
    """Problems that stop a submission, by item id (missing required answers included)."""
    found: dict[str, str] = {}
    for problem in validate_answers(definition, answers, complete=True):
        if problem.severity == "error":
            found.setdefault(problem.item_id, problem.message)
    return found


def check_submission(context: Context, revision: int) -> Profile:
    """Check that the draft at ``revision`` may be submitted and score it; writes nothing.

    Raises :class:`RoundClosed` after the round closed, :class:`StaleRevision` for an outdated
    revision and ``InvalidAnswers`` (``problems`` by item id) for missing required answers.
    """
    response = _writable(context, revision)
    problems = missing_required(context.definition, dict(response.answers))
    if problems:
        raise InvalidAnswers(INCOMPLETE_MESSAGE, problems=problems)
    return score_response(context.definition, dict(response.answers))


def submit(
    session: Session, context: Context, revision: int, *, profile: Profile | None = None
) -> bool:
    """Submit the draft and store its scores in one transaction; False if already submitted.

    The answers are checked and scored (:func:`check_submission`, or by the caller, who passes
    its ``profile``) before the write begins (:func:`app.db.begin_write`); the write stores
    them only if the draft is still at ``revision``. A second submission is a no-op, also when
    it raced the first one (six clicks at once on PostgreSQL: the losers see the winner's
    submission and answer like it, never with a false "changed in another window"). The
    personal link stops working. In anonymous rounds the response also lets go of its
    invitation (whose label could name a person), and its browser sessions and scores keep
    only the day. Raises as :func:`check_submission` does.
    """
    if context.submitted:
        return False
    if profile is None:
        profile = check_submission(context, revision)
    response = context.response
    assert response.id is not None
    begin_write(session)
    with session.begin_nested():  # all or nothing, also when the caller answers an error
        day = recorded_time(context.round)
        values: dict[str, Any] = {
            "status": ResponseStatus.SUBMITTED.value,
            "submitted_at": day,
            "resume_token_hash": None,
            "resume_expires_at": None,
        }
        if context.round.anonymous:
            values["invitation_id"] = None
            # Sessions before the response: the lock order of every request (which touches its
            # session first), so concurrent submits queue instead of deadlocking on PostgreSQL.
            web_sessions.keep_only_the_day(session, response.id, day, web_sessions.DAY_ONLY_LASTS)
        try:
            _compare_and_set(session, context, revision, values)
        except StaleRevision:
            if _status_now(session, response.id) == ResponseStatus.SUBMITTED:
                return False  # an identical submit won the race: answer like it
            raise
        scores.store_profile(session, response, profile, at=day)
        if not context.round.anonymous:
            _audit_submission(session, context)
    return True


def add_submitted(
    session: Session, context: Context, profile: Profile, events: Sequence[audit.Event] = ()
) -> None:
    """Add a new response that is submitted as it is created (a complete response from the
    API) with ``profile`` (scored by the caller before the write): the same row, scores and
    audit event as a draft created and then submitted (:func:`submit`), as plain INSERTs
    (response, scores, and the caller's ``events`` with the submission's in one) instead of
    ORM objects, an UPDATE that checks the revision, a re-read and a DELETE. Sets the row's
    id. Does not commit."""
    response = context.response
    day = recorded_time(context.round)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = response.updated_at = day
    response.revision += 1  # as if created, then submitted
    insert_new(session, response)
    scores.store_profile(session, response, profile, at=day, replace=False)
    if not context.round.anonymous:
        events = [*events, _submission_event(context)]
    audit.insert_events(session, events)


_RESPONSES: Table = Response.__table__  # type: ignore[attr-defined]
_INSERT_RESPONSE = insert(_RESPONSES)
_RESPONSE_COLUMNS = tuple(column.key for column in _RESPONSES.columns if column.key != "id")


def insert_new(session: Session, response: Response) -> None:
    """Insert a new response row with the values its object holds, as one plain INSERT (the
    object is not added to the session), and set its id. Begins the write of a read-first
    unit of work (:func:`app.db.begin_write`). Does not commit."""
    begin_write(session)
    values = {key: getattr(response, key) for key in _RESPONSE_COLUMNS}
    inserted: CursorResult[Any] = session.execute(_INSERT_RESPONSE, values)  # type: ignore[assignment]
    key = inserted.inserted_primary_key
    assert key is not None
    response.id = key[0]


def _audit_submission(session: Session, context: Context) -> None:
    audit.add(session, _submission_event(context))


def _submission_event(context: Context) -> audit.Event:
    return audit.event(
        "response.submit",
        actor=audit.RESPONDENT,
        object_type="response",
        object_id=context.response.public_id,
        project_id=context.round.project_id,
    )


def _status_now(session: Session, response_id: int) -> str | None:
    """The committed status, read past the identity map (a fresh statement sees the winner)."""
    return session.exec(select(Response.status).where(col(Response.id) == response_id)).first()


def recorded_time(
    round_: Round, now: datetime | None = None, time_zone: str | None = None
) -> datetime:
    """The time stored on a response: only the day in anonymous rounds, so that no precise
    timestamp links a response to the person seen at the computer at that moment.

    The day is the one in the service's time zone (``time_zone``, default: the setting), so
    that an evening in Berlin or a morning in Auckland is kept as the day people lived it;
    it is stored as a day-only value (:func:`app.times.day_only`) and shown as a date.
    """
    now = now or utcnow()
    if round_.anonymous:
        return times.day_only(now, time_zone or get_settings().time_zone)
    return now


def _writable(context: Context, revision: int) -> Response:
    response = context.response
    if context.submitted:
        raise Conflict(N_("This response has been submitted and can no longer be changed."))
    if not context.open:
        raise RoundClosed(CLOSED_MESSAGE)
    if response.revision != revision:
        raise StaleRevision(response.revision)
    return response


def _compare_and_set(
    session: Session, context: Context, revision: int, values: dict[str, Any]
) -> int:
    """Write ``values`` if the response is still the draft at ``revision``; else raise
    :class:`StaleRevision` with the current revision (and the caller's unit of work rolls
    back whatever else it did). Begins the write of a read-first unit of work
    (:func:`app.db.begin_write`): everything before it was read and checked without a lock."""
    begin_write(session)
    response = context.response
    values = {**values, "revision": revision + 1, "updated_at": recorded_time(context.round)}
    result = session.exec(
        update(Response)
        .where(
            col(Response.id) == response.id,
            col(Response.revision) == revision,
            col(Response.status) == ResponseStatus.DRAFT.value,
        )
        .values(**values)
        # the loaded response is updated below from ``values``; SQLAlchemy's default would
        # first evaluate the WHERE clause against every object in the session (a third of
        # this function's time)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = session.exec(
            select(Response.revision).where(col(Response.id) == response.id)
        ).first()
        raise StaleRevision(current if current is not None else revision)
    for key, value in values.items():  # what was written, without reading it back
        set_committed_value(response, key, value)
    return revision + 1
