"""Fixtures for the respondent pages: a small round (tests/scoring/minimal.yaml) and links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import Organisation, Project, Round, User
from app.services import accounts, members, rounds
from tests import factories
from tests.web.pages import Page

NOTICE = "We keep your answers for two years.\n\nContact: privacy@example.org"
ORGANISATION = "Saxony <b>&</b> Co"  # markup in a name: pages must escape it

MakeLink = Callable[..., str]


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The app's test client, asking for English pages (the service default is German)."""
    client.headers["Accept-Language"] = "en"
    return client


@pytest.fixture
def reader(engine: Engine) -> Callable[[], Session]:
    """Fresh read-only sessions, for looking at what the app stored (no lock held)."""

    def open_session() -> Session:
        return Session(engine)

    return open_session


@pytest.fixture
def project(session: Session) -> Project:
    project = factories.project(session, "net", "Network", min_group_size=2)
    session.commit()  # every fixture ends its transaction: the app needs the write lock
    return project


@pytest.fixture
def organisation(session: Session, project: Project) -> Organisation:
    organisation = factories.organisation(session, project, ORGANISATION)
    session.commit()
    return organisation


@pytest.fixture
def round_(session: Session, project: Project) -> Round:
    round_ = factories.round_(
        session, project, "Baseline", privacy_notice=NOTICE, notice_version="2"
    )
    session.commit()
    return round_


@pytest.fixture
def anonymous(round_: Round, session: Session) -> Round:
    """The round, made anonymous (before it has responses)."""
    rounds.set_anonymous(session, round_, True)
    session.commit()
    return round_


@pytest.fixture
def make_link(session: Session, round_: Round, organisation: Organisation) -> MakeLink:
    def make(**options: Any) -> str:
        _invitation, token = factories.invitation(session, round_, organisation, **options)
        session.commit()  # end the writer transaction: the app needs the write lock next
        return token

    return make


def begin(client: TestClient, token: str) -> Page:
    """Open an invitation link and consent; returns the first step."""
    page = Page.get(client, f"/r/{token}").submit({"consent": "yes"})
    assert page.status == 200, page.text
    return Page.get(client, "/respond")


def another_respondent(client: TestClient, token: str, mandate: str = "1") -> Page:
    """Someone else answers everything and submits in a browser of their own (the client's
    cookies are kept aside and restored); returns their result page."""
    own = dict(client.cookies)
    client.cookies.clear()
    try:
        return complete(begin(client, token), mandate=mandate)
    finally:
        client.cookies.clear()
        client.cookies.update(own)


@pytest.fixture
def started(client: TestClient, make_link: MakeLink) -> Page:
    """A respondent who opened a link (English) and consented; returns the first step."""
    return begin(client, make_link())


@pytest.fixture
def app_settings_attempts(settings: Any) -> int:
    """The number of invalid link attempts allowed per window (the settings' default)."""
    return int(settings.link_attempts)


def complete(first_step: Page, comment: str = "", mandate: str = "1") -> Page:
    """Answer every required item of the small questionnaire and submit; returns the result."""
    step2 = first_step.submit(
        {"leadership.mandate": mandate, "leadership.has_budget": "no", "comment": comment}
    )
    review = step2.submit({"services.training": "4"})
    result = review.submit({"confirm": "yes"}, "/respond/submit")
    assert result.url == "/respond/result", result.text
    return result


@pytest.fixture
def submitted(started: Page) -> Page:
    """A respondent who answered everything and submitted; returns the result page."""
    return complete(started, comment="=cmd|' /C calc'!A0 <script>alert(1)</script>")


PASSWORD = "correct horse battery"


def log_in(client: TestClient, email: str, password: str = PASSWORD, next_: str = "") -> Page:
    """Log in through the login form as a browser does; returns the page it lands on."""
    login = Page.get(client, f"/login?next={next_}" if next_ else "/login")
    return login.submit({"email": email, "password": password}, "/login")


@pytest.fixture
def facilitator(session: Session, project: Project) -> User:
    """``ana@example.org``, a facilitator and member of the project ``net``."""
    user = accounts.create_user(session, "ana@example.org", PASSWORD, display_name="Ana")
    members.add_member(session, project, user)
    session.commit()
    return user


@pytest.fixture
def admin(session: Session) -> User:
    user = accounts.create_user(session, "root@example.org", PASSWORD, admin=True)
    session.commit()
    return user


@pytest.fixture
def logged_in(client: TestClient, facilitator: User) -> Page:
    """The client logged in as the project's facilitator; returns the projects page."""
    page = log_in(client, "ana@example.org")  # not facilitator.email: a refresh takes the lock
    assert page.url == "/projects", page.text
    return page
