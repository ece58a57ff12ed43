"""The round dashboard in a browser: charts drawn with the local plotly under the CSP (no
console error), a filter applied through the form, similar partners asked for; axe-core finds
no serious or critical violation; no sideways scrolling at 360 and 1280 px. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.services import accounts, members
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.test_accessibility import check_page
from tests.cohort_data import seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def _check(page: Page, name: str) -> None:
    check_page(page, f"dashboard-{name}", settle_ms=500)  # the charts redraw 150 ms after a resize


def test_open_filter_and_find_similar_partners(
    live_server: LiveServer, new_context: NewContext
) -> None:
    with unit_of_work(live_server.engine, write=True) as session:
        user = accounts.create_user(session, "dash@example.org", PASSWORD, display_name="Dana")
        seeded = seed(session)
        members.add_member(session, seeded.project, user)
        path = f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/dashboard"
        aachen = seeded.id("Aachen")
    _context, page = new_context()
    page.goto(live_server.url + path)
    page.fill("#f-email", "dash@example.org")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Dashboard")
    # the first request for plotly.js compresses 4.8 MB once per process: a slow start
    for chart in ("#radar-chart", "#heatmap-chart", "#distribution-chart"):
        expect(page.locator(chart + " .main-svg").first).to_be_visible(timeout=30_000)
    _check(page, "all")
    page.select_option("#f-country", "DE")
    page.click("form.filters >> text=Show")
    expect(page.locator("#organisations-table tbody tr")).to_have_count(3)
    assert "country=DE" in page.url
    _check(page, "germany")
    page.goto(live_server.url + path)
    page.select_option("#f-partner_of", str(aachen))
    page.click("text=Find similar partners")
    # Brno and Cork: Dresden has too few responses, the hostile name no population
    expect(page.locator("#partners-table tbody tr")).to_have_count(2)
    expect(page.locator("#left-out")).to_contain_text('<script>alert("x")</script>')
    _check(page, "similar")
