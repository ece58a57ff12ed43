"""How a respondent reaches a response: invitation and personal links, consent, the display
language and the browser session.

The personal link is one stable link per draft: its token is derived from the secret key, the
response's public id and a generation counter (:func:`app.tokens.derived_token`), so it can be
shown again after every "save and continue later" while only its hash is stored. Replacing it
(the respondent or a facilitator, when it may have leaked) counts the generation up: the old
link stops working and every browser session opened with it ends. A personal link stops
working when the response is submitted and ``lifetime`` after it was last shown or used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.db_types import utcnow
from app.errors import NO_DRAFT_OF_INVITATION, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import Invitation, Response, ResponseStatus, Round, WebSession
from app.services import audit, invitations, web_sessions
from app.services.responses import Context, definition_of, recorded_time
from app.settings import Settings
from app.tokens import derived_token, hash_token, same
from scoring import Definition, shorten

PERSONAL_LINK = "personal-link"
NOT_OFFERED = N_("language: %(value)s is not offered; this questionnaire is in %(offered)s")
SEVERAL_DRAFTS = N_(
    "invitation %(id)s has %(count)s unsubmitted responses; a new personal link can only be "
    "made for a link that started one"
)
RESUME_INVALID = N_(
    "This personal link does not work (any more). A personal link stops working when the "
    "answers are submitted, when it is replaced by a new one, and after a long time without "
    "use. If you still need to continue, please contact the person who invited you."
)


@dataclass(frozen=True)
class LinkPolicy:
    """What personal links need: the key they are derived with and how long they last."""

    key: str
    lifetime: timedelta


def link_policy(settings: Settings) -> LinkPolicy:
    return LinkPolicy(settings.effective_secret_key(), timedelta(days=settings.personal_link_days))


def open_invitation(session: Session, token: str, preferred: Sequence[str] = ()) -> Response:
    """A new draft for this invitation (counting one use). Does not commit.

    The draft's language is the first of ``preferred`` that the definition offers, else the
    definition's default language.
    """
    resolved = invitations.resolve_invitation(session, token)
    invitations.record_use(session, resolved.invitation)
    definition = definition_of(session, resolved.round)
    offered = [language for language in preferred if language in definition.languages]
    chosen = offered[0] if offered else definition.default_language
    assert resolved.invitation.id is not None
    response = Response(
        round_id=resolved.round.id or 0,
        organisation_id=resolved.organisation.id or 0,
        invitation_id=resolved.invitation.id,
        stakeholder_group=resolved.invitation.stakeholder_group,
        language=chosen,
        created_at=recorded_time(resolved.round),
        updated_at=recorded_time(resolved.round),
    )
    session.add(response)
    session.flush()
    return response


def opened_with(session: Session, response_id: int, token: str) -> bool:
    """Whether the response was started with the invitation behind ``token``."""
    response = session.get(Response, response_id)
    if response is None or response.invitation_id is None:
        return False
    invitation = session.get(Invitation, response.invitation_id)
    return invitation is not None and same(invitation.token_hash, hash_token(token))


def find_by_personal_link(
    session: Session, token: str, policy: LinkPolicy, now: datetime | None = None
) -> Response:
    """The draft behind a live personal link, its lifetime renewed (it was used). Flushes.

    Unknown, replaced, expired and submitted links all raise the same :class:`NotFound`.
    """
    now = now or utcnow()
    response = session.exec(
        select(Response).where(col(Response.resume_token_hash) == hash_token(token))
    ).first()
    if (
        response is None
        or response.status != ResponseStatus.DRAFT
        or response.resume_expires_at is None
        or response.resume_expires_at <= now
    ):
        raise NotFound(Message(RESUME_INVALID))
    _renew(session, response, policy, now)
    return response


def personal_link(session: Session, response: Response, policy: LinkPolicy) -> str:
    """The draft's personal link token: the same one every time within a generation.

    Stores its hash (again: a changed secret key changes the token) and renews its lifetime.
    Flushes, does not commit.
    """
    if response.status != ResponseStatus.DRAFT:
        raise Conflict(N_("This response has been submitted and can no longer be changed."))
    token = _derived(response, policy)
    response.resume_token_hash = hash_token(token)
    _renew(session, response, policy, utcnow())
    return token


def current_personal_link(
    response: Response, policy: LinkPolicy, now: datetime | None = None
) -> str | None:
    """The draft's live personal link token, changing nothing (a page shown by GET may show it
    again), or None when that link would not open: submitted, expired, or stored under another
    secret key (then :func:`personal_link` makes it anew on the next save for later)."""
    if (
        response.status != ResponseStatus.DRAFT
        or response.resume_token_hash is None
        or response.resume_expires_at is None
        or response.resume_expires_at <= (now or utcnow())
    ):
        return None
    token = _derived(response, policy)
    return token if same(response.resume_token_hash, hash_token(token)) else None


def _derived(response: Response, policy: LinkPolicy) -> str:
    return derived_token(
        policy.key, PERSONAL_LINK, response.public_id, str(response.resume_generation)
    )


def replace_personal_link(
    session: Session,
    response: Response,
    policy: LinkPolicy,
    *,
    keep: WebSession | None = None,
    actor: str = audit.RESPONDENT,
) -> str:
    """A new personal link: the old one stops working and every browser session opened with it
    ends, except ``keep`` (the respondent's own session, which now holds the new link).
    Facilitators' replacements are audited outside anonymous rounds. Flushes, no commit.
    """
    assert response.id is not None
    response.resume_generation += 1
    web_sessions.end_personal_link_sessions(session, response.id, keep=keep)
    if keep is not None and keep.link_generation is not None:
        keep.link_generation = response.resume_generation
        session.add(keep)
    token = personal_link(session, response, policy)
    round_ = session.get(Round, response.round_id)
    if actor != audit.RESPONDENT and round_ is not None and not round_.anonymous:
        audit.record(
            session,
            "response.replace_link",
            actor=actor,
            object_type="response",
            object_id=response.public_id,
            project_id=round_.project_id,
        )
    return token


def replace_for_invitation(
    session: Session, invitation: Invitation, policy: LinkPolicy, actor: str
) -> str:
    """A facilitator replaces the personal link of the one draft started with ``invitation``.

    Raises :class:`NotFound` when the invitation has no draft and :class:`Conflict` when it has
    several (a multi-use link: the drafts cannot be told apart without naming people).
    """
    drafts = session.exec(
        select(Response).where(
            col(Response.invitation_id) == invitation.id,
            col(Response.status) == ResponseStatus.DRAFT.value,
        )
    ).all()
    if not drafts:
        raise NotFound(Message(NO_DRAFT_OF_INVITATION, id=str(invitation.id)))
    if len(drafts) > 1:
        raise Conflict(Message(SEVERAL_DRAFTS, id=str(invitation.id), count=len(drafts)))
    return replace_personal_link(session, drafts[0], policy, actor=actor)


def _renew(session: Session, response: Response, policy: LinkPolicy, now: datetime) -> None:
    """The link lasts ``policy.lifetime`` from now (anonymous rounds: from the day, plus one
    day, so the stored expiry says nothing more precise than the day)."""
    round_ = session.get(Round, response.round_id)
    assert round_ is not None
    extra = timedelta(days=1) if round_.anonymous else timedelta(0)
    response.resume_expires_at = recorded_time(round_, now) + policy.lifetime + extra
    session.add(response)
    session.flush()


def give_consent(session: Session, context: Context, policy: LinkPolicy) -> str:
    """Record consent to the round's notice (version and time); return the personal link token.

    Anonymous rounds keep only the day of consent, not the precise time. Flushes, no commit.
    """
    response = context.response
    if response.consented_at is None:
        response.consent_version = context.round.notice_version
        response.consented_at = recorded_time(context.round)
    return personal_link(session, response, policy)


def not_offered(definition: Definition, language: str) -> Message | None:
    """Why ``language`` is refused (what was sent and the languages offered), or None when
    ``definition`` offers it."""
    if language in definition.languages:
        return None
    return Message(NOT_OFFERED, value=shorten(language), offered=", ".join(definition.languages))


def check_offered(definition: Definition, language: str) -> None:
    """Refuse ``language`` unless ``definition`` offers it (:class:`InvalidInput`, see
    :func:`not_offered`): a form or link naming another language was not made by these
    pages, so nothing falls back silently."""
    refused = not_offered(definition, language)
    if refused is not None:
        raise InvalidInput(refused, field="language")


def choose_language(
    session: Session, context: Context, web_session: WebSession, language: str
) -> None:
    """Show pages in ``language`` from now on. Does not commit.

    A draft also records it as the language it is answered in. A language the definition
    does not offer is refused (:func:`check_offered`), never silently ignored.
    """
    check_offered(context.definition, language)
    web_sessions.set_data(session, web_session, language=language)
    if not context.submitted:
        context.response.language = language
        session.add(context.response)


def attach_session(
    session: Session,
    response: Response,
    policy: web_sessions.SessionPolicy,
    *,
    invitation_id: int | None = None,
    link_generation: int | None = None,
) -> str:
    """Start a browser session for a response, noting the link that opened it (the invitation
    or the personal link's generation); returns the cookie value. Flushes, no commit."""
    assert response.id is not None
    web_sessions.purge_expired(session, policy)
    _row, cookie = web_sessions.start_session(
        session,
        policy,
        response_id=response.id,
        invitation_id=invitation_id,
        link_generation=link_generation,
    )
    return cookie
