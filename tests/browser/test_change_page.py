"""The change-between-rounds page in a browser: the dumbbell chart drawn with the local plotly
under the CSP, another topic chosen through the form; axe-core finds no serious or critical
violation; no sideways scrolling at 360 and 1280 px. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.db import unit_of_work
from app.services import accounts, members
from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.change_data import seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def test_open_the_change_and_choose_a_topic(
    live_server: LiveServer, new_context: NewContext
) -> None:
    with unit_of_work(live_server.engine, write=True) as session:
        user = accounts.create_user(session, "change@example.org", PASSWORD)
        seeded = seed(session)
        members.add_member(session, seeded.project, user)
        path = f"/projects/{seeded.project.slug}/rounds/{seeded.later.id}/change"
    _context, page = new_context()
    page.goto(live_server.url + path)
    page.fill("#f-email", "change@example.org")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Change between rounds")
    expect(page.locator("#change-chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#chart-heading")).to_contain_text("Overall index")
    page.select_option("#f-topic", "dimension:leadership")
    page.click("form.filters >> text=Show")
    expect(page.locator("#chart-heading")).to_contain_text("Leadership")
    expect(page.locator("#change-chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#chart-table tbody tr")).to_have_count(2)
    assert_accessible(page, "change")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)
        assert_no_horizontal_scroll(page, f"change at {width} px")
        screenshot(page, f"change-{width}")
