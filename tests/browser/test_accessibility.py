"""axe-core scans of every respondent page (no serious or critical violations), and a 360 px
phone viewport without horizontal scrolling."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.flow import complete_step, fill_all_steps, step_number

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def assert_accessible(page: Page, name: str) -> None:
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert not bad, f"{name} ({page.url}):\n" + "\n".join(bad)


def assert_no_horizontal_scroll(page: Page, name: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} ({page.url}) is {width[0]} px wide in {width[1]} px"


def check_page(page: Page, name: str, *, settle_ms: int = 0) -> None:
    """axe-core at the page's width, then no sideways scrolling at 360 and 1280 px, with a
    screenshot of each under tests/artifacts/ (``settle_ms``: time for charts to redraw)."""
    assert_accessible(page, name)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if settle_ms:
            page.wait_for_timeout(settle_ms)
        assert_no_horizontal_scroll(page, f"{name} at {width} px")
        screenshot(page, f"{name}-{width}")


def _walk(page: Page, link: str, check: Callable[[Page, str], None]) -> None:
    """Visit every respondent page (errors included) and run ``check`` on each."""
    page.goto(link.rsplit("/", 1)[0] + "/not-a-valid-token")
    check(page, "error page")
    page.goto(link)
    check(page, "start")
    page.click("form.consent button[type=submit]")
    check(page, "start with error summary")
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    check(page, "consent given, personal link")
    page.click("a.button.primary")
    # a value that is not on the scale (as if posted by hand): the 422 page
    page.evaluate(
        """() => { const r = document.querySelector('input[name="leadership.mandate"]');
                   r.value = '7'; r.checked = true; }"""
    )
    page.click('button[value="next"]')
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "step with error summary")

    def each_step(page: Page, step: int) -> None:
        check(page, f"step {step}")

    while step_number(page) is not None:
        complete_step(page, keyboard=False, on_step=each_step)
    check(page, "review")
    page.goto(page.url.replace("/respond/review", "/respond/step/1"))
    page.click('button[value="later"]')
    check(page, "saved for later")
    page.goto(page.url.replace("/respond/step/1", "/respond/review"))
    page.check("#confirm")
    page.click(".submit-box button[type=submit]")
    expect(page).to_have_url(re.compile(r"/respond/result$"))
    check(page, "result")


def test_every_respondent_page_passes_axe(new_context: NewContext, live_server: LiveServer) -> None:
    _context, page = new_context()
    _walk(page, live_server.link(), assert_accessible)
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible()
    assert_accessible(page, "result with chart")


def test_phone_width_without_horizontal_scrolling(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="de-DE"
    )
    _walk(page, live_server.link(), assert_no_horizontal_scroll)
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible()
    assert_no_horizontal_scroll(page, "result with chart")
    screenshot(page, "mobile-result")


def test_review_lists_nothing_missing_after_a_full_path(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context()
    page.goto(live_server.link())
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    page.click("a.button.primary")
    fill_all_steps(page, keyboard=False)
    expect(page.locator(".answer-row.missing")).to_have_count(0)
    assert_accessible(page, "complete review")
