"""Facilitator and admin accounts: passwords, logins, disabling, one-time reset links.

Passwords are hashed with Argon2id (argon2-cffi, its RFC 9106 default parameters); a login
whose stored hash was made with other parameters rehashes it, so raising the cost reaches every
active account. A failed login never tells whether the account exists: unknown, disabled and
wrong-password logins raise the same :class:`InvalidCredentials`, and an unknown address is
checked against a dummy hash so that it takes as long as a real check.

Ending sessions is part of the account: disabling an account ends all its sessions, a changed
or reset password ends every other one (a stolen session dies with the old password). Reset
links are issued by an admin (no mail server needed): a random token shown once, stored
hashed, valid for :data:`RESET_LINK_LASTS`, one link per account at a time.

Throttling of failed logins (per account and per client) happens around the login request
(:func:`app.deps.login_guard`): the count must outlive the failed attempt's rollback.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from app import limits
from app.db_types import utcnow
from app.errors import NO_ACCOUNT, Conflict, InvalidInput, NotFound, Unauthorized
from app.i18n import N_, Message
from app.models import Role, User, WebSession
from app.services import audit
from app.tokens import hash_token, new_token
from scoring import shorten

HASHER = PasswordHasher()
"""The password hasher; tests swap in a cheaper one (its parameters are in each hash)."""
PASSWORD_MIN = 12
PASSWORD_MAX = 256  # bounded before hashing: a megabyte password must not cost a megabyte hash
RESET_LINK_LASTS = timedelta(hours=48)
INVALID_CREDENTIALS_MESSAGE = N_("The e-mail address or the password is not correct.")
RESET_LINK_MESSAGE = N_(
    "This password link is unknown, has expired or has already been used. Please ask an "
    "administrator for a new one."
)
WRONG_PASSWORD_MESSAGE = N_("The current password is not correct, so nothing was changed.")


class InvalidCredentials(Unauthorized):
    """A login that failed, for whatever reason (never says which)."""

    type_slug = "invalid-credentials"

    def __init__(self) -> None:
        super().__init__(INVALID_CREDENTIALS_MESSAGE)


class ResetLinkInvalid(NotFound):
    """A password-reset token that is unknown, expired or used: one answer for all three."""

    type_slug = "reset-link-invalid"

    def __init__(self) -> None:
        super().__init__(Message(RESET_LINK_MESSAGE))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The address as stored (trimmed, lower-case), or InvalidInput naming it."""
    email = normalise_email(limits.text(email, "e-mail address", column=User.email, required=True))
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or "@" in domain or " " in email:
        raise InvalidInput(Message(NOT_AN_ADDRESS, email=shorten(email)), field="email")
    return email


NOT_AN_ADDRESS = N_("e-mail address %(email)s is not an address such as a@b.org")
PASSWORD_LENGTH = N_("needs %(low)s to %(high)s characters")
NO_NUL = N_("must not contain NUL characters")
ACCOUNT_EXISTS = N_("an account %(email)s already exists")
ACCOUNT_DISABLED = N_("the account %(email)s is disabled")


