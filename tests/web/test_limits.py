"""Respondent input the database or the formatter cannot hold: a clear 422 naming the field,
nothing of it stored, the same on SQLite and PostgreSQL (issue 8.1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Response
from tests import factories
from tests.helpers import minimal_definition, open_items
from tests.web.conftest import begin
from tests.web.pages import Page

Reader = Callable[[], Session]
RANGE = "Please enter a number from -1,000,000,000,000,000 to 1,000,000,000,000,000."
CONTROL = "The text contains control characters that cannot be saved. Please remove them."


@pytest.fixture
def open_page(client: TestClient, session: Session) -> Page:
    """Step 1 of a questionnaire with an unbounded number item and a text item."""
    data = minimal_definition()
    data["slug"] = "open"
    data["items"] += open_items()
    factories.questionnaire(session, data)
    made = factories.network(session, slug="open")
    _invitation, token = factories.invitation(session, made.round, made.organisation)
    session.commit()
    return begin(client, token)


def _stored(reader: Reader) -> Response:
    with reader() as session:
        return session.exec(select(Response)).one()


NUMBERS = [
    ("1e28", RANGE),  # the example: saved before, then every page showing it answered 500
    ("-1e28", RANGE),
    ("10000000000000000000000000000", RANGE),
    ("1000000000000001", RANGE),
    ("1e400", RANGE),  # beyond float: the range, never "inf"
]


def test_numbers_beyond_the_shared_limit_are_refused(
    client: TestClient, open_page: Page, reader: Reader
) -> None:
    for posted, message in NUMBERS:
        page = Page.get(client, "/respond/step/1")
        refused = page.submit({"leadership.staff": posted, "leadership.mandate": "2"})
        assert refused.status == 422, posted
        assert f"Staff?: {message}" in refused.text
        assert f'value="{posted}"' in refused.text  # what was typed is shown again
        assert _stored(reader).answers == {}  # nothing of a refused page is saved
        for url in ("/respond/step/1", "/respond/review"):
            assert Page.get(client, url).status == 200


def test_numbers_up_to_the_limit_are_stored_and_shown(
    client: TestClient, open_page: Page, reader: Reader
) -> None:
    page = open_page.submit({"leadership.staff": "-1000000000000000"})
    assert page.status == 200
    assert _stored(reader).answers == {"leadership.staff": -(10**15)}
    review = Page.get(client, "/respond/review")
    assert review.status == 200
    assert "-1,000,000,000,000,000" in review.text


def test_control_characters_in_a_text_answer_are_refused(
    client: TestClient, open_page: Page, reader: Reader
) -> None:
    for text in ("a\x00b", "form\x0cfeed", "bell\x07", "delete\x7f", "\x9bcsi"):
        page = Page.get(client, "/respond/step/1")
        refused = page.submit({"leadership.note": text, "leadership.mandate": "1"})
        assert refused.status == 422, repr(text)
        assert f"Note?: {CONTROL}" in refused.text
        assert _stored(reader).answers == {}  # nothing of a refused page is saved


def test_tabs_and_line_breaks_stay_in_texts_and_comments(open_page: Page, reader: Reader) -> None:
    page = open_page.submit({"leadership.note": "a\tb\r\nc", "comment": "one\n\ttwo"})
    assert page.status == 200
    stored = _stored(reader)
    assert stored.answers == {"leadership.note": "a\tb\nc"}  # a line break as the browser has it
    assert stored.comments == {"leadership": "one\n\ttwo"}


COMMENTS = [
    ("a\x00b", CONTROL),
    ("\x1b[31mred", CONTROL),
    ("x" * 4001, "Please shorten the comment to at most 4,000 characters."),
]


def test_a_comment_the_database_cannot_hold_is_refused_not_cut(
    client: TestClient, open_page: Page, reader: Reader
) -> None:
    assert open_page.submit({"comment": "kept"}).status == 200
    for mandate, (comment, message) in enumerate(COMMENTS):
        page = Page.get(client, "/respond/step/1")
        refused = page.submit({"comment": comment, "leadership.mandate": str(mandate)})
        assert refused.status == 422
        assert f"Comment or evidence for this topic (optional): {message}" in refused.text
        assert 'href="#comment"' in refused.text
        assert 'aria-invalid="true"' in refused.text
        stored = _stored(reader)
        assert stored.comments == {"leadership": "kept"}  # not cut to 4000, not replaced
        assert "leadership.mandate" not in stored.answers  # nothing of a refused page is saved


def test_autosave_refuses_the_same_in_json(open_page: Page, reader: Reader) -> None:
    fields = open_page.hidden()
    answer = open_page.client.post(
        "/respond/step/1/autosave",
        data={**fields, "leadership.staff": "1e28", "comment": "a\x00"},
        headers={"X-CSRF-Token": fields["csrf_token"]},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["status"] == "invalid"
    assert body["message"] == (
        f"Staff?: {RANGE} Comment or evidence for this topic (optional): {CONTROL}"
    )
    assert body["problems"] == {
        "leadership.staff": "1e+28 is outside -1000000000000000..1000000000000000"
    }
    stored = _stored(reader)
    assert stored.answers == {}
    assert stored.comments == {}
