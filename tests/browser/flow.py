"""Driving the respondent pages in a browser: by keyboard only, or by pointer."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

MAX_TABS = 400


def focus_by_tab(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (proves keyboard reach)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable by Tab on {page.url}")


def _answered(item: Locator) -> bool:
    return bool(
        item.evaluate(
            """e => !!e.querySelector('input:checked') ||
                   [...e.querySelectorAll('textarea, input.number')].some(f => f.value)"""
        )
    )


def _controls(item: Locator) -> tuple[str, str]:
    kind = str(
        item.evaluate(
            """e => { const f = e.querySelector('input:not([type=hidden]), textarea');
                      return f.classList.contains('number') ? 'number' : f.type; }"""
        )
    )
    return kind, str(item.get_attribute("data-item"))


def answer_item_by_keyboard(page: Page, item: Locator, choice: int) -> None:
    """Answer one item with the keyboard: arrows in radio groups, Space on checkboxes."""
    kind, item_id = _controls(item)
    selector = f'[name="{item_id}"]'
    focus_by_tab(page, selector)
    if kind == "radio":
        if choice == 0:
            page.keyboard.press("Space")
        for _ in range(choice):
            page.keyboard.press("ArrowDown")
    elif kind == "checkbox":
        page.keyboard.press("Space")
    elif kind == "number":
        page.keyboard.type("12")
    else:
        page.keyboard.type("Evidence: council decision <2024> & budget line")


def answer_item_by_pointer(item: Locator, choice: int) -> None:
    kind, _item_id = _controls(item)
    if kind in ("radio", "checkbox"):
        options = item.locator("input[type=radio], input[type=checkbox]")
        options.nth(min(choice, options.count() - 1)).check()
    elif kind == "number":
        item.locator("input.number").fill("12")
    else:
        item.locator("textarea").fill("Evidence: council decision <2024> & budget line")


def choice_for(page: Page, item: Locator, index: int) -> int:
    """Vary the answers, but open conditional questions (first choice of a choice item)."""
    options = item.locator("input[type=radio]")
    if options.count() and options.count() < 5:
        return 0
    return (index * 3 + 1) % 5


def answer_visible_items(page: Page, *, keyboard: bool) -> int:
    """Answer every shown, unanswered item of the page; returns how many were answered."""
    count = 0
    for index, item in enumerate(page.locator("[data-item]").all()):
        if item.is_hidden() or _answered(item):
            continue
        choice = choice_for(page, item, index)
        if keyboard:
            answer_item_by_keyboard(page, item, choice)
        else:
            answer_item_by_pointer(item, choice)
        count += 1
    return count


def press_button(page: Page, selector: str, *, keyboard: bool) -> None:
    if keyboard:
        focus_by_tab(page, selector)
        page.keyboard.press("Enter")
    else:
        page.locator(selector).click()


def step_number(page: Page) -> int | None:
    match = re.search(r"/respond/step/(\d+)", page.url)
    return int(match.group(1)) if match else None


def complete_step(page: Page, *, keyboard: bool, on_step: object = None) -> int:
    """Answer everything shown on this step and go on; returns the step that was completed."""
    step = step_number(page)
    assert step is not None, page.url
    while step_number(page) == step:
        while answer_visible_items(page, keyboard=keyboard):
            # with script, autosave may show further questions: wait for it, then look again
            expect(page.locator("form#answers-form[aria-busy]")).to_have_count(0)
        if callable(on_step):
            on_step(page, step)
        with page.expect_navigation():
            press_button(page, 'button[value="next"]', keyboard=keyboard)
        if step_number(page) == step:  # the answers opened further questions here
            expect(page.locator(".notice")).to_be_visible()
    return step


def fill_all_steps(page: Page, *, keyboard: bool, on_step: object = None) -> None:
    """From the first step to the review page, answering everything shown."""
    while step_number(page) is not None:
        complete_step(page, keyboard=keyboard, on_step=on_step)
    expect(page).to_have_url(re.compile(r"/respond/review$"))
