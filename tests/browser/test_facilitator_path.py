"""A new facilitator runs a network's round in the browser, through pages only, as the README's
web path tells it: log in (after a wrong password), create a project, import the ten partners
of examples/partners.csv (after a refused file), create a round with two stakeholder groups
labelled per language, make one link per partner and group, open the QR sheet, watch a
respondent in a second browser submit (the progress table refreshes in place), revoke a link
(it no longer opens), log out (the pages ask for a login again). Only the account is made
outside the pages, as an administrator makes it (``radar users create``).

axe-core and the widths of every facilitator page are checked in test_facilitator_pages.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.services import accounts
from app.settings import PROJECT_ROOT
from app.web.facilitate import progress
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.flow import fill_all_steps

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
EXAMPLE = PROJECT_ROOT / "examples" / "partners.csv"
PARTNERS = 10
BAD = "name,country,kind\nAtlantis,ZZ,region\n"
NOTICES = {
    "en": "Your answers are kept by the network office for three years.",
    "de": "Ihre Antworten bewahrt die Netzwerkstelle drei Jahre lang auf.",
}
GROUPS = {
    "city-council": {"en": "Members of the city council", "de": "Mitglieder des Stadtrats"},
    "migrant-groups": {"en": "Migrant organisations", "de": "Migrantenorganisationen"},
}


def _log_in(page: Page, password: str) -> None:
    page.fill("#f-email", "ana@example.org")
    page.fill("#f-password", password)
    page.click("main button[type=submit]")


def _import(page: Page) -> None:
    page.click("text=Import partners from a CSV file")
    page.set_input_files(
        "#f-file", {"name": "partners.csv", "mimeType": "text/csv", "buffer": BAD.encode()}
    )
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("line 2: country 'ZZ'")
    page.set_input_files("#f-file", EXAMPLE)
    page.click("form[enctype] button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text(f"{PARTNERS} partners were imported")
    expect(page.locator("table.data tbody tr")).to_have_count(PARTNERS)
    expect(page.locator("table.data")).to_contain_text("Landkreis Göttingen")


def _create_round(page: Page) -> None:
    page.click("text=Rounds of Baltic <Network>")
    page.click("text=Create a round")
    expect(page.locator("h1")).to_have_text("New round")
    page.select_option("#f-version", "intercultural-integration/1.1")
    page.fill("#f-name", "Baseline 2027")
    for code, notice in NOTICES.items():
        page.fill(f"#f-notice-{code}", notice)
    for row, (key, labels) in enumerate(GROUPS.items()):
        page.fill(f"#f-group-{row}-key", key)
        for code, label in labels.items():
            page.fill(f"#f-group-{row}-label-{code}", label)
    page.click("text=Create round")
    expect(page.locator("h1")).to_have_text("Baseline 2027")


def _invite(page: Page) -> dict[int, str]:
    """Links for every partner, one per group; returns each link by its number."""
    page.click("nav.round-nav >> text=Invitation links")
    page.select_option("#f-organisation", "all")
    page.check("#f-every_group")
    page.click("main form.stack button[type=submit]")
    expect(page.locator("h1")).to_have_text("New links")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(PARTNERS * len(GROUPS))
    expect(rows.first).to_contain_text("Members of the city council")  # the round's own label
    links = {
        int(row.locator("td").first.inner_text().lstrip("#")): row.locator("code.link").inner_text()
        for row in rows.all()
    }
    page.click("text=Sheet with QR codes to print")
    expect(page.locator(".qr-card svg")).to_have_count(PARTNERS * len(GROUPS))
    return links


def _respond(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("body")).to_contain_text(NOTICES["en"])
    expect(page.locator("body")).to_contain_text(GROUPS["city-council"]["en"])
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    page.click("a.button.primary")
    fill_all_steps(page, keyboard=False)
    page.check("#confirm")
    page.click(".submit-box button[type=submit]")
    expect(page).to_have_url(re.compile(r"/respond/result$"))


def test_a_new_facilitator_runs_a_round_through_the_pages(
    live_server: LiveServer, new_context: NewContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 1)
    with unit_of_work(live_server.engine, write=True) as session:
        accounts.create_user(session, "ana@example.org", PASSWORD, display_name="Ana")
    _context, page = new_context()
    page.goto(live_server.url + "/")
    page.click("text=Log in as a facilitator")
    _log_in(page, "wrong password")
    expect(page.locator(".error-summary")).to_contain_text("is not correct")
    _log_in(page, PASSWORD)
    expect(page.locator("h1")).to_have_text("Projects")
    page.fill("#f-name", "Baltic <Network>")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Baltic <Network>")
    _import(page)
    _create_round(page)
    links = _invite(page)

    page.click("nav.round-nav >> text=Progress")
    totals = page.locator("tfoot td")  # group, links, uses, opened, started, submitted
    expect(totals.nth(1)).to_have_text(str(PARTNERS * len(GROUPS)))
    expect(totals.nth(5)).to_have_text("0")
    page.evaluate("() => { window.notReloaded = true; }")
    _respondent_context, respondent = new_context()
    _respond(respondent, links[1])
    expect(totals.nth(5)).to_have_text("1", timeout=10_000)
    assert page.evaluate("() => window.notReloaded === true")  # refreshed in place
    expect(page.locator("tbody tr").first).to_contain_text("Members of the city council")

    page.click("nav.round-nav >> text=Invitation links")
    page.get_by_role("button", name="Revoke #2", exact=True).click()
    expect(page.locator("table.data tbody tr").nth(1)).to_contain_text("revoked")
    respondent.goto(links[2])
    expect(respondent.locator("h1")).to_have_text("Not found")  # as an unknown link
    expect(respondent.locator("#consent")).to_have_count(0)

    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Integration Radar")
    page.goto(live_server.url + "/projects")
    expect(page.locator("h1")).to_have_text("Log in")
