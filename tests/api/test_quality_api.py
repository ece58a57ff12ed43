"""GET /api/v1/projects/{slug}/quality: the quality page's figures as JSON (results:read);
below the minimum group size no figures; another project is 404, its rounds as ?round= 422."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from scoring import instrument_quality, parse_definition
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem
from tests.helpers import minimal_definition
from tests.web.test_quality_page import BASELINE


def test_the_figures_are_the_librarys(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    for answers in BASELINE:
        factories.response(session, net.round, net.organisation, answers, submitted=True)
    session.commit()
    url = f"/api/v1/projects/{net.project.slug}/quality?questionnaire=mini&version=1.0"
    answer = client.get(url, headers=bearer("results:read"))
    assert answer.status_code == 200, answer.text
    data = answer.json()
    expected = instrument_quality(parse_definition(minimal_definition()), BASELINE)
    leadership = data["dimensions"][0]
    assert (data["responses"], data["min_group_size"], data["shown"]) == (5, 3, True)
    # two complete responses (mandate N/A and the hidden budget size leave out the others),
    # fewer than the minimum group size of 3: no reliability figures, counts still shown
    assert expected.dimensions["leadership"].complete_cases == 2
    assert (leadership["alpha"], leadership["no_alpha_reason"]) == (None, "not_enough_responses")
    mandate = leadership["items"][0]
    assert mandate["item_rest_correlation"] is None
    assert mandate["distribution"] == dict(expected.items["leadership.mandate"].distribution or {})
    assert data["dimensions"][1]["alpha"] == expected.dimensions["services"].alpha
    problem(client.get(url, headers=bearer("responses:write")), 403, "insufficient-scope")


def test_below_the_minimum_and_across_projects(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    factories.response(session, net.round, net.organisation, BASELINE[0], submitted=True)
    other = factories.network(session)
    session.commit()
    headers = bearer("results:read")
    base = f"/api/v1/projects/{net.project.slug}/quality?questionnaire=mini&version=1.0"
    data = client.get(base, headers=headers).json()
    assert (data["shown"], data["responses"], data["dimensions"]) == (False, 1, [])
    wrong = problem(
        client.get(f"{base}&round={other.round.id}", headers=headers), 422, "invalid-input"
    )
    assert wrong["field"] == "round"
    problem(
        client.get(
            f"/api/v1/projects/{other.project.slug}/quality?questionnaire=mini&version=1.0",
            headers=headers,
        ),
        404,
        "not-found",
    )
