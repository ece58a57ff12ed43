"""Attempt counting per client and purpose, kept in the database so that instances share it.

A fixed window per bucket (``"link:<client>"``): :func:`record` counts one attempt and returns
how many the window holds; :func:`check` refuses once the window holds ``limit.attempts``.
Links use them through :func:`app.deps.failed_attempts_guard`: the token is checked *first*,
so a valid token is never refused, however many invalid ones came from the same address (one
office behind one address must not lock itself out); only invalid tokens are counted, each in
a unit of work of its own that outlives the failed request's rollback, and past the limit an
invalid one is answered with :func:`refusal` (429 and ``Retry-After``) instead of 404, which
stops scanners while every real link works. These buckets are separate from the login
throttle (:func:`app.deps.login_guard`), which counts failed logins per account and per client
and, unlike links, refuses *before* checking once a bucket is used up: otherwise a guesser
would still learn which password was right.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, bindparam, delete
from sqlalchemy import select as select_columns
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable
from sqlmodel import Session

from app import limits
from app.db_types import utcnow
from app.errors import TooManyRequests
from app.i18n import N_
from app.models import RateLimitHit

_TABLE: Table = RateLimitHit.__table__  # type: ignore[attr-defined]
_COUNT = select_columns(_TABLE.c.count).where(
    _TABLE.c.bucket == bindparam("bucket"), _TABLE.c.window_start == bindparam("window_start")
)
"""Every API request reads its window's count: one statement object built once, so its
compiled form is found without building and keying a new one (about 50 microseconds)."""
_COUNT_ONE: dict[str, Executable] = {}
KEEP_WINDOWS_FOR = timedelta(days=1)  # longer than any window; older rows are dropped
TOO_MANY_MESSAGE = N_(
    "Too many invalid links were opened from your network. Please check that your link is "
    "complete: a valid link always works."
)


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta


def window_start(moment: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def stored_bucket(bucket: str) -> str:
    """The bucket as stored: a client address from a proxy header can be any length, so one
    that does not fit the column is kept as its hash (still one bucket per client)."""
    if limits.text_error(bucket, column=RateLimitHit.bucket) is None:
        return bucket
    return "sha256:" + hashlib.sha256(bucket.encode("utf-8", "surrogatepass")).hexdigest()


def count(session: Session, bucket: str, limit: Limit, now: datetime | None = None) -> int:
    """How many attempts the bucket's current window holds (0 for none yet)."""
    start = window_start(now or utcnow(), limit.window)
    values = {"bucket": stored_bucket(bucket), "window_start": start}
    hit = session.execute(_COUNT, values).scalar()
    return hit or 0


def check(
    session: Session,
    bucket: str,
    limit: Limit,
    now: datetime | None = None,
    message: str = TOO_MANY_MESSAGE,
) -> None:
    """Raise :class:`TooManyRequests` (with Retry-After) when the window is used up."""
    now = now or utcnow()
    if count(session, bucket, limit, now) >= limit.attempts:
        raise refusal(limit, now, message)


def refusal(
    limit: Limit, now: datetime | None = None, message: str = TOO_MANY_MESSAGE
) -> TooManyRequests:
    """429 until the current window ends (seconds, at least 1); the page shows the wait."""
    now = now or utcnow()
    end = window_start(now, limit.window) + limit.window
    retry_after = max(1, int((end - now).total_seconds()))
    return TooManyRequests(message, retry_after=retry_after)


_PURGE = delete(_TABLE).where(_TABLE.c.window_start < bindparam("before"))


def _count_one(dialect: str) -> Executable:
    """The upsert that counts one attempt and returns the window's count, built once per
    dialect (every API request runs it: a statement object kept finds its compiled form
    without being built and keyed again)."""
    statement = _COUNT_ONE.get(dialect)
    if statement is None:
        insert = postgres_insert if dialect == "postgresql" else sqlite_insert
        statement = _COUNT_ONE[dialect] = (
            insert(_TABLE)
            .on_conflict_do_update(
                index_elements=["bucket", "window_start"], set_={"count": _TABLE.c.count + 1}
            )
            .returning(_TABLE.c.count)
        )
    return statement


def record(session: Session, bucket: str, limit: Limit, now: datetime | None = None) -> int:
    """Count one attempt (an atomic upsert that returns the new count); the first attempt of
    a window also drops windows long past. Does not commit.

    Returns how many attempts the window holds now, this one included.
    """
    now = now or utcnow()
    start = window_start(now, limit.window)
    statement = _count_one(session.get_bind().dialect.name)
    values = {"bucket": stored_bucket(bucket), "window_start": start, "count": 1}
    counted = int(session.execute(statement, values).scalar_one())
    if counted == 1:  # once per bucket and window, not on every attempt
        session.execute(_PURGE, {"before": start - KEEP_WINDOWS_FOR})
    return counted
