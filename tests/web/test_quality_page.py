"""The instrument quality page as an author reads it: its figures equal the scoring library's
for seeded responses; answers hidden by ``show_if`` are not counted; below the minimum group
size there are no figures; another project's page or round is "not found"; the German page
shows no English; the project page and the round navigation link to it."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.i18n import Localizer
from app.models import Organisation, Project, Round, User
from scoring import instrument_quality, parse_definition
from tests import factories
from tests.helpers import minimal_definition
from tests.web.conftest import log_in
from tests.web.test_dashboard import tables
from tests.web.test_languages import LANGUAGES, multilingual, untranslated

EN = Localizer.for_language("en")
URL = "/projects/net/quality/mini/1.0"
# mini 1.0: leadership = mandate (0..4, N/A), has_budget (yes/no), budget_size (0..4, reverse,
# shown only if has_budget is yes); services = training (0..4, N/A), a single scored question.
BASELINE: list[dict[str, Any]] = [
    {"leadership.mandate": 4, "leadership.has_budget": "yes", "leadership.budget_size": 0},
    {"leadership.mandate": 3, "leadership.has_budget": "yes", "leadership.budget_size": 1},
    # budget_size is hidden here (no budget): its stored 4 must not count
    {"leadership.mandate": 1, "leadership.has_budget": "no", "leadership.budget_size": 4},
    {"leadership.mandate": 0, "leadership.has_budget": "no"},
    {"leadership.mandate": "na", "leadership.has_budget": "yes", "leadership.budget_size": 2},
]
FOLLOW_UP: list[dict[str, Any]] = [
    {"leadership.mandate": 2, "leadership.has_budget": "no", "services.training": 2},
]
for n, answers in enumerate(BASELINE):
    answers["services.training"] = [4, 3, "na", 1, 2][n]


@pytest.fixture
def seeded(
    session: Session, facilitator: User, project: Project, round_: Round, organisation: Organisation
) -> Round:
    """net (minimum group size 2): five submitted responses in Baseline, one in Follow-up,
    and a draft that must not count; Ana a member. Returns Follow-up."""
    for answers in BASELINE:
        factories.response(session, round_, organisation, answers, submitted=True)
    factories.response(session, round_, organisation, {"leadership.mandate": 0})
    follow_up = factories.round_(session, project, "Follow-up")
    for answers in FOLLOW_UP:
        factories.response(session, follow_up, organisation, answers, submitted=True)
    session.commit()
    return follow_up


def _rows(html: str) -> dict[str, list[str]]:
    """Every question row of the page's tables, by its first cell's first word."""
    rows = {}
    for table in tables(html).values():
        for row in table[1:]:
            rows[row[0].split()[0]] = [cell.replace(" :", ":") for cell in row[1:]]
    return rows


def _two(value: float | None) -> str:
    return EN.number(value, 2)


def test_the_figures_equal_the_scoring_librarys(client: TestClient, seeded: Round) -> None:
    log_in(client, "ana@example.org")
    page = client.get(URL)
    assert page.status_code == 200, page.text
    expected = instrument_quality(parse_definition(minimal_definition()), BASELINE + FOLLOW_UP)
    leadership = expected.dimensions["leadership"]
    assert leadership.alpha is not None
    assert f"Cronbach's alpha: <strong>{_two(leadership.alpha)}</strong>" in page.text, page.text
    assert f"{leadership.complete_cases} complete responses" in page.text
    rows = _rows(page.text)
    mandate = rows["Mandate?"]
    reliability = leadership.items["leadership.mandate"]
    rates = expected.items["leadership.mandate"]
    assert mandate[:4] == [
        _two(reliability.item_rest_correlation),
        _two(reliability.alpha_if_deleted),
        EN.percent(rates.missing_rate or 0),
        EN.percent(rates.not_applicable_rate or 0),
    ]
    assert mandate[4] == "not at all: 1 hardly: 1 partly: 1 largely: 1 fully: 1 don't know: 1"
    # one scored question: no alpha, and the reason in words
    assert "alpha needs at least two scored questions" in page.text
    assert "6 submitted responses" in page.text
    marks = {row[0] for table in tables(page.text).values() for row in table}
    assert "Size? reverse-keyed" in marks  # budget_size is reverse-keyed, the others not
    assert "Mandate?" in marks


def test_answers_hidden_by_show_if_are_not_counted(client: TestClient, seeded: Round) -> None:
    log_in(client, "ana@example.org")
    size = _rows(client.get(URL).text)["Size?"]
    # shown to the three with a budget; the hidden 4 ("fully") of the third is not there
    assert size[4] == "not at all: 1 hardly: 1 partly: 1 largely: 0 fully: 0 don't know: 0"
    assert size[2] == EN.percent(0)


def test_flagged_questions_name_their_reasons(
    client: TestClient, session: Session, seeded: Round, organisation: Organisation
) -> None:
    extra = [{"leadership.has_budget": "no", "services.training": "na"}] * 2
    for answers in extra:
        factories.response(session, seeded, organisation, answers, submitted=True)
    session.commit()
    log_in(client, "ana@example.org")
    page = client.get(URL).text
    start = page.index('id="flagged"')
    flagged = page[start : page.index("</ul>", start)]
    # mandate: 2 of 8 left it blank (25 % > 10 %); budget: leadership's alpha rises without it
    # (0.75 -> 1.00 on the complete responses); training: 3 of 8 "don't know" (> 20 %)
    assert instrument_quality(
        parse_definition(minimal_definition()), BASELINE + FOLLOW_UP + extra
    ).lowering_alpha == ("leadership.has_budget",)
    items = flagged.split("<li>")[1:]
    assert len(items) == 3, flagged
    assert "Mandate?" in items[0]
    assert "missing answers over 10%" in items[0]
    assert "Budget?" in items[1]
    assert "alpha rises if the question is dropped" in items[1]
    assert "Training?" in items[2]
    assert "“not applicable” over 20%" in items[2]


def test_chosen_rounds_below_the_minimum_show_no_figures(client: TestClient, seeded: Round) -> None:
    log_in(client, "ana@example.org")
    page = client.get(f"{URL}?round={seeded.id}")
    assert page.status_code == 200
    assert "not enough responses" in page.text
    assert "Cronbach" not in page.text
    assert "1 submitted response" in page.text
    assert f'value="{seeded.id}" checked' in page.text


def test_another_projects_page_and_round_are_not_found(
    client: TestClient, session: Session, seeded: Round
) -> None:
    other = factories.project(session, "other")
    elsewhere = factories.round_(session, other, "Elsewhere")
    session.commit()
    log_in(client, "ana@example.org")
    assert client.get("/projects/other/quality/mini/1.0").status_code == 404
    chosen = client.get(f"{URL}?round={elsewhere.id}")
    assert chosen.status_code == 422  # a wrong value of the round filter, as elsewhere
    assert f"round: no round {elsewhere.id} on this version" in chosen.text
    typed = client.get(f"{URL}?round=abc")
    assert typed.status_code == 422
    assert "round: 'abc' is not allowed here" in unescape(typed.text)  # typed, on the page
    assert client.get("/projects/net/quality/mini/9.9").status_code == 404
    assert client.get(f"/projects/net/rounds/{elsewhere.id}/quality").status_code == 404


def test_the_project_page_and_the_round_navigation_link_here(
    client: TestClient, seeded: Round
) -> None:
    log_in(client, "ana@example.org")
    assert f'href="{URL}"' in client.get("/projects/net").text
    nav = client.get(f"/projects/net/rounds/{seeded.id}/progress").text
    link = f"/projects/net/rounds/{seeded.id}/quality"
    assert f'href="{link}"' in nav
    answer = client.get(link, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, URL)


def test_the_german_page_shows_no_english(client: TestClient, seeded: Round) -> None:
    client.headers["Accept-Language"] = "de"
    log_in(client, "ana@example.org")
    page = client.get(URL).text
    assert "Größe?" in page
    assert "umgekehrt gepolt" in page
    assert "Cronbachs Alpha: <strong>0,75</strong>" in page
    assert not untranslated(page, "de"), untranslated(page, "de")


@pytest.mark.parametrize("language", ["fr", "it", "es", "pl", "ro", "ar"])
def test_the_page_in_other_languages_shows_no_english(
    client: TestClient,
    session: Session,
    facilitator: User,
    project: Project,
    organisation: Organisation,
    language: str,
) -> None:
    """On mini 1.1, whose texts exist in every language (the questions are the page's too)."""
    multilingual(session, LANGUAGES)
    round_ = factories.round_(session, project, "Translated", slug="mini", version="1.1")
    for answers in BASELINE:
        factories.response(session, round_, organisation, answers, submitted=True)
    session.commit()
    client.headers["Accept-Language"] = language
    log_in(client, "ana@example.org")
    page = client.get("/projects/net/quality/mini/1.1").text
    assert f"Size? [{language}]" in page
    assert f'lang="{language}"' in page
    assert not untranslated(page, language), untranslated(page, language)
