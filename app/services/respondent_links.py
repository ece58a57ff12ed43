"""How a respondent reaches a response: invitation and personal (resume) links, consent,
the display language and the browser session.

Links are secrets shown once: only their hashes are stored. A new personal link replaces the
previous one (so it can be shown again without keeping it in plaintext anywhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import N_
from app.models import Invitation, Response, WebSession
from app.services import invitations, web_sessions
from app.services.responses import Context, definition_of, recorded_time
from app.tokens import hash_token, new_token, same

RESUME_INVALID = N_(
    "This personal link is not valid. It may have been replaced by a newer link: "
    "please use the most recent link you saved."
)


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


def find_by_resume_token(session: Session, token: str) -> Response:
    """The response behind a personal resume link (one answer for every invalid link)."""
    response = session.exec(
        select(Response).where(Response.resume_token_hash == hash_token(token))
    ).first()
    if response is None:
        raise NotFound(RESUME_INVALID)
    return response


def new_resume_token(session: Session, response: Response) -> str:
    """A fresh personal link token; the previous link stops working. Does not commit."""
    token = new_token()
    response.resume_token_hash = hash_token(token)
    session.add(response)
    return token


def give_consent(session: Session, context: Context) -> str:
    """Record consent to the round's notice (version and time); return a new resume token.

    Anonymous rounds keep only the day of consent, not the precise time. Does not commit.
    """
    response = context.response
    if response.consented_at is None:
        response.consent_version = context.round.notice_version
        response.consented_at = recorded_time(context.round)
    return new_resume_token(session, response)


def choose_language(
    session: Session, context: Context, web_session: WebSession, language: str
) -> None:
    """Show pages in ``language`` from now on (one the definition offers). Does not commit.

    A draft also records it as the language it is answered in.
    """
    if language not in context.definition.languages:
        return
    web_sessions.set_data(session, web_session, language=language)
    if not context.submitted:
        context.response.language = language
        session.add(context.response)


def replace_resume_token(session: Session, context: Context) -> str:
    """A new personal link for the response; the old one stops working. Does not commit."""
    return new_resume_token(session, context.response)


def attach_session(session: Session, response: Response, policy: web_sessions.SessionPolicy) -> str:
    """Start a browser session for a response; returns the cookie value. Does not commit."""
    assert response.id is not None
    web_sessions.purge_expired(session, policy)
    _row, cookie = web_sessions.start_session(session, policy, response_id=response.id)
    return cookie
