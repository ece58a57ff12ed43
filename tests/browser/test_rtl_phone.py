"""An Arabic respondent on a phone (issue 14, item 3): the start page and a step at 360 px
read right to left in the Arabic interface, nothing sticks out sideways and no two pieces of
text or controls overlap. Screenshots go to tests/artifacts (rtl-*-ar-360.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.db import unit_of_work
from app.models import Organisation, Project, Round
from app.services import rounds
from tests import factories
from tests.browser.conftest import LiveServer, NewContext, screenshot
from tests.helpers import arabic_definition

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}

PROBLEMS = """() => {
  const hidden = e => {  // off screen for screen readers only, or not shown at all
    if (e.closest('details:not([open]) > :not(summary)')) return true;  // a closed disclosure
    for (let a = e; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clipPath !== 'none' || style.opacity === '0' || style.visibility === 'hidden') {
        return true;
      }
    }
    return false;
  };
  const width = document.documentElement.clientWidth;
  const shown = [...document.querySelectorAll(
      'header a, header button, main h1, main h2, main p, main li, main label, main legend,'
      + ' main button, main a, main input, main textarea, main select')]
    .filter(e => e.getClientRects().length && !hidden(e))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && r.height > 0);
  const name = e => e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 30);
  const out = shown.filter(([e, r]) => r.left < -1 || r.right > width + 1).map(([e]) => name(e));
  const overlaps = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      const [a, ra] = shown[i], [b, rb] = shown[j];
      if (a.contains(b) || b.contains(a)) continue;
      const across = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const down = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (across > 1 && down > 1) overlaps.push(name(a) + ' / ' + name(b));
    }
  }
  return {
    wide: document.documentElement.scrollWidth > width + 1,
    out: out.slice(0, 10),
    overlaps: overlaps.slice(0, 10),
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
  };
}"""


@pytest.fixture(scope="module")
def arabic_link(live_server: LiveServer) -> str:
    """An invitation into a round of the small Arabic questionnaire (Arabic by default)."""
    with unit_of_work(live_server.engine, write=True) as session:
        flagship = session.get(Round, live_server.round_id)
        organisation = session.get(Organisation, live_server.organisation_id)
        assert flagship is not None
        assert organisation is not None
        project = session.get(Project, flagship.project_id)
        assert project is not None
        factories.questionnaire(session, arabic_definition())
        round_ = rounds.create_round(session, project, "mini-ar", "1.0", "جولة عربية")
        _invitation, token = factories.invitation(session, round_, organisation)
    return live_server.url + live_server.app.url_path_for("respond.invitation", token=token)


def _fits(page: Page, name: str) -> None:
    found = page.evaluate(PROBLEMS)
    screenshot(page, name)
    assert (found["dir"], found["lang"]) == ("rtl", "ar")
    assert not found["wide"], found
    assert not found["out"], found
    assert not found["overlaps"], found


def test_an_arabic_respondent_on_a_phone(
    new_context: NewContext, live_server: LiveServer, arabic_link: str
) -> None:
    _context, page = new_context(locale="ar", viewport=PHONE)
    page.goto(arabic_link + "?lang=ar")
    expect(page.locator("h2#privacy-heading")).to_have_text("حماية البيانات")
    _fits(page, "rtl-start-ar-360")

    page.get_by_label("قرأت إشعار حماية البيانات", exact=False).check()
    page.get_by_role("button", name="موافقة وبدء").click()
    page.goto(live_server.url + "/respond/step/1")
    expect(page.get_by_role("button", name="حفظ ومتابعة", exact=True)).to_be_visible()
    page.locator("textarea").first.fill("نص")  # 3998 left: Arabic's "many" form (11 to 99)
    expect(page.locator(".char-count").first).to_have_text(re.compile(r"^تبقّى 3[,٬]?998 حرفًا$"))
    _fits(page, "rtl-step-ar-360")
