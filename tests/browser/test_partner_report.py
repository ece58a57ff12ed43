"""A shared partner report in a browser, without login: the chart drawn under the CSP, axe-core
finds no serious or critical violation, no sideways scrolling on a phone, and printed to A4 the
whole chart is on the first page (the next section on a page of its own). The PDF goes to
tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.db import unit_of_work
from app.services import report_links
from tests.browser.conftest import ARTIFACTS, LiveServer, NewContext, screenshot
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.test_layout import A4_CONTENT, _drawn
from tests.cohort_data import seed

pytestmark = pytest.mark.browser

A4_POINTS = (595.3, 841.9)  # 210 x 297 mm; chromium rounds up to whole pixels


def _shared_link(live_server: LiveServer) -> str:
    with unit_of_work(live_server.engine, write=True) as session:
        seeded = seed(session)
        _row, token = report_links.create(
            session, seeded.round, seeded.organisations["Aachen"], actor="test"
        )
    return live_server.url + f"/report/{token}"


def test_a_shared_report_is_accessible_and_prints_on_a4_with_the_chart_first(
    live_server: LiveServer, new_context: NewContext
) -> None:
    link = _shared_link(live_server)
    _context, page = new_context(viewport={"width": 1280, "height": 900})
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Partner report: Aachen")
    # the first request for plotly.js compresses 4.8 MB once per process: a slow start
    expect(page.locator("#radar-chart .main-svg").first).to_be_visible(timeout=30_000)
    _drawn(page)
    assert_accessible(page, "partner report")
    for other in ("Brno", "Cork", "Dresden"):
        assert other not in page.content()
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(500)  # the chart redraws 150 ms after a resize
    assert_no_horizontal_scroll(page, "partner report at 360 px")
    screenshot(page, "partner-report-360")
    width, height = A4_CONTENT
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media="print")
    _drawn(page)
    chart = page.locator("#radar-chart").bounding_box()
    assert chart is not None
    assert chart["y"] + chart["height"] <= height, chart  # whole on the first page
    _keep_pdf(page)


def _keep_pdf(page: Page) -> None:
    path = ARTIFACTS / "partner-report.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(path), format="A4")
    pages = PdfReader(path).pages
    first = pages[0]
    size = (float(first.mediabox.width), float(first.mediabox.height))
    assert all(abs(got - want) < 1.5 for got, want in zip(size, A4_POINTS, strict=True)), size
    text = first.extract_text()
    assert "Leadership" in text, text  # the chart's axes (and its table) on page 1
    assert "Cohort range (lowest to highest)" in text, text  # the chart's key, under it
    assert "Print or save as PDF" not in " ".join(p.extract_text() for p in pages)
    # each later section starts a page of its own
    assert not any("Stakeholder agreement" in p.extract_text() for p in pages[:1])
    assert pages[1].extract_text().lstrip().startswith("Strengths and")
    assert all(p.extract_text().strip() for p in pages)  # no empty page
