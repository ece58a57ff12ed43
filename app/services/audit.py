"""The audit log: who did what, when. Events join the caller's transaction, so an event is
stored exactly when the change it describes is.

Events never hold answers, comments or secrets. Every value is cut to one short line, so that
user input (a name with a line break) cannot forge log lines in an export. Events about a
response of an anonymous round are not written at all: their times would link it to a person.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.limits import max_length
from app.models import AuditEvent

OPERATOR = "operator"
RESPONDENT = "respondent"
MAX_VALUE = 200


def one_line(value: object) -> str:
    """A value as a single, bounded line (control characters become spaces)."""
    text = "".join(c if c.isprintable() else " " for c in str(value))
    return text[:MAX_VALUE]


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
    session.add(
        AuditEvent(
            actor=one_line(actor)[: max_length(AuditEvent.actor)],
            action=action,
            object_type=object_type,
            object_id=one_line(object_id)[: max_length(AuditEvent.object_id)],
            project_id=project_id,
            detail={key: one_line(value) for key, value in detail.items()},
        )
    )


def recent(
    session: Session, *, project_id: int | None = None, limit: int = 100
) -> list[AuditEvent]:
    """The newest events first, optionally of one project."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return list(session.exec(query).all())
