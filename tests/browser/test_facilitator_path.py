"""A facilitator in the browser: log in from the front page, create a project, import ten
partners from a CSV file (after a refused one), log out. axe-core finds no serious or critical
violation on any facilitator page; screenshots at 360 and 1280 px go to tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.services import accounts
from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PARTNERS = "name;country;kind;population;foreign_born_share;area_type\n" + "".join(
    f"Partner {number} <b>;{country};region;{number * 10000};{number},5;urban\n"
    for number, country in enumerate(
        ["DE", "PL", "RO", "ES", "IT", "SE", "AT", "FR", "NL", "CZ"], 1
    )
)
BAD = "name,country,kind\nAtlantis,ZZ,region\n"


def _check(page: Page, name: str) -> None:
    assert_accessible(page, name)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_horizontal_scroll(page, f"{name} at {width} px")
        screenshot(page, f"facilitator-{name}-{width}")


def _upload(page: Page, content: str) -> None:
    page.set_input_files(
        "#f-file", {"name": "partners.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.click("form[enctype] button[type=submit]")


def test_log_in_create_a_project_import_partners_and_log_out(
    live_server: LiveServer, new_context: NewContext
) -> None:
    with unit_of_work(live_server.engine, write=True) as session:
        accounts.create_user(session, "ana@example.org", PASSWORD, display_name="Ana")
    _context, page = new_context()
    page.goto(live_server.url + "/")
    page.click("text=Log in as a facilitator")
    _check(page, "login")
    page.fill("#f-email", "ana@example.org")
    page.fill("#f-password", "wrong password")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("is not correct")
    _check(page, "login-failed")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Projects")
    _check(page, "projects")
    page.fill("#f-name", "Baltic <Network>")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Baltic <Network>")
    _check(page, "project")
    page.click("text=Import partners from a CSV file")
    _upload(page, BAD)
    expect(page.locator(".error-summary")).to_contain_text("line 2: country 'ZZ'")
    _check(page, "import-refused")
    _upload(page, PARTNERS)
    expect(page.locator("[role=status]")).to_contain_text("10 partners were imported")
    expect(page.locator("table.data tbody tr")).to_have_count(10)
    expect(page.locator("table.data")).to_contain_text("Partner 1 <b>")
    _check(page, "project-with-partners")
    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Integration Radar")
    page.goto(live_server.url + "/projects")
    expect(page.locator("h1")).to_have_text("Log in")
