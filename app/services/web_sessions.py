"""Server-side browser sessions: a random cookie token whose hash is the key, revocable.

A session ends when it is deleted, after ``policy.idle`` without activity or at its absolute
expiry, whichever comes first. Each session carries its own CSRF token (synchronizer pattern)
and a small ``data`` mapping (the respondent's display language). Functions that create or
change sessions do not commit: callers commit together with the rest of their change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from app.db_types import utcnow
from app.models import WebSession
from app.tokens import hash_token, new_token, same

TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


def start_session(
    session: Session,
    policy: SessionPolicy,
    *,
    response_id: int | None = None,
    user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> tuple[WebSession, str]:
    """Create a session; return it and the cookie value (shown to the browser only)."""
    token = new_token()
    now = utcnow()
    row = WebSession(
        token_hash=hash_token(token),
        csrf_token=secrets.token_urlsafe(32),
        response_id=response_id,
        user_id=user_id,
        data=dict(data or {}),
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.absolute,
    )
    session.add(row)
    session.flush()
    return row, token


def find_session(
    session: Session, token: str | None, policy: SessionPolicy, now: datetime | None = None
) -> WebSession | None:
    """The live session behind a cookie value, or None (unknown, idle too long, expired)."""
    if not token:
        return None
    row = session.exec(select(WebSession).where(WebSession.token_hash == hash_token(token))).first()
    now = now or utcnow()
    if row is None or now >= row.expires_at or now - row.last_seen_at >= policy.idle:
        return None
    return row


def needs_touch(row: WebSession, now: datetime | None = None) -> bool:
    return (now or utcnow()) - row.last_seen_at >= TOUCH_INTERVAL


def record_activity(session: Session, session_id: int, now: datetime | None = None) -> None:
    """Note activity (keeps the idle timeout away). Does not commit.

    An UPDATE by id rather than a change of a loaded row, so that it can run in a short
    transaction of its own after a read-only request (:func:`app.db.side_write`).
    """
    now = now or utcnow()
    session.exec(
        update(WebSession).where(col(WebSession.id) == session_id).values(last_seen_at=now)
    )


def set_data(session: Session, row: WebSession, **values: Any) -> None:
    """Update the session's data mapping (a new dict, so the JSON column sees the change)."""
    row.data = {**row.data, **values}
    session.add(row)


def csrf_matches(row: WebSession, presented: str | None) -> bool:
    return bool(presented) and same(row.csrf_token, presented or "")


def purge_expired(session: Session, policy: SessionPolicy, now: datetime | None = None) -> int:
    """Delete respondent sessions past ``policy``'s timeouts; returns how many. No commit.

    Other sessions (facilitators, with their own policy) are left to their own clean-up.
    """
    now = now or utcnow()
    ended = (col(WebSession.expires_at) <= now) | (
        col(WebSession.last_seen_at) <= now - policy.idle
    )
    result = session.exec(delete(WebSession).where(ended, col(WebSession.response_id).is_not(None)))
    return int(result.rowcount or 0)
