"""The change-between-rounds page as a facilitator reads it: before → after and the change (with
an arrow and a word) equal to scoring.compare_rounds on the answers' means; topics of one
version named; organisations below the minimum without numbers; the cohort's mean change; the
dumbbell chart's data; incomparable versions refused with the reason; a round with nothing
earlier says so; the German page shows no English."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import charts_cohort
from app.i18n import Localizer
from app.models import Project, User
from app.services import members
from scoring import round_score
from tests import factories
from tests.change_data import Seeded, expected, seed
from tests.web.conftest import log_in
from tests.web.test_dashboard import tables
from tests.web.test_languages import untranslated

EN = Localizer.for_language("en")


@pytest.fixture
def seeded(session: Session, facilitator: User) -> Seeded:
    made = seed(session)
    members.add_member(session, made.project, facilitator)
    session.commit()
    return made


def _url(seeded: Seeded) -> str:
    return f"/projects/{seeded.project.slug}/rounds/{seeded.later.id}/change"


def _cell(before: float | None, after: float | None, change: float | None, word: str) -> str:
    sign = "+" if change is not None and change > 0 else ""
    arrow = {"up": "▲", "down": "▼", "no change": "="}[word]
    return f"{EN.score(before)} → {EN.score(after)} {sign}{EN.score(change)} {arrow} {word}"


PARTS = [
    ("dimensions", "leadership"),
    ("dimensions", "services"),
    ("areas", "governance"),
    ("indexes", "core"),
    ("overall", "overall"),
]


def _expected_cell(name: str, part: str, key: str) -> str:
    """A cell as the page writes scoring.compare_rounds' change of ``name``'s ``key``."""
    want = expected(name, part)
    assert want is not None
    change = want.changes[key]
    if change.change is None:
        missing = "no score in one of the rounds"
        return f"{EN.score(change.before)} → {EN.score(change.after)} {missing}"
    rounded = round_score(change.change)
    assert rounded is not None
    word = "up" if rounded > 0 else "down" if rounded < 0 else "no change"
    return _cell(change.before, change.after, rounded, word)


def test_the_numbers_equal_compare_rounds(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded))
    assert page.status_code == 200, page.text
    table = tables(page.text)["change-table"]
    head = table[0]
    assert head[:2] == ["Organisation", "Responses"]
    assert head[2:] == ["1 Leadership", "2 Services", "3 Governance", "4 Core", "5 Overall index"]
    rows = {row[0]: row[1:] for row in table[1:]}
    for name in ("Aachen", "Brno"):
        for column, (part, key) in enumerate(PARTS, start=1):
            assert rows[name][column] == _expected_cell(name, part, key), (name, key)
    assert rows["Aachen"][0] == "3 → 4"
    assert list(rows)[:2] == ["Aachen", "Brno"]  # those with numbers first
    assert rows["Cork"] == ["2 → 3", "not enough responses"]
    assert rows["Dresden"] == ["3 → 2", "not enough responses"]
    assert rows["Empty"] == ["0 → 0", "not enough responses"]
    # the cohort's mean change: leadership over both, services over Aachen alone
    aachen, brno = expected("Aachen"), expected("Brno")
    assert aachen is not None
    assert brno is not None
    mean = rows["Cohort mean"]
    leadership = [aachen.changes["leadership"], brno.changes["leadership"]]
    change = round_score(sum(c.change or 0 for c in leadership) / 2)
    assert mean[1].startswith(
        _cell(
            sum(c.before or 0 for c in leadership) / 2,
            sum(c.after or 0 for c in leadership) / 2,
            change,
            "up" if change and change > 0 else "down",
        )
    )
    assert mean[1].endswith("2 organisations")
    assert mean[2].endswith("1 organisation")
    # topics of one version are named, with the reason
    named = page.text.split('id="incomparable"')[1].split("</ul>")[0]
    assert "Networks: not in the earlier round&#39;s version 1.0" in named
    assert "Staff: not in this round&#39;s version 1.1" in named
    assert "Reach: not in the earlier round&#39;s version 1.0" in named


def test_the_partner_report_shows_the_change_since_the_previous_round(
    client: TestClient, seeded: Seeded
) -> None:
    """Aachen's report of the later round: its own change per topic as on the change page,
    the cohort's mean beside it; Cork, below the minimum in the earlier round, gets no number;
    the earlier round's report has nothing to compare with."""
    log_in(client, "ana@example.org")
    reports = f"/projects/{seeded.project.slug}/rounds/{seeded.later.id}/reports"
    page = client.get(f"{reports}/{seeded.id('Aachen')}")
    assert page.status_code == 200, page.text
    assert "Compared: Baseline 2024 → Follow-up 2026" in page.text
    rows = {row[0]: row[1:] for row in tables(page.text)["change-table"][1:]}
    topics = ["1 Leadership", "2 Services", "3 Governance", "4 Core", "5 Overall index"]
    assert list(rows) == topics
    for topic, (part, key) in zip(topics, PARTS, strict=True):
        assert rows[topic][0] == _expected_cell("Aachen", part, key), topic
    assert "Networks: not in the earlier round&#39;s version 1.0" in page.text
    cork = client.get(f"{reports}/{seeded.id('Cork')}").text
    assert "Not enough responses in one of the two rounds to show a change." in cork
    assert 'id="change-table"' not in cork
    first = f"/projects/{seeded.project.slug}/rounds/{seeded.earlier.id}/reports"
    baseline = client.get(f"{first}/{seeded.id('Aachen')}").text
    assert "Change since the previous round" not in baseline


