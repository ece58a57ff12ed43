"""Server-side browser sessions: a random cookie token whose hash is the key, revocable.

A session ends when it is deleted, after ``policy.idle`` without activity or at its absolute
expiry, whichever comes first. For a while after the idle limit (``policy.late_saves``) an
ended respondent session may still save what its open page posts, never read
(:func:`find_session_for_saving`). A respondent session records the link that opened it (the
invitation, or the personal link's generation), so that revoking or replacing that link ends
it. A *day-only* session (a submitted response of an anonymous round) stores no time more
precise than the day: it has no idle timeout, only its expiry. Each session carries its own
CSRF token (synchronizer pattern) and a small ``data`` mapping (the respondent's display
language). Functions that create or change sessions do not commit: callers commit together
with the rest of their change.
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
DAY_ONLY_LASTS = timedelta(days=2)  # a day-only session ends about the end of the next day


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions last. ``late_saves``: how long after the idle limit a session may
    still *save* (never read) what its page posts, so that a page posted after a long pause
    is not lost (issue 9.5); zero for sessions that may do nothing once idle."""

    idle: timedelta
    absolute: timedelta
    late_saves: timedelta = timedelta(0)


def start_session(
    session: Session,
    policy: SessionPolicy,
    *,
    response_id: int | None = None,
    user_id: int | None = None,
    data: dict[str, Any] | None = None,
    invitation_id: int | None = None,
    link_generation: int | None = None,
) -> tuple[WebSession, str]:
    """Create a session; return it and the cookie value (shown to the browser only).

    ``invitation_id`` or ``link_generation`` name the link that opened a respondent session.
    """
    token = new_token()
    now = utcnow()
    row = WebSession(
        token_hash=hash_token(token),
        csrf_token=secrets.token_urlsafe(32),
        response_id=response_id,
        user_id=user_id,
        invitation_id=invitation_id,
        link_generation=link_generation,
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
    found = find_session_for_saving(session, token, policy, now)
    return found[0] if found is not None and not found[1] else None


def find_session_for_saving(
    session: Session, token: str | None, policy: SessionPolicy, now: datetime | None = None
) -> tuple[WebSession, bool] | None:
    """The session behind a cookie for a request that only saves, and whether it is *late*:
    past the idle limit but within ``policy.late_saves`` of it and before its absolute expiry.

    A late session may store what its page posts (with its CSRF token) but read nothing:
    the caller answers without showing stored answers and does not renew it.
    """
    if not token:
        return None
    row = session.exec(select(WebSession).where(WebSession.token_hash == hash_token(token))).first()
    if row is None:
        return None
    late = judge(row, policy, now)
    return None if late is None else (row, late)


def judge(row: WebSession, policy: SessionPolicy, now: datetime | None = None) -> bool | None:
    """Whether a session found by its cookie is live (False), *late* (True: past the idle
    limit, within ``policy.late_saves`` of it, before its absolute expiry) or ended (None)."""
    now = now or utcnow()
    if now >= row.expires_at:
        return None
    if row.day_only or now - row.last_seen_at < policy.idle:
        return False
    if now - row.last_seen_at < policy.idle + policy.late_saves:
        return True
    return None


def needs_touch(row: WebSession, now: datetime | None = None) -> bool:
    """Whether to note activity now; never for a day-only session (it keeps no times)."""
    return not row.day_only and (now or utcnow()) - row.last_seen_at >= TOUCH_INTERVAL


def record_activity(session: Session, session_id: int, now: datetime | None = None) -> None:
    """Note activity (keeps the idle timeout away). Does not commit.

    An UPDATE by id rather than a change of a loaded row, so that it can run in a short
    transaction of its own after a read-only request (:func:`app.db.side_write`).
    """
    now = now or utcnow()
    session.exec(
        update(WebSession)
        .where(col(WebSession.id) == session_id, col(WebSession.day_only).is_(False))
        .values(last_seen_at=now)
    )


def set_data(session: Session, row: WebSession, **values: Any) -> None:
    """Update the session's data mapping (a new dict, so the JSON column sees the change)."""
    row.data = {**row.data, **values}
    session.add(row)


def csrf_matches(row: WebSession, presented: str | None) -> bool:
    return bool(presented) and same(row.csrf_token, presented or "")


def purge_expired(session: Session, policy: SessionPolicy, now: datetime | None = None) -> int:
    """Delete respondent sessions past ``policy``'s timeouts (an idle one once it can no
    longer save late either); returns how many. No commit.

    Other sessions (facilitators, with their own policy) are left to their own clean-up.
    """
    now = now or utcnow()
    idle_since = now - policy.idle - policy.late_saves
    ended = (col(WebSession.expires_at) <= now) | (
        (col(WebSession.last_seen_at) <= idle_since) & col(WebSession.day_only).is_(False)
    )
    result = session.exec(delete(WebSession).where(ended, col(WebSession.response_id).is_not(None)))
    return int(result.rowcount or 0)


def end_invitation_sessions(session: Session, invitation_id: int) -> int:
    """End every session opened with this invitation (it was revoked); returns how many."""
    result = session.exec(delete(WebSession).where(col(WebSession.invitation_id) == invitation_id))
    return int(result.rowcount or 0)


def end_personal_link_sessions(
    session: Session, response_id: int, keep: WebSession | None = None
) -> int:
    """End the sessions opened with the response's personal link, except ``keep``. No commit.

    Sessions opened with the invitation stay: only the replaced link's holders are locked out.
    """
    condition = [
        col(WebSession.response_id) == response_id,
        col(WebSession.link_generation).is_not(None),
    ]
    if keep is not None and keep.id is not None:
        condition.append(col(WebSession.id) != keep.id)
    result = session.exec(delete(WebSession).where(*condition))
    return int(result.rowcount or 0)


def keep_only_the_day(session: Session, response_id: int, day: datetime, lasts: timedelta) -> None:
    """Make every session of the response day-only (anonymous round, submitted): times become
    ``day``, the expiry ``day + lasts``, and nothing names the link that opened it. No commit.
    """
    session.exec(
        update(WebSession)
        .where(col(WebSession.response_id) == response_id)
        .values(
            day_only=True,
            created_at=day,
            last_seen_at=day,
            expires_at=day + lasts,
            invitation_id=None,
            link_generation=None,
        )
    )
