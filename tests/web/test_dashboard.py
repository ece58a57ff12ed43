"""The round dashboard as a facilitator reads it: the numbers in its tables equal the scoring
library's for a seeded round; organisations below the minimum group size show no number;
filters; similar partners with an organisation left out and named; hostile names escaped; an
empty round says so."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.i18n import Localizer
from app.models import Project, User
from app.services import members
from app.web.facilitate import dashboard
from tests import factories
from tests.cohort_data import HOSTILE, Seeded, expected, seed
from tests.web.conftest import log_in

EN = Localizer.for_language("en")


class Tables(HTMLParser):
    """Every ``<table id=...>`` of a page as rows of cell texts (header cells included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def seeded(session: Session, facilitator: User) -> Seeded:
    """The seeded round in a project of its own (minimum group size 3), Ana a member."""
    made = seed(session)
    members.add_member(session, made.project, facilitator)
    session.commit()
    return made


def _url(seeded: Seeded) -> str:
    return f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/dashboard"


def _heatmap(html: str) -> Any:
    found = re.search(r'id="heatmap-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found[1])


def _rows(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def test_the_numbers_equal_the_scoring_librarys(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded))
    assert page.status_code == 200, page.text
    found = tables(page.text)
    want = expected()
    organisations = _rows(found["organisations-table"])
    for name, aggregate in want.aggregates.items():
        row = organisations[name]
        assert row[0] == str(aggregate.responses)
        assert row[1].split(" ")[0] == EN.score(aggregate.dimensions["leadership"].mean)
        assert row[2].split(" ")[0] == EN.score(aggregate.dimensions["services"].mean)
        assert row[-1].split(" ")[0] == EN.score(aggregate.overall.mean)
    assert organisations["Dresden"] == ["2", "not enough responses"]
    assert organisations["Empty"] == ["0", "not enough responses"]
    order = [row[0] for row in found["organisations-table"][1:]]
    overall = [want.aggregates[name].overall.mean for name in order[:4]]
    assert overall == sorted(overall, reverse=True)  # type: ignore[type-var]
    cohort = _rows(found["cohort-table"])
    summary = want.cohort.cohort["leadership"]
    assert cohort["1 Leadership"][:5] == [
        "4",
        EN.score(summary.mean),
        EN.score(summary.median),
        EN.score(summary.min),
        EN.score(summary.max),
    ]
    agreement = _rows(found["agreement-table"])
    aachen = want.aggregates["Aachen"].dimensions["leadership"]
    assert agreement["Aachen"][0] == f"{aachen.agreement:.2f} Views differ strongly"
    groups = [t for key, t in found.items() if key.startswith("groups-")]
    assert len(groups) == 2  # Aachen, and Cork (whose one group is all of Cork)
    side_by_side = _rows(found[f"groups-{seeded.id('Aachen')}"])
    admin = expected(["Aachen"], group="administration").aggregates["Aachen"]
    assert found[f"groups-{seeded.id('Aachen')}"][0][1:] == ["All (5)", "Public administration (3)"]
    assert side_by_side["1 Leadership"][1] == EN.score(admin.dimensions["leadership"].mean)
    # Dresden's two responses appear nowhere as a number: not in the chart data either
    assert "Dresden" not in page.text.split('id="radar-data"')[1].split("</script>")[0]
    assert "Dresden" not in _heatmap(page.text)["data"][0]["y"]


def test_hostile_names_are_escaped(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_url(seeded), params={"selected": seeded.id(HOSTILE)})
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text
    radar = json.loads(re.search(r'id="radar-data">(.*?)</script>', page.text, re.S)[1])  # type: ignore[index]
    names = [trace["name"] for trace in radar["data"]]
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; =SUM(A1)' in names


def test_filters_and_similar_partners(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    german = tables(client.get(_url(seeded), params={"country": "DE"}).text)
    assert set(_rows(german["organisations-table"])) == {"Aachen", "Dresden", HOSTILE}
    similar = client.get(_url(seeded), params={"partner_of": seeded.id("Aachen"), "k": 1})
    found = tables(similar.text)
    assert _rows(found["partners-table"]).keys() == {"Brno"}
    assert "Left out, because an attribute is missing:" in similar.text
    assert "&lt;script&gt;alert" in similar.text.split('id="left-out"')[1].split("</p>")[0]
    ranks = _rows(found["ranks-table"])
    assert set(ranks) == {"1 Leadership", "2 Services", "3 Overall index"}
    lacking = client.get(_url(seeded), params={"partner_of": seeded.id(HOSTILE)})
    assert lacking.status_code == 200
    assert "cannot be compared by these attributes: it has no Population" in lacking.text
    german = client.get(
        _url(seeded),
        params={"partner_of": seeded.id("Dresden")},
        headers={"Accept-Language": "de"},
    )
    assert "Dresden hat nicht genug Antworten für einen Vergleich." in german.text
    refused = client.get(_url(seeded), params={"kind": "castle"})
    assert refused.status_code == 422


def test_an_organisation_of_another_project_is_refused(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    elsewhere = factories.organisation(session, factories.project(session), "Elsewhere")
    session.commit()
    log_in(client, "ana@example.org")
    for wrong in (elsewhere.id, 999_999):
        for url in (_url(seeded), _url(seeded).replace("/dashboard", "/change")):
            page = client.get(url, params={"only": [seeded.id("Aachen"), wrong]})
            assert page.status_code == 422, (url, page.text)
            assert f"only: no organisation {wrong} in this project" in page.text  # as named
            assert "Elsewhere" not in page.text
    german = client.get(
        _url(seeded), params={"only": elsewhere.id}, headers={"Accept-Language": "de"}
    )
    assert f"keine Organisation {elsewhere.id} in diesem Projekt" in german.text
    # similar partners of another project's organisation: refused alike, naming the parameter
    for wrong in (elsewhere.id, 999_999):
        similar = client.get(_url(seeded), params={"partner_of": wrong})
        assert similar.status_code == 422
        assert f"partner_of: project '{seeded.project.slug}' has no organisation {wrong}" in (
            similar.text.replace("&#39;", "'")
        )
    # one of the project's own that the filters leave out: a note, the dashboard stays
    left_out = client.get(_url(seeded), params={"country": "CZ", "partner_of": seeded.id("Aachen")})
    assert left_out.status_code == 200
    assert "This organisation is not among the organisations shown." in left_out.text


def test_an_empty_round_says_so(
    client: TestClient, session: Session, project: Project, facilitator: User
) -> None:
    round_ = factories.round_(session, project)
    session.commit()
    log_in(client, "ana@example.org")
    page = client.get(f"/projects/{project.slug}/rounds/{round_.id}/dashboard")
    assert page.status_code == 200
    assert "This round has no submitted responses yet." in page.text
    assert 'id="radar-data"' not in page.text


def test_many_organisations_are_paged_and_the_heatmap_shows_both_ends(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client, "ana@example.org")
    whole = client.get(_url(seeded)).text
    every = _rows(tables(whole)["organisations-table"])
    order = list(every)
    shown = json.loads(re.search(r'id="heatmap-data">(.*?)</script>', whole, re.S)[1])["data"][0][
        "y"
    ]  # type: ignore[index]
    assert len(shown) > 2
    assert 'rel="next"' not in whole

    monkeypatch.setattr(dashboard, "ROWS_PER_PAGE", 2)
    monkeypatch.setattr(dashboard, "HEATMAP_ENDS", 1)
    first = client.get(_url(seeded))
    assert list(_rows(tables(first.text)["organisations-table"])) == order[:2]
    assert _heatmap(first.text)["data"][0]["y"] == [shown[0], shown[-1]]
    assert f"Organisations 1 to 2 of {len(order)}" in first.text
    link = re.search(r'href="([^"]*)" rel="next"', first.text)
    assert link is not None
    second = client.get(link[1].replace("&amp;", "&"))
    rows = _rows(tables(second.text)["organisations-table"])
    assert rows == {name: every[name] for name in order[2:4]}  # the same numbers, paged
    assert set(_rows(tables(second.text)["agreement-table"])) <= set(order[2:4])
    beyond = client.get(_url(seeded), params={"page": 99})
    assert list(_rows(tables(beyond.text)["organisations-table"])) == order[-2:]
    assert 'rel="next"' not in beyond.text
    assert client.get(_url(seeded), params={"page": 0}).status_code == 422
