"""Chart downloads in a browser: the dashboard's "Download SVG" and "Download PNG" buttons save
the drawn chart through the local plotly.js (no request to another host, no CSP error: the
context's watch checks both), by mouse and by keyboard; the SVG holds the chart's labels, the
PNG starts with the PNG signature; without script the buttons stay hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.services import accounts, members
from tests.browser.conftest import LiveServer, NewContext
from tests.cohort_data import seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _dashboard(live_server: LiveServer, email: str) -> tuple[str, str]:
    """A seeded round's dashboard path and the round's name, with a member to log in."""
    with unit_of_work(live_server.engine, write=True) as session:
        user = accounts.create_user(session, email, PASSWORD)
        seeded = seed(session)
        members.add_member(session, seeded.project, user)
        path = f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/dashboard"
        return path, seeded.round.name


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")


def _download(page: Page, button: str, *, keyboard: bool = False) -> tuple[str, bytes]:
    with page.expect_download() as info:
        if keyboard:
            page.focus(button)
            page.keyboard.press("Enter")
        else:
            page.click(button)
    download = info.value
    path = download.path()
    assert path is not None
    return download.suggested_filename, Path(path).read_bytes()


def test_charts_download_as_svg_and_png(live_server: LiveServer, new_context: NewContext) -> None:
    path, round_name = _dashboard(live_server, "charts@example.org")
    _context, page = new_context(accept_downloads=True)
    _log_in(page, live_server.url + path, "charts@example.org")
    for chart in ("#radar-chart", "#heatmap-chart"):
        expect(page.locator(chart + " .main-svg").first).to_be_visible(timeout=30_000)
    radar = '[data-chart-download="radar-chart"]'
    expect(page.locator(radar)).to_be_visible()
    label = page.locator("#radar-chart .angularaxistick text").first.text_content()
    assert label

    name, svg = _download(page, f"{radar} button[data-format=svg]")
    assert name == f"{round_name}-radar.svg".replace(" ", "-")
    assert svg.startswith(b"<svg")
    assert label.encode() in svg

    name, png = _download(page, f"{radar} button[data-format=png]", keyboard=True)
    assert name.endswith("-radar.png")
    assert png.startswith(PNG_SIGNATURE)

    heatmap = '[data-chart-download="heatmap-chart"] button[data-format=svg]'
    name, svg = _download(page, heatmap)
    assert name.endswith("-heatmap.svg")
    assert svg.startswith(b"<svg")
    assert b"Aachen" in svg


def test_without_script_the_buttons_stay_hidden(
    live_server: LiveServer, new_context: NewContext
) -> None:
    path, _name = _dashboard(live_server, "plain@example.org")
    _context, page = new_context(java_script_enabled=False)
    _log_in(page, live_server.url + path, "plain@example.org")
    expect(page.locator("#cohort-table")).to_be_visible()
    expect(page.locator("[data-chart-download]").first).to_be_hidden()
    assert page.locator("button[data-format]").count() == 6  # in the page, not shown
