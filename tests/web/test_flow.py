"""The respondent's whole path over HTTP: link, consent, pages, review, submit, result."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Response, ResponseStatus, Round
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page


def test_invitation_link_moves_the_token_into_a_session(
    client: TestClient, make_link: MakeLink
) -> None:
    token = make_link()
    response = client.get(f"/r/{token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/respond"
    cookie = response.headers["set-cookie"]
    assert "radar_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert token not in cookie
    assert response.headers["referrer-policy"] == "no-referrer"
    page = Page.get(client, "/respond")
    assert page.url == "/respond/start"
    assert "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co" in page.text
    assert "We keep your answers for two years." in page.text


def test_whole_path(client: TestClient, started: Page, reader: Callable[[], Session]) -> None:
    assert started.url == "/respond/step/1"
    assert "Step 1 of 2" in started.text
    page = started.submit(
        {
            "leadership.mandate": "3",
            "leadership.has_budget": "no",
            "comment": "See <script>x</script>",
        }
    )
    assert page.url == "/respond/step/2", page.text
    page = page.submit({"services.training": "na"})
    assert page.url == "/respond/review"
    assert "See &lt;script&gt;x&lt;/script&gt;" in page.text
    page = page.submit({"confirm": "yes"}, action="/respond/submit")
    assert page.url == "/respond/result", page.text
    with reader() as session:
        stored = session.exec(select(Response)).one()
    assert stored.status == ResponseStatus.SUBMITTED
    assert stored.answers == {
        "leadership.mandate": 3,
        "leadership.has_budget": "no",
        "services.training": "na",
    }
    assert stored.comments == {"leadership": "See <script>x</script>"}


def test_anonymous_rounds_keep_only_the_day(
    client: TestClient,
    make_link: MakeLink,
    round_: Round,
    session: Session,
    reader: Callable[[], Session],
) -> None:
    """No precise time links a response of an anonymous round to a person (GDPR)."""
    round_.anonymous = True
    session.add(round_)
    session.commit()
    complete(begin(client, make_link()))
    with reader() as db:
        [response] = db.exec(select(Response)).all()
        moments = [
            response.created_at,
            response.updated_at,
            response.consented_at,
            response.submitted_at,
        ]
    for moment in moments:
        assert moment is not None
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
