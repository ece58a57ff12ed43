"""Every facilitator page, refused forms included, passes axe-core (no serious or critical
violation) and fits 360 and 1280 px without sideways scrolling; screenshots of each go to
tests/artifacts/. An admin who is also a member of a seeded round's project logs in once; each
page opens in a fresh browser with that login (the login and reset pages without one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from app.db import unit_of_work
from app.services import accounts, api_tokens, members
from tests import factories
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.test_accessibility import check_page
from tests.cohort_data import seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
EMAIL = "admin@example.org"


@dataclass(frozen=True)
class World:
    """Where the pages are: ``url(name, **params)`` is the address of a named route."""

    server: LiveServer
    slug: str
    round_id: int
    organisation_id: int
    reset_token: str
    login: dict[str, Any]
    """The logged-in browser's cookies (Playwright's storage state)."""

    def url(self, name: str, **params: Any) -> str:
        return self.server.url + self.server.app.url_path_for(name, **params)

    def project(self, name: str) -> str:
        return self.url(name, slug=self.slug)

    def round(self, name: str) -> str:
        return self.url(name, slug=self.slug, round_id=self.round_id)


@pytest.fixture(scope="module")
def world(live_server: LiveServer, browser: Browser) -> World:
    with unit_of_work(live_server.engine, write=True) as session:
        admin = accounts.create_user(session, EMAIL, PASSWORD, display_name="Ada", admin=True)
        reader = accounts.create_user(session, "reader@example.org", PASSWORD)
        seeded = seed(session)
        members.add_member(session, seeded.project, admin)
        aachen = seeded.organisations["Aachen"]
        factories.invitation(session, seeded.round, aachen, stakeholder_group="civil-society")
        api_tokens.create_token(session, seeded.project, "Reporting", ["results:read"])
        api_tokens.create_token(session, None, "Network office", ["results:read"])
        assert seeded.round.id is not None
        assert aachen.id is not None
        ids = seeded.project.slug, seeded.round.id, aachen.id
        reset_token = accounts.issue_reset_link(session, reader)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + live_server.app.url_path_for("facilitate.login"))
    page.fill("#f-email", EMAIL)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Projects")
    login = context.storage_state()
    context.close()
    return World(live_server, *ids, reset_token, dict(login))


def _refused_login(page: Page, world: World) -> None:
    page.goto(world.url("facilitate.login"))
    page.fill("#f-email", EMAIL)
    page.fill("#f-password", "wrong password")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()


def _refused_import(page: Page, world: World) -> None:
    page.goto(world.project("facilitate.import"))
    content = b"name,country,kind\nAtlantis,ZZ,castle\n"
    page.set_input_files("#f-file", {"name": "p.csv", "mimeType": "text/csv", "buffer": content})
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()


def _refused_round(page: Page, world: World) -> None:
    page.goto(world.project("facilitate.rounds.new"))
    page.fill("#f-name", "Follow-up 2028")
    page.fill("#f-group-0-key", "Not A Key")
    page.click("text=Create round")
    expect(page.locator(".error-summary")).to_be_visible()


def _batch(page: Page, world: World) -> None:
    page.goto(world.round("facilitate.invitations"))
    page.select_option("#f-organisation", "all")
    page.check("#f-every_group")
    page.click("main form.stack button[type=submit]")
    expect(page.locator("h1")).to_have_text("New links")


def _sheet(page: Page, world: World) -> None:
    _batch(page, world)
    page.click("text=Sheet with QR codes to print")
    expect(page.locator(".qr-card svg").first).to_be_visible()


def _dashboard(page: Page, world: World) -> None:
    page.goto(world.round("facilitate.dashboard"))
    # the first request for plotly.js compresses 4.8 MB once per process: a slow start
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible(timeout=30_000)


def _go(where: Callable[[World], str]) -> Callable[[Page, World], None]:
    def go(page: Page, world: World) -> None:
        page.goto(where(world))

    return go


# name -> (logged in?, how to get there)
PAGES: dict[str, tuple[bool, Callable[[Page, World], None]]] = {
    "login": (False, _go(lambda w: w.url("facilitate.login"))),
    "login-refused": (False, _refused_login),
    "reset": (False, _go(lambda w: w.url("facilitate.reset", token=w.reset_token))),
    "projects": (True, _go(lambda w: w.url("facilitate.projects"))),
    "project": (True, _go(lambda w: w.project("facilitate.project"))),
    "import": (True, _go(lambda w: w.project("facilitate.import"))),
    "import-refused": (True, _refused_import),
    "organisation": (
        True,
        _go(
            lambda w: w.url(
                "facilitate.organisation", slug=w.slug, organisation_id=w.organisation_id
            )
        ),
    ),
    "rounds": (True, _go(lambda w: w.project("facilitate.rounds"))),
    "round-new": (True, _go(lambda w: w.project("facilitate.rounds.new"))),
    "round-new-refused": (True, _refused_round),
    "round": (True, _go(lambda w: w.round("facilitate.round"))),
    "invitations": (True, _go(lambda w: w.round("facilitate.invitations"))),
    "invitations-batch": (True, _batch),
    "invitations-sheet": (True, _sheet),
    "progress": (True, _go(lambda w: w.round("facilitate.progress"))),
    "dashboard": (True, _dashboard),
    "export": (True, _go(lambda w: w.round("facilitate.round.export"))),
    "change": (True, _go(lambda w: w.round("facilitate.change"))),
    "reports": (True, _go(lambda w: w.round("facilitate.reports"))),
    "report": (
        True,
        _go(
            lambda w: w.url(
                "facilitate.report",
                slug=w.slug,
                round_id=w.round_id,
                organisation_id=w.organisation_id,
            )
        ),
    ),
    "quality": (True, _go(lambda w: w.round("facilitate.round.quality"))),
    "audit": (True, _go(lambda w: w.url("facilitate.audit"))),
    "tokens": (True, _go(lambda w: w.project("facilitate.tokens"))),
    "admin-tokens": (True, _go(lambda w: w.url("facilitate.admin_tokens"))),
    "users": (True, _go(lambda w: w.url("facilitate.users"))),
    "password": (True, _go(lambda w: w.url("facilitate.password"))),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_facilitator_page_passes_axe_at_phone_and_desktop_width(
    name: str, world: World, new_context: NewContext
) -> None:
    logged_in, open_page = PAGES[name]
    options = {"storage_state": world.login} if logged_in else {}
    _context, page = new_context(**options)
    open_page(page, world)
    expect(page.locator("h1")).to_be_visible()
    assert "/login" not in page.url or not logged_in, f"{name}: the login did not hold"
    charts = name in ("dashboard", "report")  # drawn again at the new width
    check_page(page, f"facilitator-{name}", settle_ms=500 if charts else 0)