def check_password(password: str, field: str = N_("password")) -> str:
    """Refuse a password that is too short or too long (any characters are allowed)."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise limits.field_problem(
            field, Message(PASSWORD_LENGTH, low=PASSWORD_MIN, high=PASSWORD_MAX)
        )
    if "\x00" in password:
        raise limits.field_problem(field, Message(NO_NUL))
    return password


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(parameters: str) -> str:
    return HASHER.hash("not a password of anyone " + parameters)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    display_name: str = "",
    admin: bool = False,
    actor: str = audit.OPERATOR,
) -> User:
    """A new active account; the address must be unused."""
    email = check_email(email)
    name = limits.name(display_name.strip() or email, "name", column=User.display_name)
    check_password(password)
    if find_user(session, email) is not None:
        raise Conflict(Message(ACCOUNT_EXISTS, email=repr(email)), email=email)
    user = User(
        email=email,
        display_name=name,
        password_hash=hash_password(password),
        role=Role.ADMIN if admin else Role.FACILITATOR,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.create", actor=actor, object_type="user", object_id=user.id)
    return user


def find_user(session: Session, email: str) -> User | None:
    email = normalise_email(email) if isinstance(email, str) else email
    if not limits.findable(email, User.email):
        return None
    return session.exec(select(User).where(User.email == email)).first()


def get_user(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise NotFound(Message(NO_ACCOUNT, account=shorten(email)), email=email)
    return user


def get_user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if limits.is_id(user_id) else None
    if user is None:
        raise NotFound(Message(NO_ACCOUNT, account=shorten(user_id)))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.email))).all())


def authenticate(session: Session, email: str, password: str) -> User:
    """The active account with this address and password, else :class:`InvalidCredentials`.

    Every failure costs one hash verification, so the time does not tell an unknown address
    from a wrong password. A correct password under old hash parameters is rehashed.
    """
    user = find_user(session, email) if isinstance(email, str) else None
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        password = ""  # still verified below, so that the time is the same
    if user is None:
        _verify(_dummy_hash(str(HASHER.time_cost) + str(HASHER.memory_cost)), password)
        raise InvalidCredentials()
    if not _verify(user.password_hash, password) or not user.is_active:
        raise InvalidCredentials()
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def change_password(
    session: Session, user: User, current: str, new: str, *, keep_session_id: int | None
) -> int:
    """Set a new password after checking the current one; ends the user's other sessions.

    Returns how many sessions were ended.
    """
    if not _verify(user.password_hash, current if isinstance(current, str) else ""):
        raise InvalidInput(WRONG_PASSWORD_MESSAGE, field="current_password")
    check_password(new, N_("new password"))
    user.password_hash = hash_password(new)
    session.add(user)
    ended = end_sessions(session, user, keep_session_id=keep_session_id)
    audit.record(session, "user.password", actor=user.email, object_type="user", object_id=user.id)
    return ended


def disable_user(session: Session, user: User, *, actor: str = audit.OPERATOR) -> int:
    """Deactivate the account and end all its sessions at once; returns how many ended."""
    if user.is_active:
        user.is_active = False
        user.deactivated_at = utcnow()
        user.reset_token_hash = None
        user.reset_expires_at = None
        session.add(user)
        audit.record(session, "user.disable", actor=actor, object_type="user", object_id=user.id)
    return end_sessions(session, user)


def end_sessions(session: Session, user: User, *, keep_session_id: int | None = None) -> int:
    """Delete the user's browser sessions (except ``keep_session_id``); returns how many."""
    condition = [col(WebSession.user_id) == user.id]
    if keep_session_id is not None:
        condition.append(col(WebSession.id) != keep_session_id)
    result = session.exec(delete(WebSession).where(*condition))
    return int(result.rowcount or 0)


def issue_reset_link(session: Session, user: User, *, actor: str = audit.OPERATOR) -> str:
    """A new one-time reset token for ``user`` (replacing any earlier one); shown once."""
    if not user.is_active:
        raise Conflict(Message(ACCOUNT_DISABLED, email=repr(user.email)), email=user.email)
    token = new_token()
    user.reset_token_hash = hash_token(token)
    user.reset_expires_at = utcnow() + RESET_LINK_LASTS
    session.add(user)
    audit.record(session, "user.reset_link", actor=actor, object_type="user", object_id=user.id)
    return token


def find_by_reset_token(session: Session, token: str) -> User:
    """The active account whose live reset link this is, else :class:`ResetLinkInvalid`."""
    user = session.exec(select(User).where(User.reset_token_hash == hash_token(token))).first()
    if (
        user is None
        or not user.is_active
        or user.reset_expires_at is None
        or user.reset_expires_at <= utcnow()
    ):
        raise ResetLinkInvalid()
    return user


def reset_password(session: Session, token: str, new: str) -> User:
    """Set a new password through a reset link; the link is used up and all sessions end."""
    user = find_by_reset_token(session, token)
    check_password(new, N_("new password"))
    user.password_hash = hash_password(new)
    user.reset_token_hash = None
    user.reset_expires_at = None
    session.add(user)
    end_sessions(session, user)
    audit.record(session, "user.password_reset", object_type="user", object_id=user.id)
    return user


def account_bucket(email: str) -> str:
    """The throttling bucket of a login address: its hash, so no address is stored there."""
    digest = hashlib.sha256(normalise_email(email).encode("utf-8", "surrogatepass")).hexdigest()
    return f"login-account:{digest[:32]}"
