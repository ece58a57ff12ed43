"""The number shown agrees with the level, strength and weakness shown beside it, on the
result page, in the chart and in the CSV and JSON downloads (issue 9, point 2).

Before, an overall score of 74.72 read "75 of 100 · Level: Established" while the next band
starts at 75, and a dimension of 66.67 read "67" but was no strength at the threshold 66.7.
Scores are now shown rounded half up to one decimal, and every decision is made on that value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import charts
from app.i18n import Localizer
from app.models import Project, Round
from app.services import questionnaires, rounds
from scoring import parse_definition
from tests.web.conftest import MakeLink, begin
from tests.web.pages import Page

EDGES = {"v74_96": 74.96, "v74_94": 74.94, "v74_72": 74.72, "v66_65": 66.65, "v66_64": 66.64}
EDGES |= {"v39_95": 39.95, "v39_94": 39.94}


def _definition() -> dict[str, Any]:
    def texts(text: str) -> dict[str, str]:
        return {"de": text, "en": text}

    choices = [{"id": k, "label": texts(str(v)), "score": v} for k, v in EDGES.items()]
    return {
        "slug": "edges",
        "version": "1.0",
        "languages": ["de", "en"],
        "default_language": "en",
        "title": texts("Edges"),
        "areas": [{"id": "first-two", "title": texts("First two")}],
        "indexes": [{"id": "lens", "title": texts("Lens"), "of": ["d3"]}],
        "dimensions": [
            {"id": "d1", "title": texts("Topic one"), "area": "first-two"},
            {"id": "d2", "title": texts("Topic two"), "area": "first-two"},
            {"id": "d3", "title": texts("Topic three")},
        ],
        "items": [
            {
                "id": f"d{n}.q",
                "dimension": f"d{n}",
                "type": "single_choice",
                "text": texts(f"Question {n}"),
                "choices": choices,
            }
            for n in (1, 2, 3)
        ],
        "scoring": {
            "bands": [
                {"id": "initial", "min": 0, "label": texts("Initial")},
                {"id": "established", "min": 40, "label": texts("Established")},
                {"id": "advanced", "min": 75, "label": texts("Advanced")},
            ],
            "strength_at": 66.7,
            "weakness_below": 40,
        },
    }


@pytest.fixture
def round_(session: Session, project: Project) -> Round:
    """A round on the edges questionnaire (replaces the small one of tests/web/conftest.py)."""
    questionnaires.publish(session, parse_definition(_definition()))
    round_ = rounds.create_round(session, project, "edges", "1.0", "Edges")
    session.commit()
    return round_


def _result(client: TestClient, token: str, d1: str, d2: str, d3: str) -> Page:
    answers = {"d1.q": d1, "d2.q": d2, "d3.q": d3}
    page = begin(client, token)
    while page.url.startswith("/respond/step/"):  # each page posts its own question only
        page = page.submit({k: v for k, v in answers.items() if f'name="{k}"' in page.text})
    result = page.submit({"confirm": "yes"}, "/respond/submit")
    assert result.url == "/respond/result", result.text
    return result


def _overall(page: Page) -> str:
    match = re.search(r'<p class="overall-score">(.*?)</p>', page.text, re.S)
    assert match, page.text
    return re.sub(r"<[^>]+>", "", match.group(1))


def _row(page: Page, title: str) -> tuple[str, str, str]:
    """(class of the row, shown score, shown level) of a topic in the scores table."""
    match = re.search(
        rf'<tr( class="\w+")?>\s*'
        rf'<th scope="row"><span class="topic-number">\d+</span> {title}</th>\s*'
        rf'<td class="number"[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)',
        page.text,
    )
    assert match, page.text
    return (match.group(1) or "").strip(), match.group(2), match.group(3)


def _csv_scores(client: TestClient) -> dict[str, tuple[str, str]]:
    body = client.get("/respond/result.csv").text.lstrip("\ufeff")
    return {r[1]: (r[4], r[6]) for r in csv.reader(io.StringIO(body)) if r[0] == "score"}


def test_edges_rounded_up_reach_the_next_level_and_threshold(
    client: TestClient, make_link: MakeLink
) -> None:
    page = _result(client, make_link(), "v74_96", "v66_65", "v39_95")
    # d1 74.96 -> 75.0, the band from 75 and a strength; d2 66.65 -> 66.7 >= 66.7: a
    # strength; d3 39.95 -> 40.0, not below 40: no weakness
    assert _row(page, "Topic one") == ('class="strength"', "75.0", "Advanced")
    assert _row(page, "Topic two") == ('class="strength"', "66.7", "Established")
    assert _row(page, "Topic three") == ("", "40.0", "Established")
    assert "<li>Topic one (75.0)</li>" in page.text
    assert "<li>Topic two (66.7)</li>" in page.text
    assert "No topic is below the threshold for a weakness." in page.text
    # area first-two = (74.96 + 66.65) / 2 = 70.805; overall over the top level (the area
    # and d3) = (70.805 + 39.95) / 2 = 55.3775 -> 55.4
    assert _overall(page) == "55.4 of 100 · Level: Established"
    figure = json.loads(re.findall(r'id="radar-data">(.*?)</script>', page.text, re.S)[0])
    own = figure["data"][-1]
    assert own["r"] == [75.0, 66.7, 40.0, 75.0]  # drawn as shown, in the ring named
    assert own["text"][0] == "Topic one: 75.0"
    csv_scores = _csv_scores(client)
    assert csv_scores["d1"] == ("75.0", "advanced; strength")
    assert csv_scores["d2"] == ("66.7", "established; strength")
    assert csv_scores["d3"] == ("40.0", "established")
    # area 70.805 -> 70.8; index lens = d3 -> 40.0; overall 55.4
    assert csv_scores["first-two"] == ("70.8", "established")
    assert csv_scores["lens"] == ("40.0", "established")
    assert csv_scores["overall"] == ("55.4", "established")
    scores = client.get("/respond/result.json").json()["scores"]
    d1 = scores["dimensions"]["d1"]
    assert (d1["score"], d1["rounded"], d1["band"], d1["strength"]) == (
        pytest.approx(74.96),
        75.0,
        "advanced",
        True,
    )
    assert scores["dimensions"]["d3"]["weakness"] is False
    assert (scores["areas"]["first-two"]["rounded"], scores["indexes"]["lens"]["band"]) == (
        70.8,
        "established",
    )


def test_edges_rounded_down_stay_below(client: TestClient, make_link: MakeLink) -> None:
    page = _result(client, make_link(), "v74_94", "v66_64", "v39_94")
    # d1 74.94 -> 74.9: below 75, still a strength; d2 66.64 -> 66.6: no strength;
    # d3 39.94 -> 39.9: initial and a weakness
    assert _row(page, "Topic one") == ('class="strength"', "74.9", "Established")
    assert _row(page, "Topic two") == ("", "66.6", "Established")
    assert _row(page, "Topic three") == ('class="weakness"', "39.9", "Initial")
    assert "<h3>Topic three (39.9)</h3>" in page.text
    csv_scores = _csv_scores(client)
    assert csv_scores["d2"] == ("66.6", "established")
    assert csv_scores["d3"] == ("39.9", "initial; weakness")
    assert csv_scores["lens"] == ("39.9", "initial")
    # area = (74.94 + 66.64) / 2 = 70.79 -> 70.8; overall = (70.79 + 39.94) / 2 = 55.365
    # -> 55.4
    assert csv_scores["first-two"] == ("70.8", "established")
    assert csv_scores["overall"] == ("55.4", "established")


@pytest.mark.parametrize(
    ("choice", "overall"),
    [
        ("v74_72", "74.7 of 100 · Level: Established"),  # the example
        ("v74_96", "75.0 of 100 · Level: Advanced"),
    ],
)
def test_overall_index_level_matches_its_number(
    client: TestClient, make_link: MakeLink, choice: str, overall: str
) -> None:
    page = _result(client, make_link(), choice, choice, choice)
    assert _overall(page) == overall
    json_overall = client.get("/respond/result.json").json()["scores"]["overall"]
    assert json_overall["band"] == overall.rsplit(": ", 1)[1].lower()
    assert _csv_scores(client)["overall"][0] == overall.split(" ")[0]


def test_german_page_writes_the_same_value_with_a_comma(
    client: TestClient, make_link: MakeLink
) -> None:
    client.headers["Accept-Language"] = "de"
    page = _result(client, make_link(), "v74_72", "v74_72", "v74_72")
    assert "74,7" in _overall(page)
    assert "Established" in _overall(page)  # the definition's band label (same in de)


def test_chart_draws_and_writes_the_rounded_value() -> None:
    figure = charts.radar_figure(
        ["A", "B", "C"],
        [charts.Series("Me", [74.96, 66.65, None])],
        charts.band_rings([("Low", 0), ("High", 75)]),
        number=Localizer.for_language("de").score,
    )
    own = figure["data"][-1]
    assert own["r"] == [75.0, 66.7, None, 75.0]  # 74.96 sits in the ring from 75, as named
    assert own["text"][:2] == ["A: 75,0", "B: 66,7"]
    plain = charts.radar_figure(["A"], [charts.Series("Me", [0.05])])
    assert plain["data"][-1]["text"] == ["A: 0.1", "A: 0.1"]


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("de", 74.72, "74,7"),
        ("en", 74.72, "74.7"),
        ("en", 74.96, "75.0"),
        ("de", 66.65, "66,7"),
        ("en", 100.0, "100.0"),
        ("en", None, "–"),
    ],
)
def test_localizer_writes_scores_by_the_rule(
    language: str, value: float | None, shown: str
) -> None:
    assert Localizer.for_language(language).score(value) == shown
