"""The result page and the downloads: chart data, table, recommendations, the organisation's
aggregate once the group is large enough, escaping everywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Project, ResponseScore, Round, ScoreKind
from app.services import audit
from tests.web.conftest import MakeLink, another_respondent, begin, complete
from tests.web.pages import Page

FIGURE = re.compile(r'<script type="application/json" id="radar-data">(.*?)</script>', re.S)


def _figure(page: Page) -> dict:
    match = FIGURE.search(page.text)
    assert match, page.text
    return json.loads(match.group(1))


def test_result_page(client: TestClient, submitted: Page) -> None:
    text = submitted.text
    assert "Your result" in text
    assert re.search(r'<script src="/static/plotly\.min\.[0-9a-f]{12}\.js" defer></script>', text)
    assert "<table" in text
    assert "<caption>" in text
    assert "Leadership" in text
    assert "Services" in text
    # leadership 1 of 4 -> 25 + 'no' budget 0 -> mean 12.5 -> weak: its recommendation shows
    assert "Do something" in text
    assert "Overall index" in text
    figure = _figure(submitted)
    assert [trace["type"] for trace in figure["data"]] == ["scatterpolar"] * 4  # 3 bands + own
    own = figure["data"][-1]
    assert own["theta"] == ["1", "2", "1"]  # topics by number, as in the table
    axis = figure["layout"]["polar"]["angularaxis"]
    assert axis["ticktext"] == ["1\xa0Leadership", "2\xa0Services"]
    assert own["text"][:2] == ["Leadership: 12.5", "Services: 100.0"]  # hover: full titles
    assert '<span class="topic-number">1</span> Leadership' in text
    assert own["r"][0] == 12.5
    assert own["r"][1] == 100
    assert "appears here once at least 2 people of your organisation have submitted" in text
    assert "So far: 1." in text
    assert submitted.text.count("Organisation average") == 0


def test_result_is_kept_and_pages_are_read_only(client: TestClient, submitted: Page) -> None:
    assert Page.get(client, "/respond").url == "/respond/result"
    assert Page.get(client, "/respond/step/1").url == "/respond/result"
    assert Page.get(client, "/respond/review").url == "/respond/result"
    response = client.get("/respond/result")
    assert response.headers["cache-control"] == "no-store"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text


def test_organisation_aggregate_appears_with_enough_responses(
    client: TestClient, submitted: Page, make_link: MakeLink
) -> None:
    another_respondent(client, make_link(), mandate="3")
    page = Page.get(client, "/respond/result")
    assert "Organisation average" in page.text
    figure = _figure(page)
    group = figure["data"][-1]
    assert group["name"] == "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co: average of 2 responses"
    assert group["r"][0] == (12.5 + 37.5) / 2
    raw = FIGURE.search(page.text).group(1)  # type: ignore[union-attr]
    assert "<b>" not in raw
    assert "&lt;" not in raw
    assert "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co" in page.text  # in the HTML, as text
    key = re.search(r'<ul class="chart-key" hidden>(.*?)</ul>', page.text, re.S)
    assert key, page.text
    assert "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co: average of 2 responses" in key.group(1)
    assert "includes all 2 submitted responses of Saxony" in page.text


def test_a_count_of_one_reads_in_the_singular(
    client: TestClient, session: Session, project: Project, make_link: MakeLink
) -> None:
    """ "average of 1 response", from the catalogue's plural forms (German too)."""
    project.min_group_size = 1
    session.add(project)
    session.commit()
    page = complete(begin(client, make_link()))
    figure = _figure(page)
    assert figure["data"][-1]["name"] == "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co: average of 1 response"
    assert "includes the 1 submitted response of Saxony" in page.text
    german = page.submit({"switch_language": "de", "next": "/respond/result"}, "/respond/language")
    assert _figure(german)["data"][-1]["name"].endswith("Durchschnitt aus 1 Antwort")
    assert "umfasst die 1 abgeschickte Antwort" in german.text


def test_downloads(client: TestClient, submitted: Page) -> None:
    response = client.get("/respond/result.json")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    answers = {answer["item"]: answer for answer in data["answers"]}
    assert (answers["leadership.mandate"]["value"], answers["leadership.mandate"]["counted"]) == (
        1,
        True,
    )
    assert data["public_id"]
    assert data["comments"]["leadership"].startswith("=cmd")
    assert data["scores"]["dimensions"]["leadership"]["score"] == 12.5
    assert data["organisation"] == "Saxony <b>&</b> Co"
    assert data["consent"]["notice_version"] == "2"
    table = client.get("/respond/result.csv")
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.text.lstrip("\ufeff"))))
    assert rows[0] == ["record", "id", "dimension", "question", "value", "counted", "detail"]
    comment = next(row for row in rows if row[0] == "comment")
    assert comment[4].startswith("'=cmd")  # neutralised for spreadsheets
    scores = {row[1]: row[4] for row in rows if row[0] == "score"}
    assert scores["leadership"] == "12.5"


