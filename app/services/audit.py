"""The audit log: who did what, when. Events join the caller's transaction, so an event is
stored exactly when the change it describes is.

Events never hold answers, comments or secrets. Every value is cut to one short line, so that
user input (a name with a line break) cannot forge log lines in an export. Events about a
response of an anonymous round are not written at all when a respondent (or a token writing
for one) acts: their times would link it to a person. A facilitator's or operator's action on
such a response (export, erasure) is recorded without the response's id
(:func:`response_reference`), and :func:`page_events` hides the id of any older event that
names a response of an anonymous round.

:func:`page_events` is the log as the facilitator area reads it: newest first, filtered, one
page cut in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import InvalidInput
from app.i18n import N_, Message
from app.limits import max_length
from app.models import AuditEvent, Response, Round
from app.services.paging import Slice, page_of

OPERATOR = "operator"
RESPONDENT = "respondent"
MAX_VALUE = 200
ANONYMOUS_RESPONSE = ""
"""The object id of an event about a response of an anonymous round: none."""
OBJECT_TYPES = (
    "api_token",
    "invitation",
    "organisation",
    "project",
    "questionnaire_version",
    "report_link",
    "response",
    "round",
    "user",
)
"""The object types events name (a filter's choices)."""
MAX_DAYS = 3650
DAYS_RANGE = N_("days must be between 1 and %(limit)s")
"""The longest "last N days" filter (ten years)."""


def one_line(value: object) -> str:
    """A value as a single, bounded line (control characters become spaces)."""
    text = str(value)
    if not text.isprintable():  # the usual id or name is printable: no walk per character
        text = "".join(c if c.isprintable() else " " for c in text)
    return text[:MAX_VALUE]


_ACTOR_LENGTH = max_length(AuditEvent.actor)
_OBJECT_ID_LENGTH = max_length(AuditEvent.object_id)
_TABLE: Table = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE)

Event = dict[str, Any]
"""An event's column values, as :func:`event` makes them for :func:`insert`."""


def event(
    action: str,
    *,
    actor: str = OPERATOR,
    object_type: str = "",
    object_id: object = "",
    project_id: int | None = None,
    **detail: Any,
) -> Event:
    """The column values of an event, cut and made single-line as :func:`record` stores them."""
    return {
        "at": utcnow(),
        "actor": one_line(actor)[:_ACTOR_LENGTH],
        "action": action,
        "object_type": object_type,
        "object_id": one_line(object_id)[:_OBJECT_ID_LENGTH],
        "project_id": project_id,
        "detail": {key: one_line(value) for key, value in detail.items()},
    }


def record(
    session: Session,
    action: str,
    *,
    actor: str = OPERATOR,
    object_type: str = "",
    object_id: object = "",
    project_id: int | None = None,
    **detail: Any,
) -> None:
    """Add an event to the session (the caller commits it with its change)."""
    add(
        session,
        event(
            action,
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            project_id=project_id,
            **detail,
        ),
    )


def add(session: Session, values: Event) -> None:
    """Add an event made by :func:`event` to the session (written at its next flush)."""
    session.add(AuditEvent(**values))


def insert_events(session: Session, events: Sequence[Event]) -> None:
    """Write ``events`` now, in one INSERT of plain rows (no ORM objects to build and flush),
    in the caller's write transaction: for a write path that already writes (the API's
    creation and submission). Does not commit."""
    if events:
        session.execute(_INSERT, list(events))


def recent(
    session: Session, *, project_id: int | None = None, limit: int = 100
) -> list[AuditEvent]:
    """The newest events first, optionally of one project."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return list(session.exec(query).all())


def response_reference(public_id: str, *, anonymous: bool) -> str:
    """What an event about a response names it by: its public id, or nothing in an anonymous
    round (:data:`ANONYMOUS_RESPONSE`)."""
    return ANONYMOUS_RESPONSE if anonymous else public_id


@dataclass(frozen=True)
class EventFilter:
    """What the log page asks for; empty strings and None mean "any".

    ``projects`` bounds every answer (None: all events, an admin's view; otherwise only events
    of these project ids); ``project_id`` narrows to one of them; ``days``: the last N days
    (1 to :data:`MAX_DAYS`).
    """

    projects: Collection[int] | None = None
    project_id: int | None = None
    action: str = ""
    actor: str = ""
    object_type: str = ""
    days: int | None = None


def page_events(
    session: Session,
    wanted: EventFilter,
    limit: int,
    offset: int,
    *,
    now: datetime | None = None,
) -> Slice[AuditEvent]:
    """One page of events, newest first, cut in SQL. ``actor`` and ``action`` match a part,
    case-insensitively for ASCII (``LIKE`` with escaped wildcards); ``object_type`` exactly.
    Ids of responses of anonymous rounds are blanked in the rows returned (never stored back).
    A ``days`` outside 1 to :data:`MAX_DAYS` or a bad window is :class:`InvalidInput`."""
    for name, value in (
        ("action", wanted.action),
        ("actor", wanted.actor),
        ("object type", wanted.object_type),
    ):
        limits.text(value, name, column=getattr(AuditEvent, name.replace(" ", "_")))
    query = select(AuditEvent)
    if wanted.projects is not None:
        query = query.where(col(AuditEvent.project_id).in_(list(wanted.projects)))
    if wanted.project_id is not None:
        query = query.where(AuditEvent.project_id == wanted.project_id)
    if wanted.action:
        query = query.where(_contains(AuditEvent.action, wanted.action))
    if wanted.actor:
        query = query.where(_contains(AuditEvent.actor, wanted.actor))
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if wanted.days is not None:
        if not 1 <= wanted.days <= MAX_DAYS:
            raise InvalidInput(Message(DAYS_RANGE, limit=MAX_DAYS), field="days")
        query = query.where(col(AuditEvent.at) >= (now or utcnow()) - timedelta(days=wanted.days))
    found = page_of(session, query.order_by(col(AuditEvent.id).desc()), limit, offset)
    return found.map(_redacted(session, found.items))


def _contains(column: Any, part: str) -> Any:
    """SQL for ``column`` containing ``part`` (its ``%``, ``_`` and ``\\`` taken literally)."""
    escaped = part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return col(column).ilike(f"%{escaped}%", escape="\\")


def _redacted(session: Session, events: list[AuditEvent]) -> Callable[[AuditEvent], AuditEvent]:
    """A function giving each event as it may be shown: a detached copy without the response id
    when the event names a response of an anonymous round (one query for the page)."""
    named = {e.object_id for e in events if e.object_type == "response" and e.object_id}
    hidden: set[str] = set()
    if named:
        hidden = set(
            session.exec(
                select(Response.public_id)
                .join(Round, col(Round.id) == col(Response.round_id))
                .where(col(Response.public_id).in_(named), col(Round.anonymous).is_(True))
            ).all()
        )

    def shown(event: AuditEvent) -> AuditEvent:
        if event.object_type != "response" or event.object_id not in hidden:
            return event
        return AuditEvent.model_validate({**event.model_dump(), "object_id": ANONYMOUS_RESPONSE})

    return shown
