"""Nothing is lost: autosave, leaving and resuming by the personal link in a new browser,
and a stale second tab that gets a conflict instead of overwriting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import Response
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.flow import answer_visible_items, complete_step

pytestmark = pytest.mark.browser


def _begin(page: Page, link: str) -> None:
    page.goto(link)
    page.check("#consent")
    page.click("form.consent button[type=submit]")
    page.click("a.button.primary")
    expect(page).to_have_url(re.compile(r"/respond/step/1$"))


def _checked(page: Page) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('input:checked')]
                 .map(i => [i.name, i.value]))"""
        )
    )


def test_leave_and_resume_in_a_new_browser(
    new_context: NewContext, live_server: LiveServer
) -> None:
    context, page = new_context()
    _begin(page, live_server.link())
    remembered: dict[int, dict[str, str]] = {}

    def note(page: Page, step: int) -> None:
        page.fill("#comment", f"Notes for step {step} <script>x</script>")
        remembered[step] = _checked(page)

    for _ in range(2):
        complete_step(page, keyboard=False, on_step=note)
    page.locator('[data-item] input[type="radio"]').first.check()  # one answer on step 3
    remembered[3] = _checked(page)
    page.click('button[value="later"]')
    expect(page.locator("h1")).to_contain_text("Your answers are saved")
    link = page.input_value("#resume-link")
    assert "/resume/" in link
    context.close()

    _other, fresh = new_context()
    fresh.goto(link)
    expect(fresh).to_have_url(re.compile(r"/respond/step/3$"))  # back on the same page
    assert _checked(fresh) == remembered[3]
    for step in (1, 2):
        fresh.goto(f"{live_server.url}/respond/step/{step}")
        assert _checked(fresh) == remembered[step]
        expect(fresh.locator("#comment")).to_have_value(f"Notes for step {step} <script>x</script>")


def test_autosave_on_change_and_conditional_questions(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context()
    _begin(page, live_server.link())
    page.click('button[value="next"]')  # to "strategy", which has show_if questions
    expect(page).to_have_url(re.compile(r"/respond/step/2$"))
    conditional = page.locator('[data-item="strategy.goals"]')
    expect(conditional).to_be_hidden()
    with page.expect_response(re.compile(r"/autosave$")) as saved:
        page.locator('input[name="strategy.has_concept"]').first.check()
    assert saved.value.status == 200
    expect(conditional).to_be_visible()  # shown at once, no reload
    expect(page.locator("#autosave-status")).to_have_text("All answers saved.")
    page.reload()
    expect(page.locator('input[name="strategy.has_concept"]').first).to_be_checked()
    expect(conditional).to_be_visible()


def test_back_and_forward_keep_answers(new_context: NewContext, live_server: LiveServer) -> None:
    _context, page = new_context()
    _begin(page, live_server.link())
    answer_visible_items(page, keyboard=False)
    first = _checked(page)
    page.click('button[value="next"]')
    expect(page).to_have_url(re.compile(r"/respond/step/2$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/respond/step/1$"))
    assert _checked(page) == first
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/respond/step/2$"))
    page.click('button[value="back"]')
    assert _checked(page) == first


def test_stale_tab_gets_a_conflict(new_context: NewContext, live_server: LiveServer) -> None:
    context, tab_a = new_context()
    _begin(tab_a, live_server.link())
    tab_b = context.new_page()
    tab_b.goto(tab_a.url)
    item = 'input[name="leadership.mandate"]'
    with tab_a.expect_response(re.compile(r"/autosave$")):
        tab_a.locator(item).nth(4).check()
    with tab_b.expect_response(re.compile(r"/autosave$")) as stale:
        tab_b.locator(item).nth(0).check()
    assert stale.value.status == 409
    alert = tab_b.locator("#autosave-status[role=alert]")
    expect(alert).to_contain_text("changed in another window")
    tab_b.locator('textarea[name="comment"]').fill("Typed in tab B")
    tab_b.locator('button[value="next"]').click()  # refused as stale, what was sent is listed
    expect(tab_b.locator(".kept-input")).to_contain_text("Typed in tab B")
    tab_b.get_by_role("link", name="Reload the page").click()
    expect(tab_b.locator(item).nth(4)).to_be_checked()  # tab A's answer, not overwritten
    with Session(live_server.engine) as session:
        stored = [r for r in session.exec(select(Response)).all() if r.answers]
    assert any(r.answers.get("leadership.mandate") == 4 for r in stored)


def test_none_of_these_clears_the_other_options(
    new_context: NewContext, live_server: LiveServer
) -> None:
    _context, page = new_context()
    _begin(page, live_server.link())
    page.goto(f"{live_server.url}/respond/step/11")  # media and communication
    social = page.locator('input[name="communication.channels"][value="social_media"]')
    web = page.locator('input[name="communication.channels"][value="multilingual_web"]')
    none = page.locator('input[name="communication.channels"][value="none"]')
    social.check()
    web.check()
    with page.expect_response(re.compile(r"/autosave$")) as saved:
        none.check()
    assert saved.value.status == 200, "the cleared state is what autosave stores"
    expect(social).not_to_be_checked()
    expect(web).not_to_be_checked()
    with page.expect_response(re.compile(r"/autosave$")):
        social.check()
    expect(none).not_to_be_checked()
    page.reload()
    expect(social).to_be_checked()
    expect(none).not_to_be_checked()
