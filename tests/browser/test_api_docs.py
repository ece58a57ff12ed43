"""The API documentation page works in a browser under the app's CSP: the endpoint list shows,
nothing is blocked (the watcher fails the test on any console error, CSP reports included) and
no request goes to another host."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, NewContext, screenshot

pytestmark = pytest.mark.browser


def test_api_docs_show_every_endpoint(live_server: LiveServer, new_context: NewContext) -> None:
    _context, page = new_context()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    paths = page.locator(".opblock-summary-path")
    expect(paths.first).to_be_visible()
    shown = set(paths.all_inner_texts())
    document = page.request.get(f"{live_server.url}/api/v1/openapi.json").json()
    assert {path.replace("\u200b", "") for path in shown} == set(document["paths"])
    page.locator(".opblock-summary-path", has_text="/readyz").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    screenshot(page, "api-docs")
    assert requests, "the page loaded its assets"
    assert all(url.startswith(live_server.url) for url in requests), requests
