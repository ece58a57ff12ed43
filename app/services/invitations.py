"""Invitation links: how an organisation's respondents reach a round.

The plaintext token exists only in the link handed out at creation; the database keeps its
SHA-256 hash (:mod:`app.tokens`), looked up through a unique index. Unknown, expired, revoked
and used-up tokens all raise the same :class:`InvitationInvalid` with the same sentence, so the
answer tells a guesser nothing (SECURITY.md). Only a token that *is* valid learns about its
round's state: :class:`RoundClosed` (410) or :class:`RoundNotOpen` (409: the link is right, the
round's state does not allow answers yet; 409 rather than 403 because nothing about the caller
is wrong and trying again later will work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import NO_INVITATION, Conflict, Gone, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import Invitation, Organisation, Project, QuestionnaireVersion, Round
from app.services import audit, revocation, web_sessions
from app.services.rounds import RoundState, checked_group, round_state, version_of
from app.times import zone
from app.tokens import hash_token, is_token_shaped, new_token
from scoring import shorten

INVALID_MESSAGE = N_(
    "This invitation link is unknown, has expired or has already been used. If you have already "
    "started with it, continue with your personal link: it was shown after you agreed to the "
    "data protection notice and when you saved to continue later."
)
ANONYMOUS_LABEL = N_(
    "round %(round)s is anonymous: a single-use invitation cannot carry a label, since the "
    "label would name the person who answers (a multi-use invitation may have one)"
)
NO_ORGANISATION = N_("the round's project has no organisation %(name)s")
CLOSED_NO_INVITATIONS = N_("round %(round)s is closed: no new invitations")
USE_LIMIT_NEEDS_MULTI = N_(
    "a single-use invitation takes no use limit: choose a multi-use invitation or leave the "
    "limit empty"
)
EXPIRY_NOT_FUTURE = N_("the expiry must be a future time with a time zone")
LAST_DAY_PASSED = N_("the last day of the link has passed: choose today or a later day")
NO_PARTNERS = N_("the project has no partner organisations to invite yet")
BATCH_TOO_LARGE = N_("one batch makes at most %(limit)s links")
NO_LINKS_SENT = N_("no links were sent")
SHEET_TOO_LARGE = N_("a sheet lists at most %(limit)s links")
NOT_IN_ROUND = N_("link %(position)s is not a valid link of round %(round)s: nothing was made")
USE_LIMIT, LABEL, EXPIRY = N_("use limit"), N_("label"), N_("expiry")


class InvitationInvalid(NotFound):
    """Unknown, expired, revoked or used up: deliberately indistinguishable."""

    type_slug = "invitation-invalid"

    def __init__(self) -> None:
        super().__init__(Message(INVALID_MESSAGE))


CLOSED_MESSAGE = N_("This round is closed: answers can no longer be given.")


class RoundClosed(Gone):
    type_slug = "round-closed"

    def __init__(self, detail: str | Message = CLOSED_MESSAGE) -> None:
        super().__init__(detail)


class RoundNotOpen(Conflict):
    type_slug = "round-not-open"

    def __init__(self, opens_at: datetime | None) -> None:
        when = f" on {opens_at:%Y-%m-%d %H:%M} UTC" if opens_at else " later"
        super().__init__(f"This round is not open yet: it opens{when}.")


@dataclass(frozen=True)
class ResolvedInvitation:
    invitation: Invitation
    round: Round
    organisation: Organisation
    project: Project
    version: QuestionnaireVersion


def create_invitation(
    session: Session,
    round_: Round,
    organisation: Organisation,
    *,
    multi_use: bool = False,
    max_uses: int | None = None,
    stakeholder_group: str | None = None,
    expires_at: datetime | None = None,
    label: str = "",
    actor: str = audit.OPERATOR,
) -> tuple[Invitation, str]:
    """Create an invitation numbered next in its round; return it with its token (shown this
    once only). Raises :class:`NotFound` for an organisation of another project,
    :class:`RoundClosed`, and :class:`InvalidInput` for a bad use limit (1 up to the column's
    maximum, multi-use only), group (one of the round's own groups where it has any), label
    or expiry (a future, aware time)."""
    if organisation.project_id != round_.project_id:
        raise NotFound(Message(NO_ORGANISATION, name=repr(organisation.name)))
    if round_state(round_) is RoundState.CLOSED:
        raise RoundClosed(Message(CLOSED_NO_INVITATIONS, round=repr(round_.name)))
    check_use_limit(max_uses, multi_use=multi_use)
    stakeholder_group = checked_group(round_, stakeholder_group)
    check_label(round_, label, multi_use=multi_use)
    limits.moment(expires_at, EXPIRY)
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= utcnow()):
        raise InvalidInput(Message(EXPIRY_NOT_FUTURE), field="expires")
    assert round_.id is not None
    assert organisation.id is not None
    token = new_token()
    invitation = Invitation(
        round_id=round_.id,
        organisation_id=organisation.id,
        number=_next_number(session, round_),
        token_hash=hash_token(token),
        multi_use=multi_use,
        max_uses=max_uses,
        stakeholder_group=stakeholder_group or None,
        expires_at=expires_at,
        label=label,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        "invitation.create",
        object_type="invitation",
        object_id=invitation.id,
        project_id=organisation.project_id,
        actor=actor,
        number=invitation.number,
        organisation=organisation.name,
        multi_use=multi_use,
    )
    return invitation, token


def check_use_limit(max_uses: int | None, *, multi_use: bool) -> None:
    """:class:`InvalidInput` (field ``max_uses``) unless ``max_uses`` is None or the limit of
    a multi-use link: a number out of range (1 up to what the column holds) is told as such,
    whatever the kind; a limit on a single-use link says that it needs a multi-use one.
    Shared with the invitation form."""
    if max_uses is None:
        return
    limits.integer(max_uses, USE_LIMIT, low=1, column=Invitation.max_uses)
    if not multi_use:
        raise InvalidInput(Message(USE_LIMIT_NEEDS_MULTI), field="max_uses")


def check_label(round_: Round, label: str, *, multi_use: bool) -> None:
    """:class:`InvalidInput` (field ``label``) for a note the column cannot hold, or any note
    on a single-use link of an anonymous round (it would name the one respondent). Shared
    with the invitation form."""
    limits.name(label, LABEL, column=Invitation.label, required=False)
    if label.strip() and round_.anonymous and not multi_use:
        raise InvalidInput(Message(ANONYMOUS_LABEL, round=repr(round_.name)), field="label")


def check_batch(organisations: Sequence[Organisation], groups: Sequence[str | None]) -> None:
    """:class:`InvalidInput` (field ``organisation``) for no organisation, or more than
    :data:`BATCH_LIMIT` links (one per organisation and group). Shared with the form."""
    if not organisations:
        raise InvalidInput(Message(NO_PARTNERS), field="organisation")
    if len(organisations) * len(groups) > BATCH_LIMIT:
        raise InvalidInput(Message(BATCH_TOO_LARGE, limit=BATCH_LIMIT), field="organisation")


def expiry_after_day(day: date, time_zone: str) -> datetime:
    """The moment a link that works until the end of ``day`` in ``time_zone`` expires (the
    next midnight there, in UTC). Raises :class:`InvalidInput` for a day that has passed or
    lies outside the years the database stores."""
    limits.moment(datetime(day.year, day.month, day.day, tzinfo=UTC), EXPIRY)
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone(time_zone))
    expires = midnight.astimezone(UTC)
    if expires <= utcnow():
        raise InvalidInput(Message(LAST_DAY_PASSED), field="expires")
    return expires


def _next_number(session: Session, round_: Round) -> int:
    """The round's next link number. The round's row is locked first (``FOR UPDATE`` on
    PostgreSQL; SQLite has one writer at a time anyway), so that two facilitators creating
    links at once queue instead of drawing the same number."""
    session.exec(select(Round.id).where(Round.id == round_.id).with_for_update()).one()
    highest = session.exec(
        select(func.max(Invitation.number)).where(Invitation.round_id == round_.id)
    ).one()
    return int(highest or 0) + 1


@dataclass(frozen=True)
class NewLink:
    """A link as handed out: its invitation, organisation and plaintext token."""

    invitation: Invitation
    organisation: Organisation
    token: str


BATCH_LIMIT = 1000
"""The most links one batch creates or one sheet or CSV lists (organisations x groups)."""


def create_batch(
    session: Session,
    round_: Round,
    organisations: Sequence[Organisation],
    groups: Sequence[str | None],
    *,
    actor: str = audit.OPERATOR,
    **options: Any,
) -> list[NewLink]:
    """One new link per organisation and group (``groups`` ``[None]``: one per organisation),
    in that order; ``options`` as for :func:`create_invitation`. All or nothing: the caller's
    unit of work rolls back when one fails. Raises :class:`InvalidInput` beyond
    :data:`BATCH_LIMIT` links or for no organisation."""
    check_batch(organisations, groups)
    made: list[NewLink] = []
    for organisation in organisations:
        for group in groups:
            invitation, token = create_invitation(
                session, round_, organisation, stakeholder_group=group, actor=actor, **options
            )
            made.append(NewLink(invitation, organisation, token))
    return made


class LinkNotInRound(InvalidInput):
    """A posted link that is not a live link of this round (unknown, another round's, revoked)."""

    type_slug = "link-not-in-round"


def links_of_round(session: Session, round_: Round, tokens: Sequence[str]) -> list[NewLink]:
    """The links ``tokens`` (as posted back by a batch page) if every one hashes to a
    not-revoked invitation of ``round_``; in the order given, duplicates once.

    Raises :class:`LinkNotInRound` naming the first refused position (1-based) for any other
    token, and :class:`InvalidInput` for none or more than :data:`BATCH_LIMIT`: a tampered
    list prints nothing rather than a sheet with someone else's link.
    """
    if not tokens:
        raise InvalidInput(Message(NO_LINKS_SENT))
    if len(tokens) > BATCH_LIMIT:
        raise InvalidInput(Message(SHEET_TOO_LARGE, limit=BATCH_LIMIT))
    unique = list(dict.fromkeys(tokens))
    hashes = {token: hash_token(token) for token in unique if is_token_shaped(token)}
    found = {
        row.token_hash: row
        for row in session.exec(
            select(Invitation).where(
                col(Invitation.token_hash).in_(list(hashes.values())),
                Invitation.round_id == round_.id,
                col(Invitation.revoked_at).is_(None),
            )
        ).all()
    }
    names = {
        row.id: row
        for row in session.exec(
            select(Organisation).where(Organisation.project_id == round_.project_id)
        ).all()
    }
    links: list[NewLink] = []
    for position, token in enumerate(unique, start=1):
        invitation = found.get(hashes.get(token, ""))
        if invitation is None:
            raise LinkNotInRound(Message(NOT_IN_ROUND, position=position, round=repr(round_.name)))
        links.append(NewLink(invitation, names[invitation.organisation_id], token))
    return links


def revoke(session: Session, invitation: Invitation, *, actor: str = audit.OPERATOR) -> Invitation:
    """Make a link unusable from now on (idempotent) and end every browser session opened with
    it; responses made with it stay (and their personal links work)."""
    if invitation.revoked_at is not None:
        return invitation
    revocation.revoke(
        session,
        invitation,
        "invitation",
        actor=actor,
        round_id=invitation.round_id,
        number=invitation.number,
    )
    assert invitation.id is not None
    web_sessions.end_invitation_sessions(session, invitation.id)
    return invitation


def resolve_invitation(session: Session, token: str) -> ResolvedInvitation:
    """The invitation behind ``token`` with its context, or one of the errors above."""
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
    if invitation is None or not _usable(invitation, utcnow()):
        raise InvitationInvalid()
    round_ = session.get(Round, invitation.round_id)
    organisation = session.get(Organisation, invitation.organisation_id)
    assert round_ is not None
    assert organisation is not None
    project = session.get(Project, round_.project_id)
    assert project is not None
    state = round_state(round_)
    if state is RoundState.CLOSED:
        raise RoundClosed()
    if state is RoundState.NOT_YET_OPEN:
        raise RoundNotOpen(round_.opens_at)
    version = version_of(session, round_)
    return ResolvedInvitation(invitation, round_, organisation, project, version)


def record_use(session: Session, invitation: Invitation) -> Invitation:
    """Count one use, atomically and only while uses are left; does not commit.

    It lands in the caller's unit of work together with the response it starts, so a use is
    counted exactly when a response exists. The conditional UPDATE means two respondents
    racing for the last use of a link cannot both win: the loser gets
    :class:`InvitationInvalid`.
    """
    use_count = col(Invitation.use_count)
    result = session.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation.id,
            col(Invitation.revoked_at).is_(None),
            or_(col(Invitation.expires_at).is_(None), col(Invitation.expires_at) > utcnow()),
            or_(
                and_(col(Invitation.multi_use).is_(False), use_count < 1),
                and_(
                    col(Invitation.multi_use).is_(True),
                    or_(
                        col(Invitation.max_uses).is_(None),
                        use_count < col(Invitation.max_uses),
                    ),
                ),
            ),
        )
        .values(use_count=use_count + 1)
    )
    if result.rowcount != 1:
        raise InvitationInvalid()
    session.refresh(invitation)
    return invitation


def get_invitation(session: Session, round_: Round, number: int) -> Invitation:
    """An invitation of this round by its number within the round (#1, #2 ...); a number the
    round has not given is :class:`NotFound`."""
    invitation = (
        session.exec(
            select(Invitation).where(Invitation.round_id == round_.id, Invitation.number == number)
        ).first()
        if limits.is_id(number)
        else None
    )
    if invitation is None:
        raise NotFound(Message(NO_INVITATION, round=repr(round_.name), number=shorten(number)))
    return invitation


def list_invitations(session: Session, round_: Round) -> list[Invitation]:
    """The round's invitations by number."""
    return list(
        session.exec(
            select(Invitation)
            .where(Invitation.round_id == round_.id)
            .order_by(col(Invitation.number))
        ).all()
    )


def link_state(invitation: Invitation, now: datetime) -> str:
    """ "active", or why the link no longer opens: "revoked", "expired" or "used"."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at is not None and now >= invitation.expires_at:
        return "expired"
    limit = invitation.max_uses if invitation.multi_use else 1
    if limit is not None and invitation.use_count >= limit:
        return "used"
    return "active"


def _usable(invitation: Invitation, now: datetime) -> bool:
    return link_state(invitation, now) == "active"
