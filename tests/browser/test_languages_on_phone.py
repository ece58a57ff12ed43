"""The flagship questionnaire filled in completely on a phone in each of its seven languages
(issue 14, "done when"): the respondent opens the link with the language chosen, consents,
answers every page by touch, submits and sees the result, all in that language at 360 px.
Every page is measured in the browser: nothing sticks out sideways and no two pieces of text or
controls overlap. Screenshots go to tests/artifacts (phone-<page>-<lang>-360.png)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.models import Organisation, Project, Round
from app.services import rounds
from tests import factories
from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.browser.flow import complete_step, step_number
from tests.browser.test_rtl_phone import PHONE, PROBLEMS

pytestmark = pytest.mark.browser

FLAGSHIP = "intercultural-integration"
TRANSLATED = "1.1"
LANGUAGES = ["de", "en", "es", "fr", "it", "pl", "ro"]
DIMENSIONS = 12


@pytest.fixture(scope="module")
def round_of_seven(live_server: LiveServer) -> tuple[int, int]:
    """A round of the flagship's seven-language version, for the live server's organisation."""
    with unit_of_work(live_server.engine, write=True) as session:
        organisation = session.get(Organisation, live_server.organisation_id)
        flagship = session.get(Round, live_server.round_id)
        assert organisation is not None
        assert flagship is not None
        project = session.get(Project, flagship.project_id)
        assert project is not None
        round_ = rounds.create_round(session, project, FLAGSHIP, TRANSLATED, "Runde 1.1")
        assert round_.id is not None
        assert organisation.id is not None
        return round_.id, organisation.id


def _link(live_server: LiveServer, round_id: int, organisation_id: int) -> str:
    with unit_of_work(live_server.engine, write=True) as session:
        round_ = session.get(Round, round_id)
        organisation = session.get(Organisation, organisation_id)
        assert round_ is not None
        assert organisation is not None
        _invitation, token = factories.invitation(session, round_, organisation)
    return live_server.url + live_server.app.url_path_for("respond.invitation", token=token)


def _fits(page: Page, language: str, name: str) -> None:
    found: dict[str, Any] = page.evaluate(PROBLEMS)
    screenshot(page, f"phone-{name}-{language}-360")
    assert found["lang"] == language, (page.url, found)
    assert found["dir"] in ("", "ltr"), found
    assert not found["wide"], (page.url, found)
    assert not found["out"], (page.url, found)
    assert not found["overlaps"], (page.url, found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_flagship_on_a_phone_in_each_language(
    new_context: NewContext,
    live_server: LiveServer,
    round_of_seven: tuple[int, int],
    language: str,
) -> None:
    _context, page = new_context(locale=language, viewport=PHONE, has_touch=True)
    page.goto(_link(live_server, *round_of_seven) + f"?lang={language}")
    _fits(page, language, "start")

    page.locator("#consent").check()
    with page.expect_navigation():
        page.locator("form.consent button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/respond/start$"))
    with page.expect_navigation():
        page.locator("a.button.primary").click()

    steps = []
    while step_number(page) is not None:
        _fits(page, language, f"step{step_number(page)}")
        steps.append(complete_step(page, keyboard=False))
    assert steps == list(range(1, DIMENSIONS + 1))

    expect(page).to_have_url(re.compile(r"/respond/review$"))
    expect(page.locator(".answer-row.missing")).to_have_count(0)
    _fits(page, language, "review")
    page.locator("#confirm").check()
    with page.expect_navigation():
        page.locator(".submit-box button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/respond/result$"))
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible()
    expect(page.locator("table.scores tbody tr")).to_have_count(DIMENSIONS)
    _fits(page, language, "result")
