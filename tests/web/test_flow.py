"""The respondent's whole path over HTTP: link, consent, pages, review, submit, result."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Invitation, Response, ResponseStatus, Round
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page


def test_invitation_link_shows_the_start_page_and_changes_nothing(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    """Mail scanners and link previews open links: a single-use link survives any number of
    GETs (and HEADs) and no empty draft appears."""
    token = make_link()
    for _ in range(3):
        page = Page.get(client, f"/r/{token}")
        assert page.status == 200
        assert page.url == f"/r/{token}"
    assert client.head(f"/r/{token}").status_code in (200, 405)
    assert "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co" in page.text
    assert "We keep your answers for two years." in page.text
    assert "radar_session" not in client.cookies
    with reader() as session:
        assert session.exec(select(Response)).all() == []
        assert session.exec(select(Invitation)).one().use_count == 0


def test_consent_starts_the_response_and_moves_the_token_into_a_session(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    response = client.post(
        f"/r/{token}", data={**start.hidden(), "consent": "yes"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/respond/start"
    cookie = response.headers["set-cookie"]
    assert "radar_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert token not in cookie
    assert response.headers["referrer-policy"] == "no-referrer"
    page = Page.get(client, "/respond/start")
    assert "Your personal link" in page.text
    assert "/resume/" in page.text
    with reader() as session:
        stored = session.exec(select(Response)).one()
        assert stored.consented_at is not None
        assert session.exec(select(Invitation)).one().use_count == 1
    assert Page.get(client, "/respond").url == "/respond/step/1"
    # The same link in the same browser continues the response; it starts no second one.
    assert Page.get(client, f"/r/{token}").url == "/respond/step/1"


def test_consent_missing_or_forged_starts_nothing(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    unticked = start.submit({})
    assert unticked.status == 422
    assert "Please confirm that you have read the data protection notice." in unticked.text
    forged = client.post(f"/r/{token}", data={"csrf_token": "x" * 43, "consent": "yes"})
    assert forged.status_code == 403
    # Another site's form: the browser does not send the SameSite entry cookie.
    fields = start.hidden()
    client.cookies.clear()
    cross_site = client.post(f"/r/{token}", data={**fields, "consent": "yes"})
    assert cross_site.status_code == 403
    with reader() as session:
        assert session.exec(select(Response)).all() == []
        assert session.exec(select(Invitation)).one().use_count == 0
    assert Page.get(client, f"/r/{token}").submit({"consent": "yes"}).url == "/respond/start"


def test_invitation_page_speaks_the_chosen_language(
    client: TestClient, make_link: MakeLink, reader: Callable[[], Session]
) -> None:
    token = make_link()
    english = Page.get(client, f"/r/{token}")
    assert 'lang="en"' in english.text
    german = Page.get(client, f"/r/{token}?lang=de")
    assert 'lang="de"' in german.text
    assert "Datenschutz" in german.text
    german.submit({"consent": "yes"})
    with reader() as session:
        assert session.exec(select(Response)).one().language == "de"


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
    # the back button to the start page after submitting leads to the result
    again = client.get("/respond/start", follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/respond/result")


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
