"""A page posted after the session's idle limit never loses what it holds (issue 9.5).

Rule: a page save or autosave that arrives after the idle limit (2 hours) is stored all the
same while the session exists and is within its absolute lifetime (12 hours), since it carries
the session's cookie and CSRF token; the answer says so and shows nothing stored, and the
session stays ended for reading. Without any session nothing can be stored: the refusal says
that nothing was saved and lists what was posted. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import Response, WebSession
from tests.web.pages import Page

Reader = Callable[[], Session]
AUTOSAVE = "/respond/step/1/autosave"
PAGE = "/respond/step/1"
SECRET_COMMENT = "stored earlier, not to be shown to an ended session"


def _stored(reader: Reader) -> Response:
    with reader() as session:
        return session.exec(select(Response)).one()


def _pause(session: Session, **ago: float) -> None:
    """The respondent leaves the page open for a while (``hours=3``)."""
    row = session.exec(select(WebSession)).one()
    row.last_seen_at = utcnow() - timedelta(**ago)
    session.add(row)
    session.commit()  # the app needs the write lock next


def _page_then_pause(client: TestClient, session: Session, started: Page, **ago: float) -> Page:
    """Step 1 as the respondent loaded it before the pause (a comment was saved earlier)."""
    started.submit({"comment": SECRET_COMMENT, "action": "later"})
    page = Page.get(client, PAGE)
    _pause(session, **ago)
    return page


def test_a_page_posted_after_the_idle_limit_is_saved_and_says_so(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    seen = session.exec(select(WebSession)).one().last_seen_at
    session.commit()
    answer = page.submit({"leadership.mandate": "3", "leadership.has_budget": "yes"})
    assert answer.status == 200
    assert "Your session had ended" in answer.text
    assert "All answers on this page were saved all the same." in answer.text
    assert "open your personal link again" in answer.text
    assert SECRET_COMMENT not in answer.text  # nothing stored is shown
    assert answer.url == PAGE  # no redirect onwards: the next page would need a session
    stored = _stored(reader)
    assert stored.answers == {"leadership.mandate": 3, "leadership.has_budget": "yes"}
    assert stored.comments == {"leadership": SECRET_COMMENT}  # posted unchanged, kept
    assert Page.get(client, PAGE).status == 401  # the session stays ended for reading
    with reader() as fresh:
        assert fresh.exec(select(WebSession)).one().last_seen_at == seen  # not renewed


def test_a_late_save_names_what_it_refused_with_what_was_typed(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    typed = "too long " * 500
    answer = page.submit(
        {"leadership.mandate": "9", "leadership.has_budget": "no", "comment": typed}
    )
    assert answer.status == 200
    assert "except the ones listed here" in answer.text
    assert "Please choose from the offered answers" in answer.text
    assert "Please shorten the comment to at most 4,000 characters." in answer.text
    assert f"You typed: {typed.strip()}" in " ".join(answer.text.split()) + " "
    stored = _stored(reader)
    assert stored.answers == {"leadership.has_budget": "no"}
    assert stored.comments == {"leadership": SECRET_COMMENT}


def test_a_late_save_never_hands_out_the_personal_link(
    client: TestClient, session: Session, started: Page
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    answer = page.submit({"leadership.mandate": "2", "action": "later"})
    assert answer.status == 200
    assert "Your session had ended" in answer.text
    assert "/r/" not in answer.text
    assert 'id="resume-link"' not in answer.text


def test_an_autosave_after_the_idle_limit_is_saved_and_says_so(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    fields = page.hidden()
    response = client.post(
        AUTOSAVE,
        data={**fields, "leadership.mandate": "4"},
        headers={"X-CSRF-Token": fields["csrf_token"], "Accept": "application/json"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved"
    assert body["session_ended"] is True
    assert body["message"].startswith("Your session had ended after a long pause, but this page")
    assert body["revision"] == int(fields["revision"]) + 1
    assert "visible" not in body
    assert "progress_text" not in body
    assert _stored(reader).answers == {"leadership.mandate": 4}


def test_a_live_autosave_says_the_session_goes_on(
    client: TestClient, started: Page, reader: Reader
) -> None:
    fields = started.hidden()
    response = client.post(
        AUTOSAVE,
        data={**fields, "leadership.mandate": "1"},
        headers={"X-CSRF-Token": fields["csrf_token"], "Accept": "application/json"},
    )
    assert response.json()["session_ended"] is False
    assert response.json()["progress_text"] == "1 of 3 questions answered"


def test_a_late_save_needs_the_sessions_csrf_token(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    refused = page.submit({"leadership.mandate": "2", "comment": "mine", "csrf_token": "forged"})
    assert refused.status == 403
    assert "What you sent" in refused.text  # listed, so that nothing typed is lost
    assert "mine" in refused.text
    assert _stored(reader).answers == {}


def test_without_a_session_nothing_is_saved_and_the_page_lists_what_was_sent(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=3)
    row = session.exec(select(WebSession)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)  # past its absolute end
    session.add(row)
    session.commit()
    typed = "Our <b>welcome</b> desk\nopened in 2024"
    refused = page.submit({"leadership.mandate": "2", "comment": typed})
    assert refused.status == 401
    assert "the answers you have just sent could not be saved" in refused.text
    assert "Your answers are saved" not in refused.text  # the false comfort of before
    assert "What you sent" in refused.text
    assert "Our &lt;b&gt;welcome&lt;/b&gt; desk\nopened in 2024" in refused.text
    assert page.csrf not in refused.text  # only what was typed, never the form's token
    stored = _stored(reader)
    assert stored.answers == {}
    assert stored.comments == {"leadership": SECRET_COMMENT}


def test_sessions_idle_past_the_late_save_window_save_nothing(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    page = _page_then_pause(client, session, started, hours=2 + 12)
    assert page.submit({"leadership.mandate": "2"}).status == 401
    assert _stored(reader).answers == {}


def test_a_submission_after_the_idle_limit_says_it_was_not_submitted(
    client: TestClient, session: Session, started: Page, reader: Reader
) -> None:
    """Submitting would show the result, which an ended session may not see: the refusal says
    that nothing was submitted and how to go on, not that "your answers are saved"."""
    step2 = started.submit({"leadership.mandate": "3", "leadership.has_budget": "no"})
    review = step2.submit({"services.training": "4"})
    assert review.url == "/respond/review"
    _pause(session, hours=3)
    refused = review.submit({"confirm": "yes"}, "/respond/submit")
    assert refused.status == 401
    assert "your answers were not submitted" in refused.text
    assert "open your personal link again, check them and submit" in refused.text
    stored = _stored(reader)
    assert stored.status == "draft"
    assert stored.answers["services.training"] == 4
    german = client.post(
        "/respond/submit",
        data={**review.hidden("/respond/submit"), "confirm": "yes"},
        headers={"Accept-Language": "de"},
    )
    assert "nicht abgeschickt" in german.text