def test_the_dumbbell_chart_and_its_table(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded), params={"topic": "dimension:leadership"})
    figure = json.loads(re.search(r'id="change-data">(.*?)</script>', page.text, re.S)[1])  # type: ignore[index]
    before, after = figure["data"][1], figure["data"][2]
    assert before["y"] == ["Aachen", "Brno", "Cohort mean"]  # never Cork or Dresden
    aachen = expected("Aachen")
    assert aachen is not None
    assert before["x"][0] == round_score(aachen.changes["leadership"].before)
    assert after["x"][0] == round_score(aachen.changes["leadership"].after)
    assert (before["marker"]["symbol"], after["marker"]["symbol"]) == ("circle", "diamond")
    rows = {row[0]: row[1:] for row in tables(page.text)["chart-table"][1:]}
    change = round_score(aachen.changes["leadership"].change)
    assert rows["Aachen"] == [
        EN.score(aachen.changes["leadership"].before),
        EN.score(aachen.changes["leadership"].after),
        f"+{EN.score(change)} ▲ up",
    ]


def test_earlier_rounds_to_choose_and_refusals(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded))
    select = page.text.split('id="f-before"')[1].split("</select>")[0]
    assert "Baseline 2024" in select
    assert "Pilot 2025" not in select  # version 2.0 is not comparable
    refused = client.get(_url(seeded), params={"before": seeded.other.id})
    assert refused.status_code == 409
    assert "cannot be compared" in refused.text
    assert "change 2.0 and change 1.1" in refused.text
    german = client.get(
        _url(seeded), params={"before": seeded.other.id}, headers={"Accept-Language": "de"}
    )
    assert "lassen sich nicht vergleichen" in german.text
    assert client.get(_url(seeded), params={"before": seeded.later.id}).status_code == 422
    elsewhere = factories.round_(session, factories.project(session))
    session.commit()
    foreign = client.get(_url(seeded), params={"before": elsewhere.id})
    assert foreign.status_code == 422  # a wrong choice of the filter, as another partner is
    assert f"before: no round {elsewhere.id}" in foreign.text
    first = f"/projects/{seeded.project.slug}/rounds/{seeded.earlier.id}/change"
    nothing = client.get(first)
    assert nothing.status_code == 200
    assert "There is no earlier round of a comparable questionnaire version" in nothing.text
    assert 'id="change-data"' not in nothing.text


def test_filters_narrow_to_one_organisation(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded), params={"only": seeded.id("Brno")})
    rows = [row[0] for row in tables(page.text)["change-table"][1:]]
    assert rows == ["Brno", "Cohort mean"]
    assert client.get(_url(seeded), params={"kind": "castle"}).status_code == 422
    bogus = client.get(_url(seeded), params={"topic": "dimension:bogus"})
    assert bogus.status_code == 422  # never the overall index in its place
    text = unescape(bogus.text)
    assert "topic: 'dimension:bogus' is none of dimension:leadership" in text
    assert "overall:overall" in text
    drawn = client.get(_url(seeded), params={"topic": "dimension:leadership"})
    assert drawn.status_code == 200
    note = "A change is the difference of the unrounded scores, rounded afterwards"
    assert note in drawn.text
    german = client.get(_url(seeded), headers={"Accept-Language": "de"})
    assert "Eine Veränderung ist die Differenz der ungerundeten Werte" in german.text


def test_an_empty_pair_of_rounds_says_so(
    client: TestClient, session: Session, project: Project, facilitator: User
) -> None:
    factories.round_(session, project, "First")
    later = factories.round_(session, project, "Second")
    session.commit()
    log_in(client, "ana@example.org")
    page = client.get(f"/projects/{project.slug}/rounds/{later.id}/change")
    assert page.status_code == 200
    assert "Neither round has submitted responses yet." in page.text


def test_the_german_page_shows_no_english(client: TestClient, seeded: Seeded) -> None:
    client.headers["Accept-Language"] = "de"
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded))
    assert page.status_code == 200
    assert 'lang="de"' in page.text
    assert "Veränderung zwischen Runden" in page.text
    assert "gestiegen" in page.text
    # German "Filter" (for "Filters") is written like the English msgid "Filter"
    assert set(untranslated(page.text, "de")) <= {"Filter"}, untranslated(page.text, "de")


def test_the_dumbbell_chart_escapes_names_and_skips_missing_pairs() -> None:
    figure = charts_cohort.dumbbell(
        ['<b>"x"</b>', "Brno"],
        [40.04, None],
        [52.56, 60.0],
        before_label="2024 <i>",
        after_label="2026",
    )
    line, before, after = figure["data"]
    assert before["y"] == ['&lt;b&gt;"x"&lt;/b&gt;', "Brno"]
    assert before["name"] == "2024 &lt;i&gt;"
    assert (before["x"], after["x"]) == ([40.0, None], [52.6, 60.0])
    assert line["x"] == [40.0, 52.6, None]  # Brno has no earlier score: no line
    assert before["text"] == ["40.0", "–"]
