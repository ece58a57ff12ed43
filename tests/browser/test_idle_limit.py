"""The idle limit in a real browser (issue 9.5): what is typed after a long pause is never lost,
and the page tells the truth about what was saved. Also the text counter (issue 9.4), which
counts as the server counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db_types import utcnow
from app.models import Response, WebSession
from tests.browser.conftest import LiveServer, NewContext

pytestmark = pytest.mark.browser


def _begin(page: Page, link: str) -> str:
    """Consent and go to step 1; returns the personal link shown after consent."""
    page.goto(link)
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    personal = page.input_value("#resume-link")
    page.click("a.button.primary")
    expect(page).to_have_url(re.compile(r"/respond/step/1$"))
    return personal


def _sessions(server: LiveServer, **values: object) -> None:
    with Session(server.engine) as session:
        session.exec(update(WebSession).values(**values))  # type: ignore[call-overload]
        session.commit()


def _comments(server: LiveServer) -> list[dict[str, str]]:
    with Session(server.engine) as session:
        return [r.comments for r in session.exec(select(Response)).all()]


def test_typing_after_the_idle_limit_is_saved_and_said_so(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context()
    _begin(page, live_server.link())
    _sessions(live_server, last_seen_at=utcnow() - timedelta(hours=3))  # a long lunch break
    typed = "Written after a long pause"
    with page.expect_response(re.compile(r"/autosave$")) as saved:
        page.fill("#comment", typed)
    assert saved.value.status == 200
    expect(page.locator("#autosave-status")).to_contain_text(
        "Your session had ended after a long pause, but this page was saved all the same."
    )
    assert {"leadership": typed} in _comments(live_server)
    page.click('button[value="next"]')
    expect(page.locator("h1")).to_have_text("Your session had ended")
    expect(page.locator("main")).to_contain_text("All answers on this page were saved")


def test_typing_after_the_session_is_gone_stays_and_is_saved_after_reopening(
    new_context: NewContext, live_server: LiveServer
) -> None:
    context, page = new_context()
    personal = _begin(page, live_server.link())
    _sessions(live_server, expires_at=utcnow() - timedelta(minutes=1))  # past its absolute end
    typed = "Nothing of this may be lost"
    with page.expect_response(re.compile(r"/autosave$")) as refused:
        page.fill("#comment", typed)
    assert refused.value.status == 401
    assert refused.value.headers["content-type"] == "application/problem+json"
    alert = page.locator("#autosave-status[role=alert]")
    expect(alert).to_contain_text("what you typed since the last save is not saved yet")
    expect(page.locator("#comment")).to_have_value(typed)  # still on the page
    assert {"leadership": typed} not in _comments(live_server)

    alert.get_by_role("button", name="Save what I typed").click()  # too early: still ended
    expect(alert).to_contain_text("Your session has still ended.")

    other = context.new_page()  # the respondent opens the personal link again
    other.goto(personal)
    expect(other).to_have_url(re.compile(r"/respond/step/1$"))
    other.close()
    with page.expect_response(re.compile(r"/autosave$")) as saved:
        alert.get_by_role("button", name="Save what I typed").click()
    assert saved.value.status == 200
    expect(page.locator("#autosave-status")).to_have_text("All answers saved.")
    assert {"leadership": typed} in _comments(live_server)


def test_the_counter_counts_as_the_server_counts(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context()
    _begin(page, live_server.link())
    counter = page.locator("#comment-count")
    expect(counter).to_have_text("4,000 characters left")
    page.fill("#comment", "two\nlines 🙂")  # a line break counts 1, the emoji 2 (UTF-16)
    expect(counter).to_have_text("3,988 characters left")
    # the browser's own count for maxlength is the same one: "\n" line breaks, UTF-16 units
    assert page.evaluate("document.querySelector('#comment').value.length") == 12
    page.fill("#comment", "  x\n")  # blanks at either end are not kept, nor counted
    expect(counter).to_have_text("3,999 characters left")
    too_long = "x" * 3999 + "\nyz"
    page.fill("#comment", too_long)  # pasted past the limit: nothing cut
    expect(counter).to_have_text("2 characters too many")
    expect(page.locator("#comment")).to_have_value(too_long)
    page.click('button[value="next"]')
    expect(page.locator(".error-summary")).to_contain_text(
        "Please shorten the comment to at most 4,000 characters."
    )
    expect(page.locator("#comment")).to_have_value(too_long)  # kept on the page
    with Session(live_server.engine) as session:
        mine = session.exec(select(Response).where(col(Response.comments).is_not(None))).all()
    assert all(len(r.comments.get("leadership", "")) <= 4000 for r in mine)
