"""Revoking a secret link or token: set its ``revoked_at`` and audit it, in one place.

Invitations, partner-report share links and API tokens are revoked alike: the row keeps its
hash (so an old secret is still recognised, and refused) and gains the moment it stopped
working, and one audit event names the action, the object and its project. What differs stays
with the caller: whether revoking twice is a :class:`~app.errors.Conflict` (tokens and report
links say when) or changes nothing (invitations), and what else ends with it (an invitation's
browser sessions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from app.db_types import utcnow
from app.models import Round
from app.services import audit


class Revocable(Protocol):
    """A row that can be revoked: its id and the moment it was (None: still working)."""

    id: int | None
    revoked_at: datetime | None


def revoke(
    session: Session,
    row: Revocable,
    object_type: str,
    *,
    actor: str,
    project_id: int | None = None,
    round_id: int | None = None,
    now: datetime | None = None,
    **detail: Any,
) -> bool:
    """Set ``row.revoked_at`` to ``now`` and record ``<object_type>.revoke`` (with ``detail``)
    in ``project_id``, or in the project of ``round_id``; False, changing nothing, when it was
    revoked already. Flushes."""
    if row.revoked_at is not None:
        return False
    if round_id is not None:
        round_ = session.get(Round, round_id)
        project_id = round_.project_id if round_ else None
    row.revoked_at = now or utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        f"{object_type}.revoke",
        actor=actor,
        object_type=object_type,
        object_id=row.id,
        project_id=project_id,
        **detail,
    )
    return True
