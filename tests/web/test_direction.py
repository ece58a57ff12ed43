"""Text direction follows the page's language (issue 9, item 8): ``<html dir>`` from Babel's
CLDR data, the radar chart mirrored, on every respondent page; left to right for de and en."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.i18n import Localizer, text_direction
from app.models import Organisation, Project
from app.services import rounds
from scoring import parse_definition
from tests import factories
from tests.helpers import arabic_definition
from tests.web.conftest import MakeLink
from tests.web.pages import Page

HTML = re.compile(r'<html lang="([\w-]+)" dir="(\w+)">')
FIGURE = re.compile(r'<script type="application/json" id="radar-data">(.*?)</script>', re.S)


def _direction(page: Page) -> tuple[str, str]:
    match = HTML.search(page.text)
    assert match, page.text[:500]
    return match.group(1), match.group(2)


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        *[(code, "rtl") for code in ("ar", "he", "fa", "ur", "ckb")],
        *[(code, "ltr") for code in ("de", "en", "de-AT", "pl", "zz")],
    ],
)
def test_direction_comes_from_the_locale_data(language: str, direction: str) -> None:
    assert text_direction(language) == direction
    assert Localizer.for_language(language).direction == direction


def test_a_definition_with_arabic_validates() -> None:
    definition = parse_definition(arabic_definition())
    assert definition.languages == ["ar", "en"]
    assert definition.dimensions[0].title["ar"] == "الالتزام والقيادة"


@pytest.fixture
def arabic_link(session: Session, project: Project, organisation: Organisation) -> MakeLink:
    factories.questionnaire(session, arabic_definition())
    round_ = rounds.create_round(session, project, "mini-ar", "1.0", "Arabic round")
    session.commit()

    def make(**options: object) -> str:
        _invitation, token = factories.invitation(session, round_, organisation, **options)
        session.commit()
        return token

    return make


def test_every_respondent_page_in_arabic_reads_right_to_left(
    client: TestClient, arabic_link: MakeLink
) -> None:
    client.headers["Accept-Language"] = "ar"
    start = Page.get(client, f"/r/{arabic_link()}")
    assert _direction(start) == ("ar", "rtl")
    assert "رادار الاندماج المصغّر" in start.text
    consented = start.submit({"consent": "yes"})
    assert _direction(consented) == ("ar", "rtl")
    step = Page.get(client, "/respond")
    assert step.url == "/respond/step/1"
    assert _direction(step) == ("ar", "rtl")
    step2 = step.submit({"leadership.mandate": "3"})
    step3 = step2.submit({"services.training": "1"})
    review = step3.submit({"language.courses": "4"})
    assert review.url == "/respond/review"
    assert _direction(review) == ("ar", "rtl")
    result = review.submit({"confirm": "yes"}, "/respond/submit")
    assert result.url == "/respond/result"
    assert _direction(result) == ("ar", "rtl")
    assert 'id="radar-chart" class="chart" data-figure="radar-data" dir="ltr"' in result.text
    figure = json.loads(FIGURE.search(result.text).group(1))  # type: ignore[union-attr]
    axis = figure["layout"]["polar"]["angularaxis"]
    assert axis["direction"] == "counterclockwise"  # mirrored: topic 2 left of topic 1
    assert axis["ticktext"][0] == "1\xa0الالتزام والقيادة"

    switch = {"switch_language": "en", "next": "/respond/result"}
    english = result.submit(switch, "/respond/language")
    assert _direction(english) == ("en", "ltr")
    figure = json.loads(FIGURE.search(english.text).group(1))  # type: ignore[union-attr]
    assert figure["layout"]["polar"]["angularaxis"]["direction"] == "clockwise"


@pytest.mark.parametrize("language", ["de", "en"])
def test_german_and_english_pages_read_left_to_right(
    client: TestClient, make_link: MakeLink, language: str
) -> None:
    client.headers["Accept-Language"] = language
    start = Page.get(client, f"/r/{make_link()}")
    assert _direction(start) == (language, "ltr")
    assert _direction(Page.get(client, "/")) == (language, "ltr")
    missing = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert _direction(Page(client, "/", missing.status_code, missing.text)) == (language, "ltr")
