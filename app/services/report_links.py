"""Secret links to a partner report: one organisation's report of one round, read without login.

A link is shown once, when it is made (256 random bits, :mod:`app.tokens`), and stored only as
its SHA-256 hash, like invitation links and API tokens. Each organisation of a round has at
most one working link: making a new one revokes the one before, so "share again" never leaves
a forgotten link open. Revoking is immediate; an unknown and a revoked token are one and the
same :class:`~app.errors.NotFound`, so a guesser learns nothing about which links exist. Making
and revoking are audited; "last used" is noted at most once a minute, beside the reader's unit
of work (:func:`app.db.side_write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db import side_write
from app.db_types import utcnow
from app.errors import NO_REPORT_LINK, Conflict, NotFound
from app.i18n import N_, Message
from app.models import Organisation, Project, ReportLink, Round
from app.services import audit, revocation
from app.tokens import hash_token, is_token_shaped, new_token, same

REVOKED_ON = N_("report link %(id)s was revoked on %(day)s")

USE_NOTED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class OpenedLink:
    """What a working link shows: its round's report of its organisation."""

    link: ReportLink
    project: Project
    round: Round
    organisation: Organisation


def active_links(session: Session, round_: Round) -> dict[int, ReportLink]:
    """The round's working links by organisation id."""
    rows = session.exec(
        select(ReportLink).where(
            col(ReportLink.round_id) == round_.id, col(ReportLink.revoked_at).is_(None)
        )
    ).all()
    return {row.organisation_id: row for row in rows}


def create(
    session: Session,
    round_: Round,
    organisation: Organisation,
    *,
    actor: str,
    user_id: int | None = None,
    now: datetime | None = None,
) -> tuple[ReportLink, str]:
    """A new link to ``organisation``'s report of ``round_`` (both of one project: the caller
    looked the organisation up in the round's project); returns the row and the token (never
    stored). The organisation's working link before it, if any, is revoked. Flushes."""
    assert organisation.project_id == round_.project_id
    now = now or utcnow()
    earlier = active_links(session, round_).get(organisation.id or 0)
    if earlier is not None:
        revoke(session, earlier, actor=actor, now=now)
    assert round_.id is not None
    assert organisation.id is not None
    token = new_token()
    row = ReportLink(
        round_id=round_.id,
        organisation_id=organisation.id,
        token_hash=hash_token(token),
        created_by_id=user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "report_link.create",
        actor=actor,
        object_type="report_link",
        object_id=row.id,
        project_id=round_.project_id,
        round=round_.id,
        organisation=organisation.id,
    )
    return row, token


def revoke(
    session: Session, row: ReportLink, *, actor: str, now: datetime | None = None
) -> ReportLink:
    """Make the link unusable from now on (audited); a revoked link is a :class:`Conflict`.
    Flushes."""
    if row.revoked_at is not None:
        raise Conflict(
            Message(REVOKED_ON, id=str(row.id), day=row.revoked_at.date().isoformat()),
            revoked_at=row.revoked_at.isoformat(),
        )
    revocation.revoke(
        session,
        row,
        "report_link",
        actor=actor,
        round_id=row.round_id,
        now=now,
        round=row.round_id,
        organisation=row.organisation_id,
    )
    return row


def revoke_for(
    session: Session, round_: Round, organisation: Organisation, *, actor: str
) -> ReportLink | None:
    """Revoke the organisation's working link of the round, if it has one (a second click
    finds none and changes nothing)."""
    row = active_links(session, round_).get(organisation.id or 0)
    return None if row is None else revoke(session, row, actor=actor)


def open_link(session: Session, token: str, now: datetime | None = None) -> OpenedLink:
    """The report behind a token; unknown, revoked or malformed are one :class:`NotFound`.
    Notes the use at most once a minute."""
    digest = hash_token(token)
    row = (
        session.exec(select(ReportLink).where(ReportLink.token_hash == digest)).first()
        if is_token_shaped(token)
        else None
    )
    if row is None or row.revoked_at is not None or not same(row.token_hash, digest):
        raise NotFound(Message(NO_REPORT_LINK))
    round_ = session.get(Round, row.round_id)
    organisation = session.get(Organisation, row.organisation_id)
    project = session.get(Project, round_.project_id) if round_ else None
    if round_ is None or organisation is None or project is None:  # deleted meanwhile
        raise NotFound(Message(NO_REPORT_LINK))
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= USE_NOTED_EVERY:
        assert row.id is not None
        side_write(session, partial(note_use, link_id=row.id, now=now))
    return OpenedLink(row, project, round_, organisation)


def note_use(session: Session, *, link_id: int, now: datetime) -> None:
    """Set "last used" by id (an UPDATE that a concurrent request may have made already).
    Does not commit."""
    session.exec(
        update(ReportLink)
        .where(
            col(ReportLink.id) == link_id,
            col(ReportLink.last_used_at).is_(None)
            | (col(ReportLink.last_used_at) <= now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
    )
