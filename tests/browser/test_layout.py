"""Chart and table layout at every width and in print, and right-to-left pages (issue 9,
items 8 and 12), measured in the browser: nothing overflows the page sideways, the chart's
labels (plotly's rendered SVG text) lie inside the chart and do not overlap, the organisation
average column fits without scrolling and prints, the chart starts on the first A4 page, an
Arabic page mirrors the English one.

The respondents' pages are opened with a session started in the database (as opening a link
does), so each test goes straight to the page it measures.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.db import unit_of_work
from app.models import Project, Round
from app.services import projects, respondent_links, rounds, synthetic
from app.services.responses import definition_of
from app.web.respond.respondent import COOKIE, session_policy
from tests import factories
from tests.browser.conftest import ARTIFACTS, LiveServer, NewContext, screenshot
from tests.helpers import arabic_definition

pytestmark = pytest.mark.browser

ORGANISATION = 'Verein "Miteinander" <Nord> & Co'
WIDTHS = [320, 360, 768, 1280, 1920]
A4_CONTENT = (680, 1009)  # px at 96 dpi: 210 x 297 mm less the print stylesheet's 15 mm margins
SMALLEST_LABEL_PX = 10.0
TOPIC_ONE = {"en": "Commitment", "de": "Engagement"}
BOTTOM = {
    "en": "7\xa0Neighbourhoods and public space",
    "de": "7\xa0Quartiere und öffentlicher Raum",
}
AVERAGE = {"en": "average of 4 responses", "de": "Durchschnitt aus 4 Antworten"}
AVERAGE_COLUMN = {"en": "Organisation average", "de": "Durchschnitt der Organisation"}


@dataclass(frozen=True)
class Sessions:
    """Cookies of respondents whose pages the tests open."""

    flagship_result: str
    german_result: str
    arabic_result: str
    arabic_draft: str
    english_draft: str


@pytest.fixture(scope="module")
def sessions(live_server: LiveServer) -> Sessions:
    """Four submitted flagship responses of an organisation with quotes in its name (its
    average shows; one of them in German), and Arabic responses (submitted and draft) in a
    round of their own."""
    rng = random.Random(9)
    policy = session_policy(live_server.app.state.settings)
    with unit_of_work(live_server.engine, write=True) as session:
        round_ = session.get(Round, live_server.round_id)
        assert round_ is not None
        project = session.get(Project, round_.project_id)
        assert project is not None
        member = projects.add_organisation(session, project, ORGANISATION)
        definition = definition_of(session, round_)
        profile = synthetic.organisation_profile(definition, rng)
        submitted = [
            factories.response(
                session,
                round_,
                member,
                synthetic.answers_for(definition, profile, rng),
                submitted=True,
                scored=True,
                language=language,
            )
            for language in ("en", "de", "en", "en")
        ]
        factories.questionnaire(session, arabic_definition())
        arabic_round = rounds.create_round(session, project, "mini-ar", "1.0", "Arabic round")
        answers = {"leadership.mandate": 3, "services.training": 1, "language.courses": 4}
        arabic_done = factories.response(
            session, arabic_round, member, answers, submitted=True, scored=True, language="ar"
        )
        arabic_draft = factories.response(session, arabic_round, member, language="ar")
        english_draft = factories.response(session, arabic_round, member, language="en")
        cookies = [
            respondent_links.attach_session(session, response, policy)
            for response in (*submitted[:2], arabic_done, arabic_draft, english_draft)
        ]
    return Sessions(*cookies)


def _open(new_context: NewContext, live_server: LiveServer, cookie: str, **options: object) -> Page:
    context, page = new_context(**options)
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_server.url}])
    return page


def _drawn(page: Page) -> None:
    """Wait until result.js has drawn and fitted the chart for its current size."""
    page.wait_for_function(
        """() => { const chart = document.querySelector('#radar-chart');
                   return chart.dataset.drawn === chart.clientWidth + 'x' + chart.clientHeight; }"""
    )
    expect(page.locator("#radar-chart .angularaxistick text").first).to_be_visible()


OVERFLOWING = """() => {
  const clipped = e => {  // visually hidden (screen readers only): clipped to nothing
    for (let a = e; a; a = a.parentElement) {
      if (getComputedStyle(a).clipPath !== 'none') { return true; }
    }
    return false;
  };
  const width = document.documentElement.clientWidth;
  const wide = document.documentElement.scrollWidth > width + 1;
  const out = [...document.querySelectorAll('main *')]
    .filter(e => e.getClientRects().length && !clipped(e))
    .filter(e => !(e instanceof SVGElement) || e.tagName === 'svg')  // an svg clips its parts
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.left < -1 || r.right > width + 1); })
    .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40));
  const scrolled = [...document.querySelectorAll('.table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => 'scrolling table');
  return {wide, out: [...out, ...scrolled].slice(0, 10)};
}"""

LABELS = """() => {
  const chart = document.querySelector('#radar-chart').getBoundingClientRect();
  return [...document.querySelectorAll('#radar-chart .angularaxistick text')].map(t => {
    const r = t.getBoundingClientRect();
    const lines = [...t.querySelectorAll('tspan.line')].map(line => line.textContent);
    return {text: lines.length ? lines.join(' ') : t.textContent,
            left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            size: parseFloat(getComputedStyle(t).fontSize),
            chart: {left: chart.left, right: chart.right, top: chart.top, bottom: chart.bottom}};
  });
}"""


HOVER = """() => {
  const chart = document.querySelector('#radar-chart');
  Plotly.Fx.hover(chart, [{curveNumber: chart.data.length - 1, pointNumber: 0}], 'polar');
  return [...chart.querySelectorAll('.hoverlayer text')].map(t => t.textContent);
}"""


def _check_labels(page: Page) -> list[dict[str, object]]:
    """Every axis label inside the chart's box, none overlapping, none smaller than 10 px."""
    labels = page.evaluate(LABELS)
    assert len(labels) == 12, labels
    for label in labels:
        box = label["chart"]
        assert box["left"] - 0.5 <= label["left"], label
        assert label["right"] <= box["right"] + 0.5, label
        assert box["top"] - 0.5 <= label["top"], label
        assert label["bottom"] <= box["bottom"] + 0.5, label
        assert label["size"] >= SMALLEST_LABEL_PX, label
    for index, one in enumerate(labels):
        for other in labels[index + 1 :]:
            apart = (
                one["right"] <= other["left"]
                or other["right"] <= one["left"]
                or one["bottom"] <= other["top"]
                or other["bottom"] <= one["top"]
            )
            assert apart, (one, other)
    return labels


def _check_table(
    page: Page, right_edge: float, *, stacked: bool = False, language: str = "en"
) -> None:
    """The organisation average is shown for every topic, inside the page: as the last
    column, or on phones as a labelled line of each topic's block."""
    cells = page.locator("table.scores tbody tr td:last-child")
    expect(cells).to_have_count(12)
    average = page.locator("table.scores thead th").last
    expect(average).to_have_text(AVERAGE_COLUMN[language])
    if stacked:
        expect(average).not_to_be_in_viewport()  # read by screen readers, not shown
        expect(cells.first).to_have_attribute("data-label", AVERAGE_COLUMN[language])
    else:
        expect(average).to_be_visible()
    for target in (average, cells.first) if not stacked else (cells.first,):
        box = target.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= right_edge + 1, box


def _keep(page: Page, name: str) -> None:
    """The whole page and, to look at closely, the chart and table section."""
    screenshot(page, name)
    section = page.locator("section[aria-labelledby=chart-heading]")
    section.screenshot(path=str(ARTIFACTS / f"{name}-chart.png"))


@pytest.mark.parametrize(
    ("language", "width"), [*[("en", width) for width in WIDTHS], ("de", 1280), ("de", 360)]
)
def test_result_fits_every_width(
    new_context: NewContext, live_server: LiveServer, sessions: Sessions, language: str, width: int
) -> None:
    cookie = sessions.flagship_result if language == "en" else sessions.german_result
    page = _open(new_context, live_server, cookie, viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/respond/result")
    _drawn(page)
    labels = _check_labels(page)
    texts = [str(label["text"]) for label in labels]
    if width < 600:
        assert texts == [str(n) for n in range(1, 13)]  # phones: the topics' numbers
    else:  # wide: numbers and titles, the bottom one whole
        assert texts[0].startswith("1\xa0" + TOPIC_ONE[language]), texts
        assert texts[6] == BOTTOM[language], texts
    chart = page.locator("#radar-chart").bounding_box()
    assert chart is not None
    assert chart["width"] >= min(width - 40, 600), chart  # never a 150 px chart on a phone
    overflow = page.evaluate(OVERFLOWING)
    assert not overflow["wide"], overflow
    assert not overflow["out"], overflow
    _check_table(page, width, stacked=width < 640, language=language)
    key = page.locator(".chart-key")
    expect(key).to_be_visible()
    expect(key).to_contain_text(f"{ORGANISATION}: {AVERAGE[language]}")  # quotes as typed
    assert "&quot;" not in (key.text_content() or "")
    if width == 1280:  # the hover label names the series as typed too
        hover = page.evaluate(HOVER)
        assert any(text.startswith(ORGANISATION) for text in hover), hover
    _keep(page, f"layout-result-{language}-{width}")


def test_result_prints_on_a4_with_the_chart_on_the_first_page(
    new_context: NewContext, live_server: LiveServer, sessions: Sessions
) -> None:
    width, height = A4_CONTENT
    page = _open(
        new_context, live_server, sessions.flagship_result, viewport={"width": 1280, "height": 900}
    )
    page.goto(live_server.url + "/respond/result")
    _drawn(page)
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media="print")
    _drawn(page)
    _check_labels(page)
    chart = page.locator("#radar-chart").bounding_box()
    assert chart is not None
    assert chart["y"] + chart["height"] <= height, chart  # whole on the first page
    overflow = page.evaluate(OVERFLOWING)
    assert not overflow["out"], overflow
    _check_table(page, width)
    expect(page.locator(".chart-key")).to_be_visible()
    _keep(page, "layout-result-print")
    path = ARTIFACTS / "layout-result.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(path), format="A4")
    first, *_rest = PdfReader(path).pages
    text = first.extract_text()
    for label in ("1\xa0Commitment and", "7\xa0Neighbourhoods and", "12\xa0Networks and"):
        assert label in text, text  # the whole chart is on the first page
    assert re.search(r"Organisation\s+average", PdfReader(path).pages[1].extract_text())


RTL_MIRRORS = """() => {
  const box = s => document.querySelector(s).getBoundingClientRect();
  const main = box('main');
  const words = document.createRange();
  words.selectNodeContents(document.querySelector('h1'));
  const heading = words.getBoundingClientRect();
  return {
    next: box('button[value=next]').left, back: box('button[value=back]').left,
    heading_gap_start: heading.left - main.left, heading_gap_end: main.right - heading.right,
    count: getComputedStyle(document.querySelector('.step-count')).direction,
  };
}"""


def test_an_arabic_page_mirrors_the_english_one(
    new_context: NewContext, live_server: LiveServer, sessions: Sessions
) -> None:
    """Buttons run right to left, text starts at the right; the chart goes counter-clockwise
    with topic 2 left of topic 1, its labels inside the chart."""
    places = {}
    for language, cookie in (("en", sessions.english_draft), ("ar", sessions.arabic_draft)):
        page = _open(new_context, live_server, cookie, viewport={"width": 1280, "height": 900})
        page.goto(live_server.url + "/respond/step/1")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        places[language] = page.evaluate(RTL_MIRRORS)
        screenshot(page, f"layout-step-{language}")
    english, arabic = places["en"], places["ar"]
    assert english["next"] < english["back"]  # the primary button first, from the left
    assert arabic["next"] > arabic["back"]  # ... from the right
    assert english["heading_gap_start"] < 40 < english["heading_gap_end"]  # text starts left
    assert arabic["heading_gap_end"] < 40 < arabic["heading_gap_start"]  # ... or right
    assert (english["count"], arabic["count"]) == ("ltr", "rtl")

    page = _open(
        new_context, live_server, sessions.arabic_result, viewport={"width": 1280, "height": 900}
    )
    page.goto(live_server.url + "/respond/result")
    _drawn(page)
    labels = page.evaluate(LABELS)
    assert [label["text"].split("\xa0")[0] for label in labels] == ["1", "2", "3"]
    one, two = labels[0], labels[1]
    assert two["right"] < one["left"] + (one["right"] - one["left"]) / 2  # counter-clockwise
    for label in labels:
        assert label["chart"]["left"] <= label["left"] <= label["right"] <= label["chart"]["right"]
    expect(page.locator(".chart-key")).to_contain_text("متقدّم")
    key = page.locator(".chart-key li").first.bounding_box()
    main = page.locator("main").bounding_box()
    assert key is not None
    assert main is not None
    assert key["x"] > main["x"] + main["width"] / 2  # the key starts at the right
    _keep(page, "layout-result-ar")
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: nothing spills left
    _drawn(page)
    overflow = page.evaluate(OVERFLOWING)
    assert not overflow["wide"], overflow
    assert not overflow["out"], overflow
    _keep(page, "layout-result-ar-360")
