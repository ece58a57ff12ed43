"""A round's progress page as a facilitator watches it: zeros before anyone answers, a draft
and a submission as respondents go, filters without JavaScript, the table alone for the
refreshing script, and bad filters refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Organisation, Project, Round
from tests import factories
from tests.web.conftest import MakeLink, another_respondent, begin
from tests.web.pages import Page

CELLS = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


@pytest.fixture
def url(session: Session, round_: Round, organisation: Organisation) -> str:
    path = f"/projects/net/rounds/{round_.id}/progress"
    session.commit()
    return path


def _rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") :]
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in CELLS.findall(row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_an_empty_round_shows_zeros(client: TestClient, logged_in: Page, url: str) -> None:
    page = Page.get(client, url)
    assert page.status == 200, page.text
    rows = _rows(page.text)
    assert rows[0] == [
        "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co",
        "–",
        "0",
        "0",
        "0",
        "0",
        "0",
        "–",
        "0 of 2",
        "–",
    ]
    assert rows[-1][:7] == ["Whole round", "", "0", "0", "0", "0", "0"]
    assert re.search(r"/static/refresh\.\w+\.js", page.text)


def test_progress_follows_respondents_and_uses_are_not_submissions(
    client: TestClient, logged_in: Page, url: str, make_link: MakeLink
) -> None:
    token = make_link(multi_use=True, stakeholder_group="civil-society")
    own = dict(client.cookies)
    client.cookies.clear()
    begin(client, token)  # a draft, in a browser of its own
    client.cookies.clear()
    client.cookies.update(own)
    [row, total] = _rows(Page.get(client, url).text)
    assert row[:7] == [
        "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co",
        "Civil society",
        "1",
        "1",
        "1",
        "1",
        "0",
    ]
    assert row[7] != "–"  # last activity
    another_respondent(client, token)
    fragment = client.get(url + "/table")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    [row, total] = _rows(fragment.text)
    assert row[:7] == [
        "Saxony &lt;b&gt;&amp;&lt;/b&gt; Co",
        "Civil society",
        "1",
        "2",
        "2",
        "1",
        "1",
    ]
    assert row[8] == "1 of 2"
    assert row[9] == '<span lang="en">en</span> 2'  # the language each respondent chose
    assert total[:7] == ["Whole round", "", "1", "2", "2", "1", "1"]
    assert total[9] == '<span lang="en">en</span> 2'


def test_filters_work_as_a_plain_form(
    client: TestClient,
    logged_in: Page,
    url: str,
    session: Session,
    project: Project,
    round_: Round,
    organisation: Organisation,
) -> None:
    bavaria = factories.organisation(session, project, "Bavaria")
    factories.response(session, round_, organisation, submitted=True, stakeholder_group="politics")
    factories.response(session, round_, organisation, submitted=True, stakeholder_group="politics")
    bavaria_id = bavaria.id
    session.commit()
    everything = _rows(Page.get(client, url).text)
    assert [row[:2] for row in everything[:-1]] == [
        ["Bavaria", "–"],
        ["Saxony &lt;b&gt;&amp;&lt;/b&gt; Co", "Politics"],
    ]
    reached = _rows(Page.get(client, f"{url}?status=reached").text)
    assert [row[0] for row in reached[:-1]] == ["Saxony &lt;b&gt;&amp;&lt;/b&gt; Co"]
    assert reached[0][8] == "reached"
    assert reached[-1][6] == "2"  # the totals stay those of the round
    only = _rows(Page.get(client, f"{url}?organisation={bavaria_id}&group=-").text)
    assert [row[0] for row in only[:-1]] == ["Bavaria"]
    empty = _rows(Page.get(client, f"{url}?group=education").text)
    assert empty[0] == ["No partner matches these filters."]
    page = Page.get(client, f"{url}?group=politics")
    assert 'value="politics" selected' in page.text
    assert "/table?group=politics" in page.text  # the script refreshes with the same filters


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("status=done", 422),
        ("group=%3Cscript%3E", 422),
        ("organisation=abc", 422),
        ("organisation=99999999999999999999999", 422),
        ("organisation=999", 422),
    ],
)
def test_bad_filters_are_refused(
    client: TestClient, logged_in: Page, url: str, query: str, status: int
) -> None:
    answer = client.get(f"{url}?{query}")
    assert answer.status_code == status
    assert "<script>" not in answer.text


def test_a_partner_of_another_project_in_the_filter_is_a_wrong_value_of_it(
    client: TestClient, logged_in: Page, url: str, session: Session
) -> None:
    other = factories.project(session, "other", "Other")
    elsewhere = factories.organisation(session, other, "Elsewhere").id
    session.commit()
    for path in (url, f"{url}/table"):
        refused = client.get(f"{path}?organisation={elsewhere}")
        assert refused.status_code == 422
        assert f"organisation: project 'net' has no organisation {elsewhere}" in (
            refused.text.replace("&#39;", "'")
        )
        assert "Elsewhere" not in refused.text


def test_an_anonymous_round_shows_the_day_only(
    client: TestClient,
    logged_in: Page,
    session: Session,
    anonymous: Round,
    organisation: Organisation,
) -> None:
    factories.response(session, anonymous, organisation)
    path = f"/projects/net/rounds/{anonymous.id}/progress"
    session.commit()
    [row, _total] = _rows(Page.get(client, path).text)
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", row[7]), row[7]  # no time of day
