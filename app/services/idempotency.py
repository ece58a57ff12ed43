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
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy import select as select_columns
from sqlmodel import Session

from app import limits
from app.errors import InvalidInput
from app.models import IdempotencyKey


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


def fingerprint(method: str, path: str, body: Any) -> str:
    """A hash of the request: the same for the same method, path and JSON body (key order
    does not matter)."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def checked_key(key: str) -> str:
    """The key, if a column can hold it (at most 200 characters, printable)."""
    return limits.text(key, "Idempotency-Key", column=IdempotencyKey.key, required=True)


_TABLE: Table = IdempotencyKey.__table__  # type: ignore[attr-defined]
_RECALL = select_columns(
    _TABLE.c.request_hash, _TABLE.c.response_id, _TABLE.c.status_code, _TABLE.c.response_body
).where(_TABLE.c.token_id == bindparam("token_id"), _TABLE.c.key == bindparam("key"))
_REMEMBER = insert(_TABLE)
"""Built once, plain columns and rows: every creation with a key runs both."""


def recall(session: Session, token_id: int, key: str, request_hash: str) -> Remembered | None:
    """The first answer to this key of this token, or None for a new key; raises
    :class:`IdempotencyKeyReused` when the key came with another request."""
    row = session.execute(_RECALL, {"token_id": token_id, "key": checked_key(key)}).first()
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return Remembered(row.response_id, row.status_code, row.response_body)


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
) -> None:
    """Store the key with its answer (``status_code`` and JSON ``body``), in the change's own
    transaction, as one INSERT of plain values. Does not commit.

    ``at`` is the time stored with it: the response's own recorded time, so that in an
    anonymous round the key keeps only the day, as the response does.
    """
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
