"""GET /api/v1/rounds/{id}/organisations/{id}/report: the partner report as JSON, with the
scoring library's standing, the recommendations in ?lang=, nothing below the minimum group
size, no cohort figure without enough other partners, the change since the previous round;
scopes and other projects as everywhere in the API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import change_data, factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem
from tests.cohort_data import ORGANISATIONS, Seeded, expected, seed


@pytest.fixture
def seeded(session: Session, net: factories.Network) -> Seeded:
    made = seed(session)
    session.commit()
    return made


def _url(round_id: int | None, organisation_id: int) -> str:
    return f"/api/v1/rounds/{round_id}/organisations/{organisation_id}/report"


def test_each_partner_stands_as_the_scoring_library_says(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    headers = bearer("results:read", project=seeded.project)
    want = expected()
    profile = client.get(f"/api/v1/rounds/{seeded.round.id}/profile", headers=headers).json()
    leadership_is_weak = 0
    for name in want.aggregates:
        answer = client.get(_url(seeded.round.id, seeded.id(name)), headers=headers)
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert (report["name"], report["shown"], report["compared"]) == (name, True, True)
        assert report["responses"] == want.aggregates[name].responses
        for key, score in want.aggregates[name].dimensions.items():
            assert report["dimensions"][key]["mean"] == pytest.approx(score.mean)
        assert report["overall"]["mean"] == pytest.approx(want.aggregates[name].overall.mean)
        assert report["cohort"] == profile["cohort"]  # the round profile's distribution
        standing = want.cohort.organisations[name]
        assert report["strengths"] == list(standing.strengths)
        assert report["weaknesses"] == list(standing.weaknesses)
        for key, position in standing.dimensions.items():
            assert report["standing"][key]["percentile_rank"] == position.percentile_rank
        assert set(report["weaknesses"]) <= set(report["weak"])
        assert list(report["recommendations"]) == report["weak"]
        assert report["language"] == "en"  # the small questionnaire's default language
        if "leadership" in report["weak"]:
            leadership_is_weak += 1
            assert report["recommendations"]["leadership"] == ["Do something"]
            german = client.get(
                _url(seeded.round.id, seeded.id(name)), params={"lang": "de"}, headers=headers
            ).json()
            assert german["language"] == "de"
            assert german["recommendations"]["leadership"] == ["Etwas tun"]
        if len(ORGANISATIONS[name][0]) == 5:  # every attribute known: it has similar partners
            assert report["similar"]["organisation_id"] == seeded.id(name)
            assert report["similar"]["partners"]
        else:
            assert report["similar"] is None
        assert report["change"] is None  # no earlier round
    assert leadership_is_weak, "the seeded round has a partner weak in leadership"


def test_below_the_minimum_group_size_only_the_count(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    headers = bearer("results:read", project=seeded.project)
    dresden = client.get(_url(seeded.round.id, seeded.id("Dresden")), headers=headers).json()
    assert dresden["responses"] == len(ORGANISATIONS["Dresden"][1])
    assert dresden == {
        **dresden,
        "shown": False,
        "compared": False,
        "dimensions": None,
        "areas": None,
        "indexes": None,
        "overall": None,
        "cohort": None,
        "standing": None,
        "strengths": [],
        "weaknesses": [],
        "weak": [],
        "recommendations": {},
        "similar": None,
    }


def test_with_too_few_other_partners_no_cohort_figure(
    client: TestClient, net: factories.Network, session: Session, bearer: Bearer
) -> None:
    """One partner alone: its own numbers and the recommendations of the dimensions below the
    threshold, but no standing, no relative strengths, no similar partners."""
    net.project.min_group_size = 1
    session.add(net.project)
    lowest = {"leadership.mandate": 0, "leadership.has_budget": "no", "services.training": 0}
    factories.response(session, net.round, net.organisation, lowest, submitted=True, scored=True)
    session.commit()
    report = client.get(_url(net.round.id, net.organisation.id or 0), headers=bearer()).json()
    assert (report["shown"], report["compared"]) == (True, False)
    assert report["dimensions"]["leadership"]["n"] == 1
    assert (report["standing"], report["similar"], report["cohort"]) == (None, None, None)
    assert report["overall"]["n"] == 1
    assert (report["strengths"], report["weaknesses"]) == ([], [])
    assert "leadership" in report["weak"]
    assert report["recommendations"]["leadership"] == ["Do something"]


def test_the_change_since_the_previous_round(
    client: TestClient, session: Session, net: factories.Network, bearer: Bearer
) -> None:
    seeded = change_data.seed(session)
    session.commit()
    headers = bearer("results:read", project=seeded.project)
    report = client.get(_url(seeded.later.id, seeded.id("Aachen")), headers=headers).json()
    change = report["change"]
    assert change["before_round_id"] == seeded.earlier.id
    assert change["organisation"]["shown"] is True
    want = change_data.expected("Aachen")
    assert want is not None
    got = change["organisation"]["topics"]["dimensions"]["leadership"]
    assert got["before"] == pytest.approx(want.changes["leadership"].before)
    assert got["after"] == pytest.approx(want.changes["leadership"].after)


def test_language_scope_and_other_projects(
    client: TestClient, seeded: Seeded, net: factories.Network, bearer: Bearer
) -> None:
    url = _url(seeded.round.id, seeded.id("Aachen"))
    headers = bearer("results:read", project=seeded.project)
    refused = problem(
        client.get(url, params={"lang": "fr"}, headers=headers), 404, "language-not-offered"
    )
    assert refused["available"] == ["de", "en"]
    assert client.get(url, params={"lang": "x"}, headers=headers).status_code == 422
    no_scope = client.get(url, headers=bearer("responses:write", project=seeded.project))
    assert no_scope.status_code == 403
    other = bearer("results:read")  # a token of net's project
    assert client.get(url, headers=other).status_code == 404
    mixed = _url(seeded.round.id, net.organisation.id or 0)  # net's partner, seeded's round
    assert client.get(mixed, headers=headers).status_code == 404
