"""Partner reports as facilitators and partners read them: the numbers equal the scoring
library's for the seeded round; a share link is shown once, stored hashed, shows its own
partner only (others as the anonymous cohort), and once revoked answers like an unknown link;
below the minimum group size no number; in German no English."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.i18n import Localizer
from app.models import AuditEvent, ReportLink, Response, ResponseStatus
from app.tokens import hash_token
from scoring import round_score
from tests.cohort_data import HOSTILE, Seeded, expected
from tests.web.conftest import log_in
from tests.web.pages import Page
from tests.web.test_dashboard import seeded, tables
from tests.web.test_languages import untranslated
from tests.web.test_security import _text_cells

__all__ = ["seeded"]  # the fixture, shared with the dashboard's tests

EN = Localizer.for_language("en")
SHARED = re.compile(r"http://testserver/report/([A-Za-z0-9_-]{43})")
OTHERS = ("Aachen", "Brno", "Cork", "Dresden", "Empty", "&lt;script&gt;alert")


@dataclass(frozen=True)
class Round:
    """The seeded round's reports page and its organisations' ids, read once: reading a
    committed row again would reopen the fixture's writer (SQLite's lock) under a POST."""

    reports: str
    ids: dict[str, int]

    def report(self, name: str) -> str:
        return f"{self.reports}/{self.ids[name]}"


@pytest.fixture
def round_(seeded: Seeded, session: Session) -> Round:
    made = Round(
        f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/reports",
        {name: seeded.id(name) for name in seeded.organisations},
    )
    session.commit()
    return made


def _rows(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def _signed(value: float | None) -> str:
    rounded = round_score(value)
    assert rounded is not None
    return ("+" if rounded > 0 else "") + EN.score(rounded)


def _listed(html: str, key: str) -> str:
    """The text of the list (or "–") under the heading of strengths or weaknesses."""
    found = re.search(rf'id="{key}">(.*?)</(ul|p)>', html, re.S)
    assert found is not None
    return found[1]


def _share(client: TestClient, round_: Round, name: str) -> str:
    """Make a share link of ``name`` as Ana and return its token (Ana stays logged in)."""
    page = Page.get(client, round_.reports)
    answer = client.post(f"{round_.report(name)}/link", data={"csrf_token": page.csrf})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    [token] = SHARED.findall(answer.text)
    return token


def test_the_reports_numbers_equal_the_scoring_librarys(client: TestClient, round_: Round) -> None:
    log_in(client, "ana@example.org")
    listed = client.get(round_.reports)
    assert listed.status_code == 200
    dashboard = client.get(round_.reports.replace("/reports", "/dashboard")).text
    assert f'href="{round_.report("Aachen")}"' in dashboard  # each row leads to its report
    assert set(_rows(tables(listed.text)["reports-table"])) >= {"Aachen", "Brno", "Empty"}
    want = expected()
    for name in ("Aachen", "Cork", HOSTILE):
        page = client.get(round_.report(name))
        assert page.status_code == 200, page.text
        found = tables(page.text)
        profile = _rows(found["profile-table"])
        mine = want.aggregates[name]
        standing = want.cohort.organisations[name]
        for number, key, title in ((1, "leadership", "Leadership"), (2, "services", "Services")):
            summary = want.cohort.cohort[key]
            assert profile[f"{number} {title}"] == [
                EN.score(mine.dimensions[key].mean),
                EN.score(summary.mean),
                EN.score(summary.min),
                EN.score(summary.max),
                _signed(standing.dimensions[key].difference),
            ], (name, key)
        assert profile["3 Overall index"][0] == EN.score(mine.overall.mean)
        strengths, weaknesses = (_listed(page.text, key) for key in ("strengths", "weaknesses"))
        assert ("Leadership" in strengths, "Services" in strengths) == (
            "leadership" in standing.strengths,
            "services" in standing.strengths,
        )
        assert ("Leadership" in weaknesses, "Services" in weaknesses) == (
            "leadership" in standing.weaknesses,
            "services" in standing.weaknesses,
        )
        agreement = _rows(found["agreement-table"])
        shown = agreement["1 Leadership"][0]
        assert shown.startswith(f"{mine.dimensions['leadership'].agreement:.2f}")
    # the hostile name's leadership is a relative weakness: its recommendation is shown
    hostile = client.get(round_.report(HOSTILE)).text
    assert "Do something" in hostile
    assert "<script>alert" not in hostile
    # Brno's leadership (34.7) is no relative weakness but lies below the threshold of 40
    brno = client.get(round_.report("Brno")).text
    assert "Do something" in brno
    # the facilitators' view names the similar partners
    aachen = client.get(round_.report("Aachen")).text
    similar = aachen.split('id="similar-count"')[1].split("</p>")[0]
    assert "2 similar partners" in similar
    assert "Brno" in similar
    assert "Cork" in similar


def test_a_share_link_is_shown_once_stored_hashed_and_shows_only_its_partner(
    client: TestClient, round_: Round, engine: Engine
) -> None:
    log_in(client, "ana@example.org")
    token = _share(client, round_, "Aachen")
    assert token not in client.get(round_.reports).text  # shown only once
    facilitators = tables(client.get(round_.report("Aachen")).text)
    with Session(engine) as session:
        row = session.exec(select(ReportLink)).one()
        assert row.token_hash == hash_token(token)
        assert row.organisation_id == round_.ids["Aachen"]
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "report_link.create")
        ).one()
    assert [cell for cell in _text_cells(engine) if token in cell] == []
    client.cookies.clear()  # the partner: no login
    page = client.get(f"/report/{token}")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    found = tables(page.text)
    assert _rows(found["profile-table"]) == _rows(facilitators["profile-table"])
    assert found["profile-table"][0][1] == "Aachen"  # one organisation's column: its own
    for other in OTHERS[1:]:
        assert other not in page.text, other
    similar = page.text.split('id="similar-count"')[1].split("</p>")[0]
    assert "2 similar partners (by Population" in similar
    with Session(engine) as session:
        assert session.exec(select(ReportLink)).one().last_used_at is not None


def test_a_revoked_or_replaced_link_answers_like_an_unknown_one(
    client: TestClient, round_: Round
) -> None:
    log_in(client, "ana@example.org")
    first = _share(client, round_, "Cork")
    second = _share(client, round_, "Cork")  # replaces the first
    revoked = _share(client, round_, "Brno")
    page = Page.get(client, round_.reports)
    gone = client.post(
        round_.report("Brno") + "/link/revoke",
        data={"csrf_token": page.csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    client.cookies.clear()
    assert client.get(f"/report/{second}").status_code == 200
    answers = set()
    for token in (first, revoked, "x" * 43, "short"):
        answer = client.get(f"/report/{token}")
        answers.add((answer.status_code, answer.headers["content-type"], answer.text))
    assert len(answers) == 1
    assert next(iter(answers))[0] == 404


def test_below_the_minimum_group_size_the_report_shows_no_number(
    client: TestClient, round_: Round
) -> None:
    log_in(client, "ana@example.org")
    token = _share(client, round_, "Dresden")
    client.cookies.clear()
    page = client.get(f"/report/{token}")
    assert page.status_code == 200
    assert "not enough responses" in page.text
    assert 'id="radar-data"' not in page.text
    assert "<table" not in page.text
    body = page.text.split("<main")[1].split("</main>")[0]
    assert re.findall(r"\d+\.\d", body) == []  # no score anywhere


@pytest.mark.parametrize("language", ["de"])
def test_the_german_report_has_no_english(client: TestClient, round_: Round, language: str) -> None:
    log_in(client, "ana@example.org")
    token = _share(client, round_, "Aachen")
    low = _share(client, round_, "Dresden")
    client.cookies.clear()
    client.headers["Accept-Language"] = language
    for shared in (token, low):
        page = client.get(f"/report/{shared}")
        assert f'lang="{language}"' in page.text
        assert not untranslated(page.text, language), untranslated(page.text, language)
    assert "Führung" in client.get(f"/report/{token}").text
    # ?lang= names the language, as on the respondent pages; one not offered is refused
    english = client.get(f"/report/{token}", params={"lang": "en"})
    assert 'lang="en"' in english.text
    assert "Führung" not in english.text
    refused = client.get(f"/report/{token}", params={"lang": "xx"})
    assert refused.status_code == 422
    assert "&#39;xx&#39;" in refused.text


def _withdraw(engine: Engine, round_: Round, *names: str) -> None:
    """Turn the submitted responses of ``names`` back into drafts: they leave the cohort."""
    with Session(engine) as session:
        for name in names:
            for response in session.exec(
                select(Response).where(Response.organisation_id == round_.ids[name])
            ):
                response.status = ResponseStatus.DRAFT
                session.add(response)
        session.commit()


def test_with_fewer_other_partners_than_the_minimum_no_cohort_figure_is_shown(
    client: TestClient, round_: Round, engine: Engine
) -> None:
    log_in(client, "ana@example.org")
    token = _share(client, round_, "Aachen")
    cohort_mean = _rows(tables(client.get(round_.report("Aachen")).text)["profile-table"])
    # Aachen, Brno, Cork and the hostile name have enough responses: 3 others, the minimum
    assert cohort_mean["1 Leadership"][1] != "–"
    _withdraw(engine, round_, "Cork", HOSTILE)  # now Brno is Aachen's only other partner
    want = expected().aggregates["Aachen"]
    for page in (client.get(round_.report("Aachen")), client.get(f"/report/{token}")):
        assert page.status_code == 200, page.text
        assert "not enough partners to compare" in page.text
        assert "Cohort mean" not in page.text
        assert "Cohort range" not in page.text
        assert 'id="strengths"' not in page.text
        assert 'id="similar-count"' not in page.text
        profile = tables(page.text)["profile-table"]
        assert profile[0] == ["Topic", "Aachen"]  # its own column only
        assert _rows(profile)["1 Leadership"] == [EN.score(want.dimensions["leadership"].mean)]
        figure = page.text.split('id="radar-data">')[1].split("</script>")[0]
        assert figure.count('"scatterpolar"') == 1  # Aachen alone: no mean, no band
    client.cookies.clear()
    assert "Brno" not in client.get(f"/report/{token}").text
