"""The whole respondent path in a real browser, by keyboard, in German and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, NewContext, screenshot
from tests.browser.flow import fill_all_steps, focus_by_tab

pytestmark = pytest.mark.browser

TEXTS = {
    "de": {
        "locale": "de-DE",
        "step": "Schritt 1 von 12",
        "start": "Zustimmen und beginnen",
        "title": "Interkulturelle Integration",
        "result": "Ihr Ergebnis",
        "help": "Hilfe und Beispiele",
    },
    "en": {
        "locale": "en-GB",
        "step": "Step 1 of 12",
        "start": "Agree and start",
        "title": "Intercultural integration",
        "result": "Your result",
        "help": "Help and examples",
    },
}


def _open_help_by_keyboard(page: Page, step: int) -> None:
    if step != 1:
        return
    focus_by_tab(page, "details.help > summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.help[open] p").first).to_be_visible()


@pytest.mark.parametrize("language", ["de", "en"])
def test_whole_path_by_keyboard(
    new_context: NewContext, live_server: LiveServer, language: str
) -> None:
    texts = TEXTS[language]
    _context, page = new_context(locale=texts["locale"])
    page.goto(live_server.link())
    expect(page).to_have_url(re.compile(r"/r/[\w-]+$"))  # opening the link changed nothing
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_contain_text(texts["title"])
    expect(page.locator("body")).to_contain_text("Lower <Saxony> & Co")
    screenshot(page, f"{language}-start")

    focus_by_tab(page, "#consent")
    page.keyboard.press("Space")
    focus_by_tab(page, "form.consent button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/respond/start$"))  # the token left the address bar
    expect(page.locator("#resume-link")).to_have_value(re.compile(r"/resume/"))
    focus_by_tab(page, "a.button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".step-count")).to_have_text(texts["step"])
    expect(page.locator("summary").first).to_have_text(texts["help"])
    screenshot(page, f"{language}-step")

    fill_all_steps(page, keyboard=True, on_step=_open_help_by_keyboard)

    expect(page.locator(".answer-row.missing")).to_have_count(0)
    focus_by_tab(page, "#confirm")
    page.keyboard.press("Space")
    focus_by_tab(page, ".submit-box button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/respond/result$"))
    expect(page.locator("h1")).to_have_text(texts["result"])
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible()
    expect(page.locator("table.scores tbody tr")).to_have_count(12)
    expect(page.locator(".chart-fallback")).to_be_hidden()
    screenshot(page, f"{language}-result")

    page.emulate_media(media="print")  # "print / save as PDF": a clean report
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".downloads ul")).to_be_hidden()
    expect(page.locator("table.scores")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / f"{language}-result.pdf"), format="A4")
    assert (ARTIFACTS / f"{language}-result.pdf").stat().st_size > 10_000
