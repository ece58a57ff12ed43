"""A step page's items are rendered once per item, language and answer and then kept
(app/web/respond/item_html.py): every respondent must still see their own answers, in their
page's language, and a read-only page disabled fields."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Round
from app.services import rounds
from tests.web.conftest import MakeLink, begin
from tests.web.pages import Page

TAG = re.compile(r"<(?:input|textarea)\b[^>]*>")


def _controls(page: Page, name: str) -> list[str]:
    return [tag for tag in TAG.findall(page.text) if f'name="{name}"' in tag]


def _checked(page: Page, name: str) -> list[str]:
    return [
        re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
        for tag in _controls(page, name)
        if " checked" in tag
    ]


def test_each_respondent_sees_their_own_answers_in_their_language(
    client: TestClient, make_link: MakeLink
) -> None:
    first = begin(client, make_link())
    assert _checked(first, "leadership.mandate") == []
    first.submit({"leadership.mandate": "1", "leadership.has_budget": "yes"})
    again = Page.get(client, "/respond/step/1")
    assert _checked(again, "leadership.mandate") == ["1"]
    assert _checked(again, "leadership.has_budget") == ["yes"]
    assert 'data-item="leadership.budget_size" hidden' not in again.text, "shown now"
    own = dict(client.cookies)
    client.cookies.clear()
    other = begin(client, make_link())
    assert _checked(other, "leadership.mandate") == [], "not the first respondent's answer"
    assert 'data-item="leadership.budget_size" hidden' in other.text
    other.submit({"leadership.mandate": "3", "leadership.has_budget": "no"})
    assert _checked(Page.get(client, "/respond/step/1"), "leadership.mandate") == ["3"]
    client.cookies.clear()
    client.cookies.update(own)
    german = again.submit({"switch_language": "de", "next": "/respond/step/1"}, "/respond/language")
    assert _checked(german, "leadership.mandate") == ["1"]
    assert ">kaum</label>" in german.text
    assert ">hardly</label>" not in german.text


def test_a_closed_rounds_step_page_is_read_only(
    client: TestClient, make_link: MakeLink, session: Session, round_: Round
) -> None:
    first = begin(client, make_link())
    first.submit({"leadership.mandate": "2"})
    open_page = Page.get(client, "/respond/step/1")
    assert _checked(open_page, "leadership.mandate") == ["2"]
    assert all(" disabled" not in tag for tag in _controls(open_page, "leadership.mandate"))
    rounds.close_round(session, round_)
    session.commit()
    closed = Page.get(client, "/respond/step/1")
    assert _checked(closed, "leadership.mandate") == ["2"]
    assert all(" disabled" in tag for tag in _controls(closed, "leadership.mandate"))
