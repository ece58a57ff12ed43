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
:data:`LIMIT` most recently used keys. A round's cohort is kept per organisation
(:func:`fingerprints`, :func:`remember_parts`): a submission recomputes its organisation only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, literal, select
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


def fingerprints(session: Session, round_id: int) -> dict[int, str]:
    """Per organisation of the round with a submitted response: a digest of its submitted
    public ids (random, never reused), the rules and the newest score row of the round's first
    submitted response (a rebuild rewrites every response's rows, the first one's too; a
    submission does not): organisation id -> digest.

    One index-only ``GROUP BY`` on ``ix_response_aggregate`` hands over each organisation's
    ids as one string (``group_concat``, ``string_agg``): 1,000 rows for 100,000 responses,
    where a row per response took eight times as long.
    """
    connection = session.connection()
    submitted = (
        col(Response.round_id) == round_id,
        col(Response.status) == ResponseStatus.SUBMITTED.value,
    )
    public_id = col(Response.public_id)
    joined = (
        func.string_agg(public_id, literal(","))
        if connection.dialect.name == "postgresql"
        else func.group_concat(public_id, literal(","))
    )
    rows = connection.execute(
        select(col(Response.organisation_id), joined)
        .where(*submitted)
        .group_by(col(Response.organisation_id))
    ).all()
    first = select(func.min(col(Response.id))).where(*submitted).scalar_subquery()
    rebuilt = connection.execute(
        select(func.max(col(ResponseScore.id))).where(col(ResponseScore.response_id) == first)
    ).scalar()
    prefix = f"{RULES_VERSION}|{rebuilt}|"
    return {
        organisation_id: hashlib.blake2b(
            (prefix + ",".join(sorted(ids.split(",")))).encode(), digest_size=16
        ).hexdigest()
        for organisation_id, ids in rows
    }


def combined(parts: dict[int, str]) -> str:
    """One digest of per-part fingerprints (a round's, from its organisations')."""
    digest = hashlib.blake2b(digest_size=16)
    for key in sorted(parts):
        digest.update(f"{key}:{parts[key]};".encode())
    return digest.hexdigest()


def remember_parts(
    key: Hashable,
    current: dict[int, str],
    compute: Callable[[list[int]], dict[int, T]],
) -> dict[int, T]:
    """Per part (an organisation) of ``current`` (part -> fingerprint): the value kept under
    ``key`` for that part if computed at its fingerprint; ``compute`` gets the parts that are
    new or changed (and may leave some out: they have no value). A submission in a round of
    1,000 organisations then recomputes one organisation, not the round."""
    with _lock:
        found = _entries.get(key)
        kept: dict[int, tuple[str, T]] = found[1] if found is not None else {}
    stale = [
        part for part, digest in current.items() if part not in kept or kept[part][0] != digest
    ]
    fresh = compute(stale) if stale else {}
    values: dict[int, tuple[str, T]] = {}
    for part, digest in current.items():
        if part in fresh:
            values[part] = (digest, fresh[part])
        elif part not in stale:
            values[part] = kept[part]
    with _lock:
        _entries[key] = ("parts", values)
        _entries.move_to_end(key)
        while len(_entries) > LIMIT:
            _entries.popitem(last=False)
    return {part: value for part, (_, value) in values.items()}


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
