"""Invitation tokens: hashed, one answer for every invalid token, round state after validity."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import writer_session
from app.db_types import utcnow
from app.errors import Conflict, Gone, InvalidInput, NotFound
from app.models import Invitation, Organisation, Round
from app.services import invitations, rounds
from app.services.invitations import InvitationInvalid, RoundClosed, RoundNotOpen
from app.tokens import hash_token
from tests import factories


@pytest.fixture
def network(session: Session) -> factories.Network:
    return factories.network(session, organisation_name="Saxony")


@pytest.fixture
def round_(network: factories.Network) -> Round:
    return network.round


@pytest.fixture
def organisation(network: factories.Network) -> Organisation:
    return network.organisation


def test_token_is_returned_once_and_stored_hashed(
    session: Session, round_: Round, organisation: Organisation
) -> None:
    invitation, token = invitations.create_invitation(
        session, round_, organisation, stakeholder_group="ngo", label="NGOs"
    )
    assert len(token) >= 22  # at least 128 bits, URL-safe
    stored = session.exec(select(Invitation)).one()
    assert stored.token_hash == hash_token(token)
    assert token not in stored.model_dump_json()
    resolved = invitations.resolve_invitation(session, token)
    assert resolved.invitation.id == invitation.id
    assert resolved.organisation.name == "Saxony"
    assert resolved.project.id == round_.project_id
    assert resolved.round.id == round_.id
    assert resolved.version.version == "1.0"
    assert resolved.invitation.stakeholder_group == "ngo"


def test_organisation_of_another_project_is_not_found(session: Session, round_: Round) -> None:
    stranger = factories.organisation(session)  # in a project of its own
    with pytest.raises(NotFound):
        invitations.create_invitation(session, round_, stranger)


def _message(session: Session, token: str) -> str:
    with pytest.raises(InvitationInvalid) as caught:
        invitations.resolve_invitation(session, token)
    assert caught.value.status_code == 404
    return caught.value.detail


def test_every_invalid_token_gets_the_same_answer(
    session: Session, round_: Round, organisation: Organisation
) -> None:
    used, used_token = invitations.create_invitation(session, round_, organisation)
    invitations.record_use(session, used)
    session.commit()
    revoked, revoked_token = invitations.create_invitation(session, round_, organisation)
    invitations.revoke(session, revoked)
    expiring, expired_token = invitations.create_invitation(
        session, round_, organisation, expires_at=utcnow() + timedelta(hours=1)
    )
    expiring.expires_at = utcnow() - timedelta(seconds=1)
    session.add(expiring)
    session.commit()
    capped, capped_token = invitations.create_invitation(
        session, round_, organisation, multi_use=True, max_uses=2
    )
    invitations.record_use(session, capped)
    invitations.record_use(session, capped)
    session.commit()
    messages = {
        _message(session, token)
        for token in ("unknown-token", used_token, revoked_token, expired_token, capped_token)
    }
    assert messages == {invitations.INVALID_MESSAGE}


def test_single_use_cannot_be_used_twice(
    session: Session, round_: Round, organisation: Organisation
) -> None:
    invitation, _token = invitations.create_invitation(session, round_, organisation)
    assert invitations.record_use(session, invitation).use_count == 1
    with pytest.raises(InvitationInvalid):
        invitations.record_use(session, invitation)


def test_multi_use_without_limit(
    session: Session, round_: Round, organisation: Organisation
) -> None:
    invitation, token = invitations.create_invitation(session, round_, organisation, multi_use=True)
    for _ in range(5):
        invitations.record_use(session, invitation)
    session.commit()
    assert invitations.resolve_invitation(session, token).invitation.use_count == 5


def test_closed_round_is_gone(session: Session, round_: Round, organisation: Organisation) -> None:
    _invitation, token = invitations.create_invitation(session, round_, organisation)
    rounds.close_round(session, round_)
    with pytest.raises(RoundClosed) as caught:
        invitations.resolve_invitation(session, token)
    assert isinstance(caught.value, Gone)
    assert caught.value.status_code == 410
    with pytest.raises(RoundClosed, match="closed: no new invitations"):
        invitations.create_invitation(session, round_, organisation)


def test_round_not_yet_open(session: Session, round_: Round, organisation: Organisation) -> None:
    round_.opens_at = utcnow() + timedelta(days=2)
    session.add(round_)
    session.commit()
    _invitation, token = invitations.create_invitation(session, round_, organisation)
    with pytest.raises(RoundNotOpen, match="not open yet: it opens on") as caught:
        invitations.resolve_invitation(session, token)
    assert isinstance(caught.value, Conflict)


def test_invalid_options(session: Session, round_: Round, organisation: Organisation) -> None:
    with pytest.raises(InvalidInput, match="multi-use"):
        invitations.create_invitation(session, round_, organisation, max_uses=3)
    with pytest.raises(InvalidInput, match="future"):
        invitations.create_invitation(
            session, round_, organisation, expires_at=utcnow() - timedelta(days=1)
        )


def test_record_use_refuses_expired_and_revoked(
    session: Session, round_: Round, organisation: Organisation
) -> None:
    expiring, _token = invitations.create_invitation(
        session, round_, organisation, multi_use=True, expires_at=utcnow() + timedelta(hours=1)
    )
    expiring.expires_at = utcnow() - timedelta(seconds=1)
    session.add(expiring)
    session.commit()
    with pytest.raises(InvitationInvalid):
        invitations.record_use(session, expiring)
    revoked, _token = invitations.create_invitation(session, round_, organisation, multi_use=True)
    invitations.revoke(session, revoked)
    with pytest.raises(InvitationInvalid):
        invitations.record_use(session, revoked)


def test_links_are_numbered_per_round_even_when_made_at_the_same_time(engine: Engine) -> None:
    """Four facilitators create a link in one round at once, each holding their transaction
    open a while: the round's row lock makes them queue, so the numbers are 1 to 4 (without it,
    PostgreSQL would let two draw the same number and one would fail); another round counts
    from 1 again."""
    with writer_session(engine) as session:
        made = factories.network(session, organisation_name="Saxony")
        ids = made.round.id, made.organisation.id, made.project.id
        other = factories.round_(session, made.project, "Follow-up")
        factories.invitation(session, other, made.organisation)
        session.commit()
    numbers: list[int] = []
    failures: list[BaseException] = []

    def create() -> None:
        try:
            with writer_session(engine) as session:
                round_ = session.get(Round, ids[0])
                organisation = session.get(Organisation, ids[1])
                assert round_ is not None
                assert organisation is not None
                invitation, _token = invitations.create_invitation(session, round_, organisation)
                time.sleep(0.2)
                session.commit()
                numbers.append(invitation.number)
        except BaseException as problem:
            failures.append(problem)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(numbers) == [1, 2, 3, 4]


def test_a_number_is_looked_up_in_its_round_only(session: Session) -> None:
    made = factories.network(session, organisation_name="Saxony")
    other = factories.round_(session, made.project, "Follow-up")
    first, _token = factories.invitation(session, made.round, made.organisation)
    elsewhere, _token = factories.invitation(session, other, made.organisation)
    assert (first.number, elsewhere.number) == (1, 1)
    assert invitations.get_invitation(session, other, 1).id == elsewhere.id
    with pytest.raises(NotFound, match="round 'Follow-up' has no invitation 2"):
        invitations.get_invitation(session, other, 2)
    with pytest.raises(NotFound):
        invitations.get_invitation(session, other, 2**70)
