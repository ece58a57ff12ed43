"""Browser tests: a live uvicorn server in a thread on a free port with a fresh, migrated SQLite
database, and Debian's chromium driven by Playwright (never ``playwright install``).

Every test module here sets ``pytestmark = pytest.mark.browser``. Without chromium at
``/usr/bin/chromium`` they skip with a visible reason, so that the README's test command passes
on a fresh machine, except under CI (``CI=true``), where a missing chromium fails them (as a
missing PostgreSQL URL does in tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.engine import Engine

from app.db import make_engine, unit_of_work
from app.main import create_app
from app.models import Organisation, Round
from app.services import questionnaires
from app.settings import PROJECT_ROOT, Settings
from tests import factories
from tests.helpers import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
FLAGSHIP = "intercultural-integration"
NOTICE = (
    "Your answers are kept by the network's coordination office for three years.\n\n"
    "Ihre Antworten werden drei Jahre lang von der Koordinierungsstelle aufbewahrt."
)


def require_chromium(path: str = CHROMIUM) -> str:
    """The chromium to drive; skips the test without one (fails it under CI)."""
    if Path(path).is_file() and os.access(path, os.X_OK):
        return path
    reason = f"browser tests need Debian's chromium at {path} (apt-get install -y chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: under CI the browser tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def chromium() -> str:
    """Checked before any server starts: every browser test needs chromium."""
    return require_chromium()


@dataclass
class LiveServer:
    url: str
    engine: Engine
    round_id: int
    organisation_id: int
    app: FastAPI

    def link(self, **options: Any) -> str:
        """A new invitation link into the flagship round."""
        with unit_of_work(self.engine, write=True) as session:
            round_ = session.get(Round, self.round_id)
            organisation = session.get(Organisation, self.organisation_id)
            assert round_ is not None
            assert organisation is not None
            _invitation, token = factories.invitation(session, round_, organisation, **options)
        return self.url + self.app.url_path_for("respond.invitation", token=token)


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    database = folder / "radar.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        data_dir=folder / "data",
        secret_key="browser-test-secret",
        questionnaires_dir=PROJECT_ROOT / "questionnaires",
        demo_on_first_run=False,
    )
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(engine, write=True) as session:
        questionnaires.load_directory(session, settings.questionnaires_dir)
        made = factories.network(
            session,
            organisation_name="Lower <Saxony> & Co",
            round_name="Baseline 2026",
            slug=FLAGSHIP,
            privacy_notice=NOTICE,
        )
        assert made.round.id is not None
        assert made.organisation.id is not None
        ids = made.round.id, made.organisation.id
    application = create_app(settings)
    with serving(application) as url:
        yield LiveServer(url, engine, *ids, application)
    engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watch:
    """What pages did that they must not: console errors (CSP included), foreign requests."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", self._request)
        return page

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = str((message.location or {}).get("url", ""))
        # an intended error status of a page or an autosave (409, 404, ...) is logged too
        if "Failed to load resource" in message.text and "/static/" not in where:
            return
        self.problems.append(f"console: {message.text} ({where})")

    def _request(self, request: Any) -> None:
        host = urlparse(request.url).netloc
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != urlparse(self.origin).netloc:
            self.problems.append(f"request to another host: {request.url}")


NewContext = Callable[..., tuple[BrowserContext, Page]]


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[NewContext]:
    """Open browser contexts (each a fresh browser profile) that are closed after the test."""
    contexts: list[BrowserContext] = []
    watch = Watch(live_server.url)

    def open_context(**options: Any) -> tuple[BrowserContext, Page]:
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        context.on("page", watch.attach)
        return context, context.new_page()

    yield open_context
    for context in contexts:
        context.close()
    assert not watch.problems, watch.problems


def screenshot(page: Page, name: str) -> None:
    """Keep a screenshot as a CI artefact (tests/artifacts is ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
