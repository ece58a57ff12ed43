"""The whole path with JavaScript switched off: every page works, the table replaces the chart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.flow import fill_all_steps

pytestmark = pytest.mark.browser


def test_no_javascript_path(new_context: NewContext, live_server: LiveServer) -> None:
    _context, page = new_context(java_script_enabled=False, locale="de-DE")
    page.goto(live_server.link())
    page.click("form.consent button[type=submit]")  # without consent: an error summary
    expect(page.locator(".error-summary")).to_be_visible()
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    expect(page.locator("#resume-link")).to_be_visible()
    expect(page.locator("button[data-copy]")).to_be_hidden()  # copying needs script
    page.click("a.button.primary")
    page.locator("details.help > summary").first.click()  # native disclosure, no script
    expect(page.locator("details.help[open] p").first).to_be_visible()
    page.click('button[value="next"]')
    expect(page).to_have_url(re.compile(r"/respond/step/2$"))
    # step 2: choosing "yes" opens further questions, shown after saving the page
    expect(page.locator('[data-item="strategy.goals"]')).to_be_hidden()
    page.locator('input[name="strategy.has_concept"]').first.check()
    page.click('button[value="next"]')
    expect(page).to_have_url(re.compile(r"/respond/step/2\?more=1"))
    expect(page.locator(".notice")).to_contain_text("weitere Fragen")
    expect(page.locator('[data-item="strategy.goals"]')).to_be_visible()
    page.click('button[value="back"]')
    expect(page).to_have_url(re.compile(r"/respond/step/1$"))
    # language switch by the header buttons saves the page first
    page.locator('input[name="leadership.mandate"]').nth(2).check()
    page.click('button[name="switch_language"][value="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('input[name="leadership.mandate"]').nth(2)).to_be_checked()

    fill_all_steps(page, keyboard=False)
    page.check("#confirm")
    page.click(".submit-box button[type=submit]")
    expect(page).to_have_url(re.compile(r"/respond/result$"))
    expect(page.locator(".chart-fallback")).to_be_visible()
    expect(page.locator("table.scores tbody tr")).to_have_count(12)
    expect(page.locator("button[data-print]")).to_be_hidden()
    screenshot(page, "nojs-result")
