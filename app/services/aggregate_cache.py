"""Organisation aggregates kept per process for as long as what they summarise is unchanged.

An aggregate summarises the dimension scores of an organisation's submitted responses in a
round. Reading 10,000 responses' scores costs about a hundred times a result page of a small
organisation, so every result page of a large one would pay that; instead the result is kept
under a *fingerprint* of what it was computed from, checked on every page view with two cheap
queries (index only):

* the public ids of the organisation's submitted responses in the round: a response that is
  submitted, erased or purged changes the set (public ids are random and never reused, unlike
  SQLite's row ids);
* the newest score row of the database and the scoring rules of this process: the scores of a
  submitted response are fixed by its answers (read-only once submitted), its questionnaire
  version (immutable) and the rules; ``radar scores rebuild`` writes new rows.

A changed fingerprint recomputes; nothing is ever served for another fingerprint, so the cache
is never stale and needs no invalidation from the code paths that write. Bounded: the
:data:`LIMIT` most recently used (round, organisation) pairs.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.models import Response, ResponseScore, ResponseStatus
from scoring import RULES_VERSION

LIMIT = 256
T = TypeVar("T")

_entries: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()


def fingerprint(session: Session, round_id: int, organisation_id: int | None = None) -> str:
    """What an aggregate of the organisation in the round is computed from, as a digest; of
    every organisation of the round without ``organisation_id`` (the round's cohort)."""
    connection = session.connection()  # plain rows: no ORM work per response
    query = select(col(Response.public_id)).where(
        col(Response.round_id) == round_id,
        col(Response.status) == ResponseStatus.SUBMITTED.value,
    )
    if organisation_id is not None:
        query = query.where(col(Response.organisation_id) == organisation_id)
    public_ids = connection.execute(query.order_by(col(Response.public_id))).scalars()
    newest_score = connection.execute(select(func.max(ResponseScore.id))).scalar()
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{RULES_VERSION}|{newest_score}|".encode())
    digest.update(",".join(public_ids).encode())
    return digest.hexdigest()


def remember(key: Hashable, current: str, compute: Callable[[], T]) -> T:
    """The value kept under ``key`` if it was computed at fingerprint ``current``, else
    ``compute()`` (kept for the next call)."""
    with _lock:
        found = _entries.get(key)
        if found is not None and found[0] == current:
            _entries.move_to_end(key)
            kept: T = found[1]
            return kept
    value = compute()
    with _lock:
        _entries[key] = (current, value)
        _entries.move_to_end(key)
        while len(_entries) > LIMIT:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every kept value (benchmarks measure the first computation with it)."""
    with _lock:
        _entries.clear()
