"""A facilitator invites and watches in the browser: links for every partner and group, the
printable QR sheet, a respondent who starts in a second browser, the progress table refreshed
by its script without a page load, a link revoked. axe-core finds no serious or critical
violation; screenshots at 360 and 1280 px go to tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.models import Project, Round
from app.services import accounts, members
from app.stakeholder_groups import LABELS
from app.web.facilitate import progress
from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def _check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_horizontal_scroll(page, f"{name} at {width} px")
        screenshot(page, f"facilitator-{name}-{width}")


def test_invite_print_watch_progress_and_revoke(
    live_server: LiveServer, new_context: NewContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 1)
    with unit_of_work(live_server.engine, write=True) as session:
        user = accounts.create_user(session, "inviter@example.org", PASSWORD)
        round_ = session.get(Round, live_server.round_id)
        assert round_ is not None
        project = session.get(Project, round_.project_id)
        assert project is not None
        members.add_member(session, project, user)
        base = f"{live_server.url}/projects/{project.slug}/rounds/{round_.id}"
    _context, page = new_context()
    page.goto(live_server.url + "/login")
    page.fill("#f-email", "inviter@example.org")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Projects")

    page.goto(base + "/invitations")
    expect(page.locator("h1")).to_have_text("Invitation links")
    _check(page, "invitations-empty")
    page.select_option("#f-organisation", "all")
    page.check("#f-every_group")
    page.check("#f-kind-multi")
    page.fill("#f-max_uses", "25")
    page.click("main form.stack button[type=submit]")
    expect(page.locator("h1")).to_have_text("New links")
    expect(page.locator("table.data tbody tr")).to_have_count(len(LABELS))
    expect(page.locator("table.data")).to_contain_text("Lower <Saxony> & Co")
    _check(page, "invitations-batch")
    first_link = page.locator("code.link").first.inner_text()

    page.click("text=Sheet with QR codes to print")
    expect(page.locator("h1")).to_have_text("Invitation sheet")
    expect(page.locator(".qr-card svg")).to_have_count(len(LABELS))
    _check(page, "invitations-sheet")
    page.emulate_media(media="print")
    screenshot(page, "facilitator-invitations-sheet-print")
    page.emulate_media(media="screen")

    page.goto(base + "/progress")
    expect(page.locator("h1")).to_have_text("Progress")
    _check(page, "progress-empty")
    page.evaluate("() => { window.notReloaded = true; }")
    _respondent_context, respondent = new_context()
    respondent.goto(first_link)
    respondent.check("#consent")
    respondent.click("form.consent button[type=submit]")
    totals = page.locator("tfoot td")
    expect(totals.nth(2)).to_have_text("1", timeout=10_000)  # uses
    assert [totals.nth(n).inner_text() for n in (1, 3, 4, 5)] == ["6", "1", "1", "0"]
    assert page.evaluate("() => window.notReloaded === true")  # refreshed in place
    _check(page, "progress-started")

    page.goto(base + "/invitations")
    page.locator("form.inline button", has_text="Revoke").first.click()
    expect(page.locator("table.data tbody tr").first).to_contain_text("revoked")
    _check(page, "invitations-list")
