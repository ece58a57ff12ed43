"""Personal links: one stable link per draft, replaced only on purpose, ending at submission and
after the configured time; sessions end with the link that opened them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import Invitation, Response
from app.services import invitations
from app.settings import Settings
from app.tokens import hash_token
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page


def _link_on(page: Page) -> str:
    """The personal link's path as the page shows it."""
    return "/resume/" + page.text.split("/resume/")[1].split('"')[0]


@pytest.fixture
def other(app: FastAPI) -> Iterator[TestClient]:
    """A second browser (its own cookies)."""
    with TestClient(app, headers={"Accept-Language": "en"}) as browser:
        yield browser


def test_the_link_shown_after_consent_keeps_working_after_save_for_later(
    client: TestClient, make_link: MakeLink, other: TestClient
) -> None:
    consented = Page.get(client, f"/r/{make_link()}").submit({"consent": "yes"})
    shown_first = _link_on(consented)
    step1 = Page.get(client, "/respond")
    later = step1.submit({"leadership.mandate": "2", "action": "later"})
    again = Page.get(client, "/respond/step/1").submit({"action": "later"})
    assert _link_on(later) == shown_first
    assert _link_on(again) == shown_first
    assert "It is the same link every time" in later.text
    resumed = Page.get(other, shown_first)
    assert resumed.url == "/respond/step/1"
    assert 'value="2" checked' in resumed.text


def test_only_the_hash_of_the_personal_link_is_stored(
    client: TestClient, started: Page, reader: Callable[[], Session]
) -> None:
    token = _link_on(started.submit({"action": "later"})).removeprefix("/resume/")
    with reader() as session:
        stored = session.exec(select(Response)).one()
    assert stored.resume_token_hash == hash_token(token)
    assert token not in str(vars(stored))


def test_replacing_the_link_ends_the_old_one_and_its_sessions(
    client: TestClient, started: Page, other: TestClient, app: FastAPI
) -> None:
    old = _link_on(started.submit({"action": "later"}))
    assert Page.get(other, old).url == "/respond/step/1"  # someone else opened the leaked link
    with TestClient(app, headers={"Accept-Language": "en"}) as third:
        assert Page.get(third, old).url == "/respond/step/1"
        replaced = Page.get(client, "/respond/step/1").submit({"action": "later"})
        fresh = replaced.submit({}, "/respond/resume-link")
        assert fresh.status == 200
        assert "The previous one no longer works" in fresh.text
        new = _link_on(fresh)
        assert new != old
        assert Page.get(other, "/respond").status == 401  # the leaked link's sessions ended
        assert Page.get(third, "/respond").status == 401
        assert Page.get(other, old).status == 404
        assert Page.get(client, "/respond").url == "/respond/step/1"  # the replacer stays
        assert Page.get(third, new).url == "/respond/step/1"


def test_the_replacing_browser_opened_by_the_old_link_keeps_its_session(
    client: TestClient, started: Page, other: TestClient
) -> None:
    old = _link_on(started.submit({"action": "later"}))
    Page.get(other, old)
    fresh = Page.get(other, "/respond/step/1").submit({"action": "later"})
    new = _link_on(fresh.submit({}, "/respond/resume-link"))
    assert Page.get(other, "/respond").url == "/respond/step/1"
    replaced_again = Page.get(other, "/respond/step/1").submit({"action": "later"})
    assert _link_on(replaced_again) == new  # and is shown the new link from now on
    assert Page.get(client, "/respond").url == "/respond/step/1"  # opened by the invitation


def test_the_personal_link_ends_when_the_answers_are_submitted(
    client: TestClient, started: Page, other: TestClient
) -> None:
    link = _link_on(started.submit({"action": "later"}))
    complete(Page.get(client, "/respond/step/1"))
    gone = Page.get(other, link)
    assert gone.status == 404
    assert "stops working when the answers are submitted" in gone.text


def test_the_personal_link_expires_after_the_configured_days(
    client: TestClient,
    started: Page,
    other: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    link = _link_on(started.submit({"action": "later"}))
    session.expire_all()
    stored = session.exec(select(Response)).one()
    assert stored.resume_expires_at is not None
    remaining = stored.resume_expires_at - utcnow()
    days = timedelta(days=settings.personal_link_days)
    assert days - timedelta(minutes=5) < remaining <= days
    stored.resume_expires_at = utcnow() - timedelta(seconds=1)
    session.add(stored)
    session.commit()
    assert Page.get(other, link).status == 404


def test_using_the_link_renews_its_lifetime(
    client: TestClient, started: Page, other: TestClient, session: Session
) -> None:
    link = _link_on(started.submit({"action": "later"}))
    stored = session.exec(select(Response)).one()
    stored.resume_expires_at = utcnow() + timedelta(hours=1)
    session.add(stored)
    session.commit()
    assert Page.get(other, link).url == "/respond/step/1"
    session.expire_all()
    renewed = session.exec(select(Response)).one().resume_expires_at
    assert renewed is not None
    assert renewed > utcnow() + timedelta(days=1)


def test_revoking_the_invitation_ends_the_sessions_it_opened(
    client: TestClient, make_link: MakeLink, other: TestClient, session: Session
) -> None:
    token = make_link(multi_use=True)
    first = begin(client, token)
    link = _link_on(first.submit({"action": "later"}))
    Page.get(other, f"/r/{token}").submit({"consent": "yes"})
    assert Page.get(other, "/respond").status == 200
    with TestClient(client.app, headers={"Accept-Language": "en"}) as by_personal_link:
        Page.get(by_personal_link, link)
        invitation = session.exec(select(Invitation)).one()
        invitations.revoke(session, invitation)
        session.commit()
        assert Page.get(client, "/respond").status == 401
        assert Page.get(other, "/respond").status == 401
        assert Page.get(by_personal_link, "/respond").url == "/respond/step/1"


def test_a_used_single_use_link_on_a_second_device_points_to_the_personal_link(
    client: TestClient, make_link: MakeLink, other: TestClient
) -> None:
    token = make_link()
    begin(client, token)
    dead_end = Page.get(other, f"/r/{token}")
    assert dead_end.status == 404
    assert "continue with your personal link" in dead_end.text
    german = other.get(f"/r/{token}", headers={"Accept-Language": "de"})
    assert "machen Sie mit Ihrem persönlichen Link weiter" in german.text
