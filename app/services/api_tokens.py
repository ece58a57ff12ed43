"""API tokens: bearer secrets bound to one project, each carrying the scopes it may use.

A token without a project (``project_id`` NULL, ``project=None`` here) is a cross-project
token: it reaches every project. Only admins make those (the admin-only page, or the
operator's ``radar tokens create --all-projects``); callers decide who may, this module only
stores what it is given.

A token is shown once, when it is made (``radar_`` and 256 random bits), and stored only as
its SHA-256 hash (:mod:`app.tokens`) beside a short visible ``prefix``, so people can tell
their tokens apart in a list without the secret. :func:`verify` finds the row through the
unique index on the hash and compares the hashes again in constant time; an unknown, revoked
and expired token are one and the same answer (None), so a caller learns nothing about which
tokens exist.

"Last used" is noted at most once a minute per token, as a side write
(:func:`app.db.side_write`): a read request stays a reader and takes no write lock for it,
and a busy integration does not write a row on every call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial

from sqlalchemy import Table, bindparam, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app import limits, times
from app.db import side_write
from app.db_types import utcnow
from app.errors import NO_API_TOKEN, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import ApiToken, Project
from app.services import audit, revocation
from app.tokens import hash_token, new_token, same
from scoring import shorten

IN_THE_PAST = N_("must lie in the future")

TOKEN_PREFIX = "radar_"  # noqa: S105 (a marker, not a secret)
VISIBLE_CHARACTERS = 8
"""Random characters shown after ``radar_`` in lists: enough to tell tokens apart."""
USE_NOTED_EVERY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
"""Longer presented values are not looked up at all (a real token has 49 characters)."""


class Scope(StrEnum):
    """What a token may do; each API route needs one."""

    QUESTIONNAIRES_READ = "questionnaires:read"
    RESPONSES_WRITE = "responses:write"
    RESULTS_READ = "results:read"
    EXPORTS_READ = "exports:read"
    PROJECT_ADMIN = "project:admin"


ALL_SCOPES = tuple(scope.value for scope in Scope)


EXPIRY = N_("expiry")
REVOKED = N_("API token %(token)s was revoked on %(day)s")
UNKNOWN_SCOPE = N_("unknown scope %(scope)s; allowed: %(allowed)s")
NO_SCOPE = N_("name at least one scope; allowed: %(allowed)s")
EXPIRY_PAST = N_("expiry: must lie in the future")
EXPIRY_SHAPE = N_("expiry: %(day)s is not a date such as 2027-12-31")


def parse_scopes(values: Iterable[str]) -> list[str]:
    """The scopes named, in the order of :class:`Scope`, without repeats; an unknown or empty
    list is :class:`InvalidInput` naming the allowed ones."""
    named = {value.strip() for value in values if value.strip()}
    unknown = sorted(named - set(ALL_SCOPES))
    if unknown:
        raise InvalidInput(
            Message(UNKNOWN_SCOPE, scope=shorten(unknown[0]), allowed=", ".join(ALL_SCOPES)),
            allowed=list(ALL_SCOPES),
        )
    if not named:
        raise InvalidInput(Message(NO_SCOPE, allowed=", ".join(ALL_SCOPES)), field="scopes")
    return [scope for scope in ALL_SCOPES if scope in named]


def check_name(name: str) -> None:
    """A token's name: required, one line that fits its column (:class:`InvalidInput`)."""
    limits.name(name, N_("token name"), column=ApiToken.name)


def check_expiry(expires_at: datetime | None, now: datetime | None = None) -> None:
    """An expiry (None: never) in the years 2000 to 2999 and after ``now``
    (:class:`InvalidInput` naming the field "expiry")."""
    limits.moment(expires_at, EXPIRY)
    if expires_at is not None and expires_at <= (now or utcnow()):
        raise InvalidInput(Message(EXPIRY_PAST), field="expiry")


