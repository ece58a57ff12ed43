"""Accounts: Argon2 hashes (rehashed when parameters change), one answer for every failed
login, sessions that end with a disabled account or a changed password, one-time reset links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, profiles
from sqlmodel import Session, select

from app.db_types import utcnow
from app.errors import Conflict, InvalidInput
from app.models import Role, User, WebSession
from app.services import accounts, web_sessions
from app.services.web_sessions import SessionPolicy
from app.tokens import hash_token

PASSWORD = "correct horse battery"
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


def _user(session: Session, email: str = "Ana@Example.org", **options: object) -> User:
    return accounts.create_user(session, email, PASSWORD, **options)  # type: ignore[arg-type]


def test_create_stores_a_lowercase_address_and_only_an_argon2_hash(session: Session) -> None:
    user = _user(session, display_name="Ana", admin=True)
    assert (user.email, user.display_name, user.role) == ("ana@example.org", "Ana", Role.ADMIN)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    with pytest.raises(Conflict, match=r"an account 'ana@example\.org' already exists"):
        _user(session, "ANA@example.org ")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("no-at-sign", PASSWORD, "e-mail address 'no-at-sign' is not an address"),
        ("a@b", PASSWORD, "is not an address such as a@b.org"),
        ("a@b.org", "short", "password: needs 12 to 256 characters"),
        ("a@b.org", "x" * 257, "password: needs 12 to 256 characters"),
    ],
)
def test_bad_accounts_are_refused_naming_the_field(
    session: Session, email: str, password: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        accounts.create_user(session, email, password)


def test_every_failed_login_is_the_same_error(session: Session) -> None:
    user = _user(session)
    disabled = _user(session, "off@example.org")
    accounts.disable_user(session, disabled)
    errors = []
    for email, password in (
        ("ana@example.org", "wrong password!"),
        ("nobody@example.org", PASSWORD),
        ("off@example.org", PASSWORD),
        ("ana@example.org", "x" * 10_000),
    ):
        with pytest.raises(accounts.InvalidCredentials) as caught:
            accounts.authenticate(session, email, password)
        errors.append((caught.value.status_code, caught.value.detail, caught.value.type_slug))
    assert len(set(errors)) == 1
    assert errors[0] == (401, accounts.INVALID_CREDENTIALS_MESSAGE, "invalid-credentials")
    assert accounts.authenticate(session, " ANA@example.org", PASSWORD).id == user.id


def test_an_unknown_address_still_costs_a_hash_check(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Similar timing: the unknown address is verified against a dummy hash."""
    checked: list[str] = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: checked.append(h) or real(h, p))
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, "nobody@example.org", PASSWORD)
    assert len(checked) == 1
    assert checked[0].startswith("$argon2id$")


def test_login_rehashes_when_the_parameters_change(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _user(session)
    old = user.password_hash
    stronger = PasswordHasher.from_parameters(profiles.CHEAPEST)
    stronger = PasswordHasher(time_cost=stronger.time_cost + 1, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    accounts.authenticate(session, user.email, PASSWORD)
    assert user.password_hash != old
    assert "t=2" in user.password_hash
    assert not stronger.check_needs_rehash(user.password_hash)


def _sessions(session: Session, user_id: int | None) -> list[int | None]:
    rows = session.exec(select(WebSession).where(WebSession.user_id == user_id)).all()
    return sorted(row.id for row in rows)


def test_password_change_ends_the_other_sessions_only(session: Session) -> None:
    user = _user(session)
    mine, _ = web_sessions.start_session(session, POLICY, user_id=user.id)
    web_sessions.start_session(session, POLICY, user_id=user.id)
    with pytest.raises(InvalidInput, match="current password is not correct"):
        accounts.change_password(session, user, "wrong", "a new long password", keep_session_id=1)
    ended = accounts.change_password(
        session, user, PASSWORD, "a new long password", keep_session_id=mine.id
    )
    assert ended == 1
    assert _sessions(session, user.id) == [mine.id]
    assert accounts.authenticate(session, user.email, "a new long password").id == user.id


def test_disabling_ends_every_session_and_refuses_logins(session: Session) -> None:
    user = _user(session)
    web_sessions.start_session(session, POLICY, user_id=user.id)
    assert accounts.disable_user(session, user) == 1
    assert _sessions(session, user.id) == []
    assert user.deactivated_at is not None
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, user.email, PASSWORD)


def test_a_reset_link_works_once_and_is_stored_hashed(session: Session) -> None:
    user = _user(session)
    web_sessions.start_session(session, POLICY, user_id=user.id)
    token = accounts.issue_reset_link(session, user)
    assert user.reset_token_hash == hash_token(token)
    assert token not in str(user.model_dump())
    accounts.reset_password(session, token, "the reset password")
    assert _sessions(session, user.id) == []
    assert accounts.authenticate(session, user.email, "the reset password").id == user.id
    with pytest.raises(accounts.ResetLinkInvalid):
        accounts.reset_password(session, token, "another password!")


def test_expired_replaced_and_unknown_reset_links_get_one_answer(session: Session) -> None:
    user = _user(session)
    first = accounts.issue_reset_link(session, user)
    second = accounts.issue_reset_link(session, user)
    expired = accounts.issue_reset_link(session, _user(session, "old@example.org"))
    accounts.get_user(session, "old@example.org").reset_expires_at = utcnow() - timedelta(seconds=1)
    answers = set()
    for token in (first, expired, "unknown"):
        with pytest.raises(accounts.ResetLinkInvalid) as caught:
            accounts.find_by_reset_token(session, token)
        answers.add(caught.value.detail)
    assert len(answers) == 1
    assert accounts.find_by_reset_token(session, second).id == user.id


def test_short_new_password_through_a_reset_keeps_the_link(session: Session) -> None:
    user = _user(session)
    token = accounts.issue_reset_link(session, user)
    with pytest.raises(InvalidInput, match="new password: needs 12"):
        accounts.reset_password(session, token, "short")
    assert accounts.find_by_reset_token(session, token).id == user.id
