"""``Idempotency-Key``: a retried creation or submission gets the first answer, never a
second response.

A key is scoped to the token that sent it and remembered with a hash of the request it came
with (method, path and body), the response it made and the answer's status and JSON body as
first sent, in the same transaction as the change itself, so a key exists exactly when its
change does. A retry gets that stored answer, as payment APIs do, even after the response was
changed since: the client learns what its first request did, not a later state it did not
ask about (``GET`` gives that). The stored body is bounded by the request's: it is the
response with the answers the request carried (at most ``RADAR_MAX_REQUEST_BYTES``), their
ids not counted, and fixed fields. The same key with another request is
:class:`IdempotencyKeyReused` (422) and changes nothing. Two requests with one new key at the
same moment: the unique constraint lets one win, the other is refused as a concurrent change
(409, :class:`~app.errors.ConflictingData`), and its retry gets the winner's answer.

Keys expire (:func:`purge_expired`): they are kept at least the retention
(``RADAR_IDEMPOTENCY_KEY_HOURS``, 24 by default; Stripe keeps its keys 24 hours too), then
removed. A key of an anonymous round keeps only the day in the service's time zone, up to about
34 hours before the moment it was made, so its retention counts from two days later. The
purge runs at most once per :data:`PURGE_EVERY` per process, on the write that remembers a
key (:func:`remember`), so a request does not pay for it each time; other processes purge on
their own, and deleting an expired key twice is harmless.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import InvalidInput
from app.models import IdempotencyKey, Response, Round

PURGE_EVERY = timedelta(hours=1)
"""How often a process removes expired keys at most."""
DAY_ONLY_MARGIN = timedelta(days=2)
"""How much earlier than its moment a day-only time may read (a day, plus the time zone)."""
_purged = {"at": datetime.min.replace(tzinfo=UTC)}
"""When this process last purged."""
_purge_lock = threading.Lock()


class IdempotencyKeyReused(InvalidInput):
    type_slug = "idempotency-key-reused"

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was used before with another request; use a new key for a "
            "new request"
        )


@dataclass(frozen=True)
class Remembered:
    """The first answer to a key: its status, the response it made and its JSON body (None
    for a key kept before bodies were: rebuild it from the response)."""

    response_id: int
    status_code: int
    body: dict[str, Any] | None


@dataclass(frozen=True)
class Recalled:
    """What :func:`recall` found: the first answer (None for a new key) and, for a key whose
    row has expired but is not yet purged, that row's id, which :func:`remember` removes
    (so the write need not read the key again)."""

    first: Remembered | None
    expired_id: int | None = None


def fingerprint(method: str, path: str, body: Any) -> str:
    """A hash of the request: the same for the same method, path and JSON body (key order
    does not matter)."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def checked_key(key: str) -> str:
    """The key, if a column can hold it (at most 200 characters, printable)."""
    return limits.text(key, "Idempotency-Key", column=IdempotencyKey.key, required=True)


def recall(
    session: Session,
    token_id: int,
    key: str,
    request_hash: str,
    retention: timedelta | None = None,
) -> Recalled:
    """The first answer to this key of this token, if any: none for a new key (or, with
    ``retention``, one that has expired and is not yet purged: its row's id is given for
    :func:`remember`); raises :class:`IdempotencyKeyReused` when the key came with another
    request."""
    row = _row(session, token_id, key)
    if row is None:
        return Recalled(None)
    if retention is not None and _expired(session, row, retention):
        return Recalled(None, expired_id=row.id)
    if row.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return Recalled(Remembered(row.response_id, row.status_code, row.response_body))


_TABLE: Table = IdempotencyKey.__table__  # type: ignore[attr-defined]
_RECALL = select_columns(
    _TABLE.c.id,
    _TABLE.c.request_hash,
    _TABLE.c.response_id,
    _TABLE.c.status_code,
    _TABLE.c.response_body,
    _TABLE.c.created_at,
).where(_TABLE.c.token_id == bindparam("token_id"), _TABLE.c.key == bindparam("key"))
_REMEMBER = insert(_TABLE)
"""Built once, plain columns and rows: every creation with a key runs both."""


def _row(session: Session, token_id: int, key: str) -> Any:
    """The key's stored row (plain columns of :data:`_RECALL`), or None."""
    return session.execute(_RECALL, {"token_id": token_id, "key": checked_key(key)}).first()


def _expired(session: Session, row: Any, retention: timedelta, now: datetime | None = None) -> bool:
    """Whether ``row`` is past its retention (the rule of :func:`purge_expired`)."""
    cutoff = (now or utcnow()) - retention
    if row.created_at >= cutoff:
        return False
    if row.created_at < cutoff - DAY_ONLY_MARGIN:
        return True
    round_ = session.exec(
        select(Round)
        .join(Response, col(Response.round_id) == col(Round.id))
        .where(col(Response.id) == row.response_id)
    ).first()
    return round_ is None or not round_.anonymous


def remember(
    session: Session,
    token_id: int,
    key: str,
    request_hash: str,
    response_id: int,
    status_code: int,
    body: dict[str, Any],
    *,
    at: datetime,
    retention: timedelta | None = None,
    expired_id: int | None = None,
) -> None:
    """Store the key with its answer (``status_code`` and JSON ``body``), in the change's own
    transaction, as one INSERT of plain values. Does not commit.

    ``at`` is the time stored with it: the response's own recorded time, so that in an
    anonymous round the key keeps only the day, as the response does. With ``retention``,
    expired keys are removed first, at most once per :data:`PURGE_EVERY`
    (:func:`purge_now_and_then`). ``expired_id`` is the key's expired row that
    :func:`recall` found (:attr:`Recalled.expired_id`): its key is new again, so the row goes
    (by id: a purge in between leaves nothing to delete; a concurrent request that stored
    the key anew meets the unique constraint, 409, as before).
    """
    if retention is not None:
        purge_now_and_then(session, retention)
    if expired_id is not None:
        session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == expired_id))
    session.execute(
        _REMEMBER,
        {
            "token_id": token_id,
            "key": checked_key(key),
            "request_hash": request_hash,
            "response_id": response_id,
            "status_code": status_code,
            "response_body": body,
            "created_at": at,
        },
    )


def purge_expired(session: Session, retention: timedelta, now: datetime | None = None) -> int:
    """Remove the keys older than ``retention`` (those of anonymous rounds, stored with the
    day only, :data:`DAY_ONLY_MARGIN` later): the number removed. Two ``DELETE`` statements
    (the table holds about a retention's keys, as it is purged); does not commit."""
    cutoff = (now or utcnow()) - retention
    anonymous = (
        select(col(Response.id))
        .join(Round, col(Round.id) == col(Response.round_id))
        .where(col(Round.anonymous).is_(True))
    )
    removed = 0
    for older_than, inside in ((cutoff, False), (cutoff - DAY_ONLY_MARGIN, True)):
        chosen = col(IdempotencyKey.response_id).in_(anonymous)
        result = session.execute(
            delete(IdempotencyKey).where(
                col(IdempotencyKey.created_at) < older_than, chosen if inside else ~chosen
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def purge_now_and_then(
    session: Session, retention: timedelta, now: datetime | None = None
) -> int | None:
    """:func:`purge_expired` if this process has not purged in the last :data:`PURGE_EVERY`
    (None when it skipped)."""
    now = now or utcnow()
    with _purge_lock:
        if now - _purged["at"] < PURGE_EVERY:
            return None
        _purged["at"] = now
    return purge_expired(session, retention, now)