def create_token(
    session: Session,
    project: Project | None,
    name: str,
    scopes: Iterable[str],
    *,
    expires_at: datetime | None = None,
    actor: str = audit.OPERATOR,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token of ``project`` (None: of every project); returns the row and the secret
    (never stored). An empty or over-long name, an unknown scope and an expiry that is not in
    the future are :class:`InvalidInput`. Flushes."""
    check_name(name)
    chosen = parse_scopes(scopes)
    now = now or utcnow()
    check_expiry(expires_at, now)
    project_id = None if project is None else project.id
    secret = TOKEN_PREFIX + new_token()
    row = ApiToken(
        project_id=project_id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + VISIBLE_CHARACTERS],
        scopes=chosen,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "api_token.create",
        actor=actor,
        object_type="api_token",
        object_id=row.id,
        project_id=project_id,
        name=name,
        scopes=" ".join(chosen),
        prefix=row.prefix,
    )
    return row, secret


def expiry_of_day(day: str, time_zone: str) -> datetime | None:
    """The expiry of a token valid through ``day`` (``2027-12-31``, as a date field posts it)
    in ``time_zone``: the end of that day there (:func:`app.times.end_of_day`); None for "".
    A value that is not such a date, or outside the years 2000 to 2999, is
    :class:`InvalidInput`."""
    if not day.strip():
        return None
    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInput(Message(EXPIRY_SHAPE, day=shorten(day)), field="expiry") from None
    limits.moment(datetime.combine(parsed, time(), tzinfo=UTC), EXPIRY)
    return times.end_of_day(parsed, time_zone)


def list_tokens(session: Session, project: Project | None) -> list[ApiToken]:
    """The project's tokens (None: the cross-project ones), oldest first (revoked and expired
    ones included)."""
    scope = (
        col(ApiToken.project_id).is_(None)
        if project is None
        else col(ApiToken.project_id) == project.id
    )
    return list(session.exec(select(ApiToken).where(scope).order_by(col(ApiToken.id))).all())


def get_token(session: Session, token_id: int) -> ApiToken:
    """The token ``token_id`` of any project; :class:`NotFound` otherwise."""
    row = session.get(ApiToken, token_id) if limits.is_id(token_id) else None
    if row is None:
        raise NotFound(Message(NO_API_TOKEN, id=str(token_id)), token=token_id)
    return row


def token_in(session: Session, project: Project | None, token_id: int) -> ApiToken:
    """The token ``token_id`` only if it belongs to ``project`` (None: only a cross-project
    token); any other id is :class:`NotFound`, like one that never existed."""
    row = get_token(session, token_id)
    if row.project_id != (None if project is None else project.id):
        raise NotFound(Message(NO_API_TOKEN, id=str(token_id)), token=token_id)
    return row


def revoke_token(
    session: Session, token_id: int, *, actor: str = audit.OPERATOR, now: datetime | None = None
) -> ApiToken:
    """Revoke the token ``token_id`` of any project (the operator's CLI): :func:`revoke`."""
    return revoke(session, get_token(session, token_id), actor=actor, now=now)


def revoke(
    session: Session, row: ApiToken, *, actor: str = audit.OPERATOR, now: datetime | None = None
) -> ApiToken:
    """Make a token unusable from now on (audited). Revoking it again is a :class:`Conflict`
    that names when it was revoked (nothing changes). Flushes."""
    if row.revoked_at is not None:
        raise Conflict(
            Message(REVOKED, token=row.id, day=row.revoked_at.date().isoformat()),
            revoked_at=row.revoked_at.isoformat(),
        )
    revocation.revoke(
        session,
        row,
        "api_token",
        actor=actor,
        project_id=row.project_id,
        now=now,
        prefix=row.prefix,
    )
    return row


def token_state(row: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked``, for lists (pages translate them)."""
    now = now or utcnow()
    if row.revoked_at is not None:
        return N_("revoked")
    if row.expires_at is not None and now >= row.expires_at:
        return N_("expired")
    return N_("active")


@dataclass(frozen=True)
class Grant:
    """What an active token allows: its id, its project (None: every project), its scopes."""

    id: int
    project_id: int | None
    scopes: frozenset[str]


_TOKENS: Table = ApiToken.__table__  # type: ignore[attr-defined]
_BY_HASH = select_columns(
    _TOKENS.c.id,
    _TOKENS.c.project_id,
    _TOKENS.c.scopes,
    _TOKENS.c.token_hash,
    _TOKENS.c.expires_at,
    _TOKENS.c.last_used_at,
    _TOKENS.c.revoked_at,
).where(_TOKENS.c.token_hash == bindparam("digest"))
"""Every API request runs this: plain columns of one row through the unique index (no ORM
object to build), one statement object so its compiled form is found without rebuilding."""


def verify(session: Session, presented: str, now: datetime | None = None) -> Grant | None:
    """The active token behind a presented secret, or None (unknown, revoked, expired, or not a
    value any token could have). Notes its use at most once a minute."""
    if not presented.startswith(TOKEN_PREFIX) or len(presented) > MAX_TOKEN_LENGTH:
        return None
    digest = hash_token(presented)
    row = session.execute(_BY_HASH, {"digest": digest}).first()
    if row is None or not same(row.token_hash, digest) or row.revoked_at is not None:
        return None
    now = now or utcnow()
    if row.expires_at is not None and now >= row.expires_at:
        return None
    if row.last_used_at is None or now - row.last_used_at >= USE_NOTED_EVERY:
        side_write(session, partial(note_use, token_id=row.id, now=now))
    return Grant(row.id, row.project_id, frozenset(row.scopes))


def note_use(session: Session, *, token_id: int, now: datetime) -> None:
    """Set "last used" by id (an UPDATE, so it can run in a short write of its own after a
    read request); a concurrent request that noted it already wins. Does not commit."""
    session.exec(
        update(ApiToken)
        .where(
            col(ApiToken.id) == token_id,
            col(ApiToken.last_used_at).is_(None)
            | (col(ApiToken.last_used_at) <= now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
    )
