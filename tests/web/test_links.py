"""Invitation and resume links: friendly error pages with the right status, rate limiting,
single- and multi-use links, resuming in a new browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import Invitation, Response, Round, User
from app.services import invitations, rounds
from tests.web.conftest import MakeLink, log_in
from tests.web.pages import Page

INVITATION_HELP = "please contact the person who sent you the invitation"


def test_unknown_token_gets_a_friendly_404(client: TestClient, round_: Round) -> None:
    page = Page.get(client, "/r/not-a-real-token")
    assert page.status == 404
    assert "This invitation link is unknown, has expired or has already been used." in page.text
    assert INVITATION_HELP in page.text


def test_german_error_page_from_accept_language(client: TestClient, round_: Round) -> None:
    response = client.get("/r/nope", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert response.status_code == 404
    assert '<html lang="de" dir="ltr">' in response.text
    assert "Dieser Einladungslink ist unbekannt" in response.text


def test_expired_and_revoked_links_say_the_same(
    client: TestClient, make_link: MakeLink, session: Session
) -> None:
    expired = make_link(expires_at=utcnow() + timedelta(hours=1))
    revoked = make_link()
    rows = session.exec(select(Invitation).order_by(Invitation.id)).all()
    rows[0].expires_at = utcnow() - timedelta(seconds=1)
    session.add(rows[0])
    invitations.revoke(session, rows[1])
    session.commit()
    texts = set()
    for token in (expired, revoked, "unknown"):
        page = Page.get(client, f"/r/{token}")
        assert page.status == 404
        texts.add(page.text.split("<h1>")[1])
    assert len(texts) == 1


def test_closed_round_is_410(
    client: TestClient, make_link: MakeLink, session: Session, round_: Round
) -> None:
    token = make_link()
    rounds.close_round(session, round_)
    session.commit()
    page = Page.get(client, f"/r/{token}")
    assert page.status == 410
    assert "This round is closed" in page.text


def test_round_not_open_yet_is_409(
    client: TestClient, make_link: MakeLink, session: Session, round_: Round
) -> None:
    token = make_link()
    round_.opens_at = utcnow() + timedelta(days=3)
    session.add(round_)
    session.commit()
    page = Page.get(client, f"/r/{token}")
    assert page.status == 409
    assert "not open yet" in page.text


def test_guessing_tokens_is_rate_limited(
    client: TestClient, make_link: MakeLink, app_settings_attempts: int
) -> None:
    for number in range(app_settings_attempts):
        assert client.get(f"/r/guess-{number}").status_code == 404
    blocked = client.get("/r/guess-last")
    assert blocked.status_code == 429
    wait = int(blocked.headers["retry-after"])
    assert 0 < wait <= 900
    assert "Too many invalid links" in blocked.text
    minutes = -(-wait // 60)
    assert f"refused for {minutes} more minute" in blocked.text  # the page says how long
    assert client.get("/resume/guess").status_code == 429
    german = client.get("/r/guess-de", headers={"Accept-Language": "de"})
    assert f"noch {minutes} Minute" in german.text


def test_throttling_never_refuses_a_valid_link(
    client: TestClient, make_link: MakeLink, app_settings_attempts: int
) -> None:
    """One office behind one address: a colleague's typos must not lock out valid links."""
    multi, single = make_link(multi_use=True), make_link()
    for number in range(app_settings_attempts + 5):
        client.get(f"/r/guess-{number}")
    assert client.get("/r/guess-more").status_code == 429
    opened = Page.get(client, f"/r/{multi}")
    assert opened.status == 200
    assert opened.submit({"consent": "yes"}).url == "/respond/start"
    client.cookies.clear()
    first = Page.get(client, f"/r/{single}").submit({"consent": "yes"})
    personal = first.text.split("/resume/")[1].split('"')[0]
    client.cookies.clear()
    assert client.get("/resume/guess-again").status_code == 429
    assert Page.get(client, f"/resume/{personal}").url == "/respond/step/1"


def test_valid_links_do_not_count_against_the_limit(
    client: TestClient, make_link: MakeLink, app_settings_attempts: int
) -> None:
    token = make_link(multi_use=True)
    for _ in range(app_settings_attempts + 2):
        client.cookies.clear()
        assert client.get(f"/r/{token}").status_code == 200


def test_multi_use_link_gives_each_visitor_an_own_response(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    token = make_link(multi_use=True, stakeholder_group="ngo")
    for _ in range(3):
        client.cookies.clear()
        started = Page.get(client, f"/r/{token}").submit({"consent": "yes"})
        assert started.url == "/respond/start"
    with reader() as session:
        stored = session.exec(select(Response)).all()
    assert len(stored) == 3
    assert {r.stakeholder_group for r in stored} == {"ngo"}


def test_same_browser_reopening_the_link_continues(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    token = make_link()
    Page.get(client, f"/r/{token}").submit({"consent": "yes"})
    again = Page.get(client, f"/r/{token}")
    assert again.status == 200
    assert again.url == "/respond/step/1"
    with reader() as session:
        assert len(session.exec(select(Response)).all()) == 1


def test_used_single_use_link_in_a_new_browser_is_invalid(
    client: TestClient, app: object, make_link: MakeLink
) -> None:
    token = make_link()
    Page.get(client, f"/r/{token}").submit({"consent": "yes"})
    client.cookies.clear()
    assert Page.get(client, f"/r/{token}").status == 404


def test_resume_link_restores_answers_in_a_new_browser(client: TestClient, started: Page) -> None:
    started.submit({"leadership.mandate": "2", "comment": "half done", "action": "next"})
    step2 = Page.get(client, "/respond/step/2")
    later = step2.submit({"services.training": "4", "action": "later"})
    assert later.status == 200
    assert "Your answers are saved" in later.text
    link = later.text.split('id="resume-link" class="copy-source" type="text" readonly value="')[1]
    link = link.split('"')[0]
    assert link.startswith("http://testserver/resume/")
    client.cookies.clear()
    assert Page.get(client, "/respond").status == 401
    resumed = Page.get(client, link.removeprefix("http://testserver"))
    assert resumed.url == "/respond/step/2"
    assert 'value="4" checked' in resumed.text
    first = Page.get(client, "/respond/step/1")
    assert 'value="2" checked' in first.text
    assert "half done" in first.text


def test_not_found_pages_give_the_help_of_their_area(
    client: TestClient, round_: Round, facilitator: User
) -> None:
    """The facilitators' area sends nobody to an invitation; the respondent's pages still do
    (test_unknown_token_gets_a_friendly_404)."""
    log_in(client, "ana@example.org")
    for path in ("/projects/no-such-project", f"/projects/no-such-project/rounds/{round_.id}"):
        page = client.get(path)
        assert page.status_code == 404
        assert INVITATION_HELP not in page.text, path
        assert "ask a facilitator of that project for access" in page.text
        assert 'href="/projects"' in page.text
    german = client.get("/projects/no-such-project", headers={"Accept-Language": "de"})
    assert "Bitten Sie eine Moderatorin oder einen Moderator dieses Projekts" in german.text
    docs = client.get("/api/v1/docs/assets/nothing.js", headers={"Accept": "text/html"})
    assert docs.status_code == 404  # the API documentation's: problem+json, no sentence
    assert docs.headers["content-type"] == "application/problem+json"
    assert INVITATION_HELP not in docs.text
