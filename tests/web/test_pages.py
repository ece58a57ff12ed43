"""Each respondent page: start and consent, steps with progress and show_if, review,
language switching, sessions, headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import Response, WebSession
from tests.web.conftest import MakeLink
from tests.web.pages import Page

Reader = Callable[[], Session]


def _stored(reader: Reader) -> Response:
    with reader() as session:
        return session.exec(select(Response)).one()


def test_start_page_needs_explicit_consent(
    client: TestClient, make_link: MakeLink, reader: Reader
) -> None:
    client.headers["Accept-Language"] = "en"
    start = Page.get(client, f"/r/{make_link()}")
    assert "Mini" in start.text
    assert "Data protection" in start.text
    assert Page.get(client, "/respond/step/1").status == 401  # no consent, no response
    refused = start.submit({})
    assert refused.status == 422
    assert 'href="#consent"' in unescape(refused.text)
    with reader() as session:
        assert session.exec(select(Response)).all() == []
    accepted = start.submit({"consent": "yes"})
    assert (accepted.status, accepted.url) == (200, "/respond/start")
    assert "/resume/" in accepted.text
    assert "The invitation link works only once" in accepted.text
    stored = _stored(reader)
    assert stored.consent_version == "2"
    assert stored.consented_at is not None
    assert stored.resume_token_hash is not None
    assert stored.resume_token_hash not in accepted.text
    again = Page.get(client, "/respond/start")
    assert "You agreed to this notice on" in again.text
    assert again.text.count("/resume/") == accepted.text.count("/resume/")  # the same link


def test_multi_use_start_page_explains_the_personal_link(
    client: TestClient, make_link: MakeLink
) -> None:
    start = Page.get(client, f"/r/{make_link(multi_use=True)}")
    accepted = start.submit({"consent": "yes"})
    assert "starts a new, empty questionnaire for each person" in accepted.text


def test_language_from_accept_language_and_switch(
    client: TestClient, make_link: MakeLink, reader: Reader
) -> None:
    client.headers["Accept-Language"] = "de-AT,de;q=0.9"
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    assert '<html lang="de" dir="ltr">' in start.text
    english = Page.get(client, f"/r/{token}?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text
    assert f'href="/r/{token}?lang=de"' in english.text
    unknown = Page.get(client, f"/r/{token}?lang=xx")  # not offered: refused, in the browser's
    assert unknown.status == 422
    assert '<html lang="de" dir="ltr">' in unknown.text
    assert "Sprache: 'xx' wird nicht angeboten; diesen Fragebogen gibt es auf de, en" in (
        unescape(unknown.text)
    )
    consented = english.submit({"consent": "yes"})
    assert '<html lang="en" dir="ltr">' in consented.text
    assert _stored(reader).language == "en"
    german = consented.submit(
        {"switch_language": "de", "next": "/respond/start"}, "/respond/language"
    )
    assert german.url == "/respond/start"
    assert '<html lang="de" dir="ltr">' in german.text
    assert _stored(reader).language == "de"
    start_de = Page(client, german.url, german.status, german.text)
    evil = start_de.submit(
        {"switch_language": "en", "next": "https://evil.example/"}, "/respond/language"
    )
    assert evil.url == "/respond/step/1"  # not elsewhere: where the respondent left off


def test_a_language_the_questionnaire_does_not_offer_is_refused_not_replaced(
    client: TestClient, make_link: MakeLink, reader: Reader
) -> None:
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    refused = start.submit({"consent": "yes", "language": "xx"})
    assert refused.status == 422
    assert "language: 'xx' is not offered; this questionnaire is in de, en" in unescape(
        refused.text
    )
    assert 'name="consent" value="yes" checked' in refused.text  # as it was sent
    # the language and the consent tick wrong together: both said in one answer
    both = start.submit({"language": "xx"})
    assert both.status == 422
    assert "language: 'xx' is not offered" in unescape(both.text)
    assert 'id="consent-error"' in both.text
    assert "Please confirm that you have read the data protection notice." in both.text
    with reader() as session:
        assert session.exec(select(Response)).first() is None  # nothing started
    started = Page(client, refused.url, refused.status, refused.text).submit({"consent": "yes"})
    assert started.status == 200
    assert _stored(reader).language == "en"
    switched = started.submit(
        {"switch_language": "xx", "next": "/respond/start"}, "/respond/language"
    )
    assert switched.status == 422
    assert "language: 'xx' is not offered" in unescape(switched.text)
    first = Page.get(client, "/respond/step/1")
    typed = first.submit({"leadership.mandate": "3", "switch_language": "xx"})
    assert typed.status == 422
    assert "language: 'xx' is not offered" in unescape(typed.text)
    assert "What you sent" in typed.text  # the answer typed is listed for copying
    assert _stored(reader).language == "en"


def test_lang_in_the_address_shows_a_step_page_in_that_language(
    client: TestClient, started: Page, reader: Reader
) -> None:
    """``?lang=`` on a respondent's page, as on the invitation page: shown in that language,
    nothing stored changes; a language the questionnaire does not offer is refused."""
    for path in ("/respond/step/1", "/respond/review", "/respond/start"):
        german = client.get(f"{path}?lang=de")
        assert german.status_code == 200, path
        assert 'lang="de"' in german.text, path
        refused = client.get(f"{path}?lang=xx")
        assert refused.status_code == 422, path
        assert "language: 'xx' is not offered; this questionnaire is in de, en" in unescape(
            refused.text
        )
        assert 'lang="en"' in refused.text  # said in the respondent's language
    assert 'lang="en"' in client.get("/respond/step/1").text  # no ?lang=: as chosen
    assert _stored(reader).language == "en"


def test_lang_not_offered_in_a_posts_address_is_refused_with_nothing_saved(
    client: TestClient, make_link: MakeLink, reader: Reader
) -> None:
    """``?lang=xx`` on a post is refused as on a page that is read: no consent recorded, no
    answer saved, what was typed listed (the consent box kept ticked)."""
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    consent = client.post(f"/r/{token}?lang=xx", data={**start.hidden(), "consent": "yes"})
    assert consent.status_code == 422
    assert "language: 'xx' is not offered" in unescape(consent.text)
    assert 'name="consent" value="yes" checked' in consent.text  # the tick kept
    with reader() as session:
        assert session.exec(select(Response)).all() == []
    assert Page.get(client, f"/r/{token}").submit({"consent": "yes"}).status == 200
    step = Page.get(client, "/respond/step/1")
    fields = {**step.hidden(), "leadership.mandate": "3", "comment": "Typed before the refusal"}
    refused = client.post("/respond/step/1?lang=xx", data=fields)
    assert refused.status_code == 422
    assert "language: 'xx' is not offered" in unescape(refused.text)
    assert "What you sent" in refused.text
    assert "Typed before the refusal" in refused.text
    stored = _stored(reader)
    assert (stored.answers, stored.comments) == ({}, {})
    assert client.post("/respond/step/1?lang=de", data=fields).status_code == 200  # offered
    assert _stored(reader).answers == {"leadership.mandate": 3}


def test_switching_language_on_a_step_keeps_unsaved_answers(
    client: TestClient, started: Page, reader: Reader
) -> None:
    german = started.submit({"leadership.mandate": "3", "switch_language": "de"})
    assert german.url == "/respond/step/1"
    assert '<html lang="de" dir="ltr">' in german.text
    assert "Mandat?" in german.text
    assert 'value="3" checked' in german.text
    assert _stored(reader).answers == {"leadership.mandate": 3}


def test_step_page_structure(client: TestClient, started: Page) -> None:
    text = started.text
    assert "Step 1 of 2" in text
    assert "0 of 3 questions answered" in text  # the hidden show_if item does not count
    assert "<fieldset" in text
    assert "<legend" in text
    assert 'type="radio" id="q-leadership--mandate" name="leadership.mandate" value="0"' in text
    assert 'name="csrf_token"' in text
    assert 'name="revision"' in text
    assert 'data-item="leadership.budget_size" hidden' in text
    assert 'name="comment"' in text


def test_show_if_opens_questions_on_the_same_page(
    client: TestClient, started: Page, reader: Reader
) -> None:
    page = started.submit({"leadership.mandate": "2", "leadership.has_budget": "yes"})
    assert page.url == "/respond/step/1"
    assert "opened further questions" in page.text
    assert 'data-item="leadership.budget_size" hidden' not in page.text
    assert "2 of 4 questions answered" in page.text
    moved_on = page.submit({"leadership.budget_size": "1"})
    assert moved_on.url == "/respond/step/2"
    back = moved_on.submit({"action": "back"})
    assert back.url == "/respond/step/1"
    hidden_again = back.submit({"leadership.has_budget": "no"})
    assert hidden_again.url == "/respond/step/2"
    assert _stored(reader).answers["leadership.budget_size"] == 1  # kept, not dropped


def test_back_from_the_first_step_goes_to_the_start(client: TestClient, started: Page) -> None:
    assert started.submit({"action": "back"}).url == "/respond/start"


def test_review_links_unanswered_required_items(client: TestClient, started: Page) -> None:
    review = Page.get(client, "/respond/review")
    assert review.status == 200
    assert 'href="/respond/step/1#q-leadership--mandate"' in review.text
    assert 'href="/respond/step/2#q-services--training"' in review.text
    assert "leadership.budget_size" not in review.text  # hidden: not missing
    refused = review.submit({}, "/respond/submit")
    assert refused.status == 422
    assert "Please confirm" in unescape(refused.text)
    incomplete = review.submit({"confirm": "yes"}, "/respond/submit")
    assert incomplete.status == 422
    assert "Some required questions are not answered yet." in incomplete.text


def test_unknown_step_is_404(client: TestClient, started: Page) -> None:
    assert Page.get(client, "/respond/step/9").status == 404
    assert Page.get(client, "/respond/step/0").status == 404


def test_pages_without_a_session_say_so(client: TestClient) -> None:
    for path in ("/respond", "/respond/start", "/respond/step/1", "/respond/review"):
        page = Page.get(client, path)
        assert page.status == 401
        assert "Your answers are saved: open your personal link again" in page.text
    assert client.post("/respond/step/1", data={"csrf_token": "x"}).status_code == 401


def test_idle_sessions_end(
    client: TestClient, started: Page, session: Session, reader: Reader
) -> None:
    row = session.exec(select(WebSession)).one()
    row.last_seen_at = utcnow() - timedelta(hours=3)
    session.add(row)
    session.commit()
    assert Page.get(client, "/respond/step/1").status == 401


def test_sessions_note_activity(client: TestClient, started: Page, session: Session) -> None:
    row = session.exec(select(WebSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=30)
    session.add(row)
    session.commit()
    assert Page.get(client, "/respond/step/1").status == 200
    session.expire_all()
    assert utcnow() - session.exec(select(WebSession)).one().last_seen_at < timedelta(minutes=1)
    session.commit()


@pytest.mark.parametrize(
    "path", ["/respond/start", "/respond/step/1", "/respond/step/2", "/respond/review"]
)
def test_security_headers_and_no_store(client: TestClient, started: Page, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "<script>" not in response.text  # no inline script anywhere
    assert " style=" not in response.text  # no inline styles either


def test_plotly_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) > 1_000_000
    assert client.get("/static/respond.js").status_code == 200
    assert client.get("/static/result.js").status_code == 200
