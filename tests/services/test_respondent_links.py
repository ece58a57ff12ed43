"""How a respondent reaches a response: invitation links open drafts (counting uses, choosing
the language), personal links find them, consent is recorded, sessions are attached."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.db_types import utcnow
from app.errors import InvalidInput, NotFound
from app.models import Invitation, ResponseStatus, WebSession
from app.services import respondent_links, responses, web_sessions
from app.services.invitations import InvitationInvalid
from app.services.web_sessions import SessionPolicy
from tests import factories

POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=2))
LINKS = respondent_links.LinkPolicy("test-key", timedelta(days=30))


@pytest.fixture
def network(session: Session) -> factories.Network:
    made = factories.network(session, notice_version="3")
    session.commit()
    return made


def _token(session: Session, network: factories.Network, **options: object) -> str:
    _invitation, token = factories.invitation(
        session, network.round, network.organisation, **options
    )
    session.commit()
    return token


@pytest.mark.parametrize(
    ("preferred", "language"),
    [(["pl", "de-AT", "de", "en"], "de"), (["en"], "en"), (["pl"], "en"), ([], "en")],
)
def test_opening_an_invitation_makes_a_draft_in_an_offered_language(
    session: Session, network: factories.Network, preferred: list[str], language: str
) -> None:
    token = _token(session, network, stakeholder_group="ngo")
    response = respondent_links.open_invitation(session, token, preferred)
    assert response.language == language  # else the definition's default (mini: en)
    assert (response.round_id, response.organisation_id) == (
        network.round.id,
        network.organisation.id,
    )
    assert response.stakeholder_group == "ngo"
    assert response.consented_at is None
    invitation = session.get(Invitation, response.invitation_id)
    assert invitation is not None
    assert invitation.use_count == 1


def test_each_opening_counts_one_use(session: Session, network: factories.Network) -> None:
    single = _token(session, network)
    respondent_links.open_invitation(session, single)
    session.commit()
    with pytest.raises(InvitationInvalid):
        respondent_links.open_invitation(session, single)
    session.rollback()
    multi = _token(session, network, multi_use=True, max_uses=2)
    first = respondent_links.open_invitation(session, multi)
    second = respondent_links.open_invitation(session, multi)
    assert first.id != second.id
    session.commit()
    with pytest.raises(InvitationInvalid):
        respondent_links.open_invitation(session, multi)


def test_anonymous_drafts_keep_only_the_day(session: Session) -> None:
    made = factories.network(session, anonymous=True)
    session.commit()
    response = respondent_links.open_invitation(session, _token(session, made))
    for moment in (response.created_at, response.updated_at):
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def test_opened_with_knows_the_invitation_behind_a_response(
    session: Session, network: factories.Network
) -> None:
    token, other = _token(session, network), _token(session, network)
    response = respondent_links.open_invitation(session, token)
    assert response.id is not None
    assert respondent_links.opened_with(session, response.id, token)
    assert not respondent_links.opened_with(session, response.id, other)
    assert not respondent_links.opened_with(session, response.id, "unknown")
    without = factories.response(session, network.round, network.organisation)
    assert without.id is not None
    assert not respondent_links.opened_with(session, without.id, token)
    assert not respondent_links.opened_with(session, 10_000, token)


def test_consent_records_the_notice_version_and_gives_a_personal_link(
    session: Session, network: factories.Network
) -> None:
    draft = factories.response(session, network.round, network.organisation, consented=False)
    session.commit()
    assert draft.id is not None
    context = responses.load(session, draft.id)
    token = respondent_links.give_consent(session, context, LINKS)
    assert (draft.consent_version, draft.consented_at is not None) == ("3", True)
    assert respondent_links.find_by_personal_link(session, token, LINKS).id == draft.id
    assert draft.resume_token_hash is not None
    assert token not in draft.resume_token_hash
    assert respondent_links.personal_link(session, draft, LINKS) == token  # the same link again


def test_a_replaced_personal_link_stops_working(
    session: Session, network: factories.Network
) -> None:
    draft = factories.response(session, network.round, network.organisation)
    session.commit()
    old = respondent_links.personal_link(session, draft, LINKS)
    new = respondent_links.replace_personal_link(session, draft, LINKS)
    assert new != old
    assert respondent_links.find_by_personal_link(session, new, LINKS).id == draft.id
    with pytest.raises(NotFound, match="This personal link does not work"):
        respondent_links.find_by_personal_link(session, old, LINKS)
    with pytest.raises(NotFound, match="This personal link does not work"):
        respondent_links.find_by_personal_link(session, "never-issued", LINKS)
    other_key = respondent_links.LinkPolicy("another-key", LINKS.lifetime)
    assert respondent_links.personal_link(session, draft, other_key) != new  # key-bound


def test_a_personal_link_expires_and_ends_with_the_draft(
    session: Session, network: factories.Network
) -> None:
    draft = factories.response(session, network.round, network.organisation)
    session.commit()
    token = respondent_links.personal_link(session, draft, LINKS)
    later = utcnow() + LINKS.lifetime + timedelta(minutes=1)
    with pytest.raises(NotFound):
        respondent_links.find_by_personal_link(session, token, LINKS, now=later)
    draft.status = ResponseStatus.SUBMITTED
    session.add(draft)
    with pytest.raises(NotFound):
        respondent_links.find_by_personal_link(session, token, LINKS)


def test_choosing_a_language(session: Session, network: factories.Network) -> None:
    draft = factories.response(session, network.round, network.organisation, language="en")
    row, _cookie = web_sessions.start_session(session, POLICY, response_id=draft.id)
    session.commit()
    context = responses.load(session, draft.id or 0)
    respondent_links.choose_language(session, context, row, "de")
    assert (draft.language, row.data) == ("de", {"language": "de"})
    with pytest.raises(InvalidInput, match="language: 'pl' is not offered"):
        respondent_links.choose_language(session, context, row, "pl")  # refused, not ignored
    assert (draft.language, row.data) == ("de", {"language": "de"})


def test_a_submitted_response_keeps_the_language_it_was_given_in(
    session: Session, network: factories.Network
) -> None:
    done = factories.response(
        session, network.round, network.organisation, language="en", submitted=True
    )
    row, _cookie = web_sessions.start_session(session, POLICY, response_id=done.id)
    session.commit()
    context = responses.load(session, done.id or 0)
    respondent_links.choose_language(session, context, row, "de")
    assert (done.language, row.data) == ("en", {"language": "de"})


def test_attach_session_starts_one_and_clears_ended_ones(
    session: Session, network: factories.Network
) -> None:
    draft = factories.response(session, network.round, network.organisation)
    ended, _old = web_sessions.start_session(session, POLICY, response_id=draft.id)
    ended.last_seen_at = utcnow() - POLICY.idle - timedelta(minutes=1)
    session.add(ended)
    session.commit()
    cookie = respondent_links.attach_session(session, draft, POLICY)
    found = web_sessions.find_session(session, cookie, POLICY)
    assert found is not None
    assert found.response_id == draft.id
    assert [row.id for row in session.exec(select(WebSession)).all()] == [found.id]
