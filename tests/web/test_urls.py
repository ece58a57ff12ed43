"""Pages link by route name, and every link they carry leads somewhere; printed links open;
links shown to copy follow RADAR_BASE_URL, else the (trusted) address of the request."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from typer.testing import Result

from app.main import create_app
from app.models import Organisation, Round
from app.settings import Settings
from app.web.assets import asset_url
from tests.web.conftest import ORGANISATION, MakeLink, begin
from tests.web.pages import Page

GET_LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
POST_LINK = re.compile(r'\b(?:action|data-autosave)="([^"]*)"')
RESUME_LINK = re.compile(
    r'id="resume-link" class="copy-source" type="text" readonly value="([^"]*)"'
)


def _links(pattern: re.Pattern[str], pages: list[Page]) -> set[str]:
    return {
        link.split("#")[0]
        for page in pages
        for link in pattern.findall(page.text)
        if link.startswith("/")
    }


def test_every_link_on_the_respondent_pages_leads_somewhere(
    client: TestClient, make_link: MakeLink
) -> None:
    token = make_link()
    start = Page.get(client, f"/r/{token}")
    consented = start.submit({"consent": "yes"})
    step1 = Page.get(client, "/respond")
    later = step1.submit(
        {"leadership.mandate": "2", "leadership.has_budget": "no", "action": "later"}
    )
    step2 = Page.get(client, "/respond/step/2")
    review = step2.submit({"services.training": "1"})
    result = review.submit({"confirm": "yes"}, "/respond/submit")
    pages = [start, consented, step1, later, step2, review, result]
    assert {page.status for page in pages} == {200}
    targets = _links(GET_LINK, pages)
    expected = {"/respond", "/respond/step/2", "/respond/result.csv", asset_url("plotly.css")}
    assert expected <= targets
    for target in sorted(targets):
        assert client.get(target).status_code == 200, target
    forms = _links(POST_LINK, pages)
    assert {f"/r/{token}", "/respond/step/1/autosave", "/respond/language"} <= forms
    for target in sorted(forms):  # each exists for POST (no token: refused, not unknown)
        assert client.post(target, data={}).status_code == 403, target


def test_language_switch_returns_only_to_respondent_pages(
    client: TestClient, started: Page
) -> None:
    step2 = started.submit({"leadership.mandate": "1"})
    assert step2.url == "/respond/step/2"
    back = step2.submit({"switch_language": "de", "next": "/respond/step/2"}, "/respond/language")
    assert back.url == "/respond/step/2"
    for elsewhere in ("//evil.example/respond", "/respond/resume-link", "/respond/step/9", ""):
        page = Page.get(client, "/respond/step/2")
        moved = page.submit({"switch_language": "en", "next": elsewhere}, "/respond/language")
        assert moved.url == "/respond/step/2", elsewhere  # where the respondent left off


def test_links_to_copy_follow_the_base_url(
    settings: Settings, make_link: MakeLink, round_: Round
) -> None:
    configured = settings.model_copy(
        update={"base_url": "https://example.eu/radar/", "trusted_hosts": []}
    )
    application = create_app(configured)
    try:
        with TestClient(application, base_url="http://localhost:8000") as browser:
            browser.headers["Accept-Language"] = "en"
            first = begin(browser, make_link())
            later = first.submit({"action": "later"})
            [link] = RESUME_LINK.findall(later.text)
            assert link.startswith("https://example.eu/radar/resume/")
            browser.cookies.clear()
            path = link.removeprefix("https://example.eu/radar")
            assert Page.get(browser, path).url == "/respond/step/1"
    finally:
        application.state.engine.dispose()


def test_without_base_url_links_follow_the_trusted_host(
    settings: Settings, make_link: MakeLink, round_: Round
) -> None:
    application = create_app(settings.model_copy(update={"trusted_hosts": []}))
    try:
        with TestClient(application, base_url="http://localhost:8000") as browser:
            browser.headers["Accept-Language"] = "en"
            later = begin(browser, make_link()).submit({"action": "later"})
            [link] = RESUME_LINK.findall(later.text)
            assert link.startswith("http://localhost:8000/resume/")
            forged = browser.get("/respond/step/1", headers={"Host": "evil.example"})
            assert forged.status_code == 400
    finally:
        application.state.engine.dispose()


def test_printed_invitation_links_open(
    radar: Callable[..., Result],
    client: TestClient,
    cli_env: Settings,
    round_: Round,
    organisation: Organisation,
) -> None:
    cli_env.base_url = "https://example.eu/radar"
    printed = radar("invite", "net", "Baseline", ORGANISATION, "--count", "2")
    assert printed.exit_code == 0, printed.output
    links = printed.stdout.split()
    assert len(links) == 2
    for link in links:
        assert link.startswith("https://example.eu/radar/r/")
        client.cookies.clear()
        opened = Page.get(client, urlsplit(link).path.removeprefix("/radar"))
        assert opened.status == 200
        assert opened.submit({"consent": "yes"}).url == "/respond/start"