def test_result_and_downloads_need_a_submission(client: TestClient, started: Page) -> None:
    assert Page.get(client, "/respond/result").url == "/respond/step/1"
    assert client.get("/respond/result.csv").url.path == "/respond/step/1"
    assert client.get("/respond/result.json").url.path == "/respond/step/1"


def test_submission_is_audited_except_in_anonymous_rounds(
    submitted: Page,
    reader: Callable[[], Session],
    round_: Round,
    client: TestClient,
    make_link: MakeLink,
    session: Session,
) -> None:
    with reader() as db:
        [event] = [e for e in audit.recent(db) if e.action == "response.submit"]
        assert event.actor == "respondent"
        assert event.project_id == round_.project_id
        assert "answers" not in event.detail

    round_.anonymous = True
    session.add(round_)
    session.commit()
    another_respondent(client, make_link())
    with reader() as db:
        assert len([e for e in audit.recent(db) if e.action == "response.submit"]) == 1


def test_organisation_aggregate_reads_the_stored_scores(
    client: TestClient, submitted: Page, make_link: MakeLink, session: Session
) -> None:
    """Stored scores are what comparisons show: a rebuild after a rule fix reaches the page,
    also when the page was shown (and its aggregate kept) before. A rebuild replaces score
    rows with new ones, as done here; rows are never changed in place."""
    another_respondent(client, make_link(), mandate="3")
    assert Page.get(client, "/respond/result").status == 200  # the aggregate is kept now
    stored = session.exec(
        select(ResponseScore).where(
            ResponseScore.kind == ScoreKind.DIMENSION, ResponseScore.target_id == "leadership"
        )
    ).all()
    assert len(stored) == 2
    for row in stored:
        session.delete(row)
        session.flush()
        session.add(
            ResponseScore(
                response_id=row.response_id,
                kind=row.kind,
                target_id=row.target_id,
                score=80.0,
                coverage=row.coverage,
                rules_version=row.rules_version,
            )
        )
    session.commit()
    group = _figure(Page.get(client, "/respond/result"))["data"][-1]
    assert group["r"][0] == 80.0


def _answers(page: Page) -> str:
    return page.text.split('id="your-answers-heading"', 1)[1]


def test_the_answers_on_the_result_page_are_each_respondents_own_in_the_pages_language(
    client: TestClient, make_link: MakeLink
) -> None:
    """The "your answers" list is rendered once per response, revision and language and then
    kept (app/web/respond/result.py): a view in another language, and another respondent's
    page, must never show what was kept for the first."""
    first = complete(begin(client, make_link()), comment="Erst <b>dies</b>")
    assert '<span class="answer-text">hardly</span>' in _answers(first)
    assert "Erst &lt;b&gt;dies&lt;/b&gt;" in _answers(first)
    assert _answers(Page.get(client, "/respond/result")) == _answers(first), "kept, the same"
    german = first.submit({"switch_language": "de", "next": "/respond/result"}, "/respond/language")
    assert '<span class="answer-text">kaum</span>' in _answers(german)
    assert "hardly" not in _answers(german)
    other = another_respondent(client, make_link(), mandate="3")
    assert '<span class="answer-text">largely</span>' in _answers(other)
    assert "hardly" not in _answers(other)
    assert "Erst" not in _answers(other)
    assert "kaum" in _answers(Page.get(client, "/respond/result")), "the first, still German"


def test_the_chart_follows_the_organisation_aggregate(
    client: TestClient, session: Session, project: Project, make_link: MakeLink
) -> None:
    """The chart is kept per response, language and aggregate (app/web/respond/result.py): a
    colleague's submission changes the aggregate, and the next view draws it."""
    project.min_group_size = 1
    session.add(project)
    session.commit()
    page = complete(begin(client, make_link()))
    assert _figure(page)["data"][-1]["name"].endswith("average of 1 response")
    assert _figure(Page.get(client, "/respond/result")) == _figure(page)
    another_respondent(client, make_link(), mandate="4")
    again = _figure(Page.get(client, "/respond/result"))
    assert again["data"][-1]["name"].endswith("average of 2 responses")
    assert again["data"][-1]["r"][0] == 31.3, "(12.5 + 50) / 2, rounded as shown"
