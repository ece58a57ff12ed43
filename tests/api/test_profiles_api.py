"""Profiles through the API: a submitted response's profile is its result page's, in JSON
numbers with the page's rounding; /score scores answers without storing anything."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Response, ResponseScore
from app.services import responses, results
from scoring import round_score
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import COMPLETE, create, problem


def test_a_responses_profile_is_its_result_pages(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    answers = {**COMPLETE, "leadership.has_budget": "yes", "leadership.budget_size": 1}
    created = create(client, net, bearer("responses:write"), answers=answers, submit=True)
    public_id = created.json()["id"]
    answer = client.get(f"/api/v1/responses/{public_id}/profile", headers=bearer("results:read"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    with Session(engine) as session:
        row = session.exec(select(Response).where(Response.public_id == public_id)).one()
        expected = results.own_profile(responses.load(session, row.id or 0)).to_dict()
    profile = body["profile"]
    assert profile["dimensions"] == expected["dimensions"]
    assert profile["overall"] == expected["overall"]
    leadership = profile["dimensions"]["leadership"]
    # mandate 3 of 4 -> 75, a budget -> 100, size 1 reversed -> 75: mean 83.33...
    assert leadership["score"] == 250 / 3
    assert leadership["rounded"] == round_score(250 / 3) == 83.3
    assert isinstance(leadership["coverage"], float)
    assert body["not_counted"] == []
    assert body["language"] == "en"  # the response's own language
    assert (profile["weaknesses"], body["recommendations"]) == ([], {})
    # a weak response gets the result page's recommendations, in ?lang= if asked
    weak = create(client, net, bearer("responses:write"), answers=COMPLETE, submit=True)
    url = f"/api/v1/responses/{weak.json()['id']}/profile"
    english = client.get(url, headers=bearer("results:read")).json()
    assert english["recommendations"] == {"leadership": ["Do something"]}
    german = client.get(url, params={"lang": "de"}, headers=bearer("results:read")).json()
    assert (german["language"], german["recommendations"]) == ("de", {"leadership": ["Etwas tun"]})
    refused = client.get(url, params={"lang": "fr"}, headers=bearer("results:read"))
    assert problem(refused, 404, "language-not-offered")["available"] == ["de", "en"]


def test_a_profile_needs_results_read_and_a_submitted_response(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    writer = bearer("responses:write")
    draft = create(client, net, writer, answers=COMPLETE).json()
    url = f"/api/v1/responses/{draft['id']}/profile"
    problem(client.get(url, headers=writer), 403, "insufficient-scope")
    problem(client.get(url, headers=bearer("results:read")), 409, "conflict")


def test_score_stores_nothing(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    payload = {"questionnaire": "mini", "version": "1.0", "answers": COMPLETE}
    answer = client.post("/api/v1/score", json=payload, headers=bearer("questionnaires:read"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["response_id"] is None
    assert body["profile"]["dimensions"]["leadership"]["rounded"] == 37.5
    assert body["profile"]["overall"]["band"] is not None
    # the result page's recommendations for the weaknesses, in the version's default language
    assert body["profile"]["weaknesses"] == ["leadership"]
    assert (body["language"], body["recommendations"]) == ("en", {"leadership": ["Do something"]})
    german = client.post(
        "/api/v1/score", json={**payload, "language": "de"}, headers=bearer("questionnaires:read")
    ).json()
    assert german["recommendations"] == {"leadership": ["Etwas tun"]}
    french = client.post(
        "/api/v1/score", json={**payload, "language": "fr"}, headers=bearer("questionnaires:read")
    )
    refused = problem(french, 422, "invalid-input")
    assert (refused["field"], refused["available"]) == ("language", ["de", "en"])
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Response)).one() == 0
        assert session.exec(select(func.count()).select_from(ResponseScore)).one() == 0
    unknown = {**payload, "version": "9.9"}
    headers = bearer("questionnaires:read")
    problem(client.post("/api/v1/score", json=unknown, headers=headers), 404, "not-found")
    problem(
        client.post("/api/v1/score", json=payload, headers=bearer("results:read")),
        403,
        "insufficient-scope",
    )


def test_an_organisations_aggregate_is_withheld_below_the_minimum_group_size(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    url = f"/api/v1/rounds/{net.round.id}/organisations/{net.organisation.id}/profile"
    reader = bearer("results:read")
    for mandate in (4, 0):
        answers = {**COMPLETE, "leadership.mandate": mandate}
        factories.response(
            session, net.round, net.organisation, answers, submitted=True, scored=True
        )
    factories.response(session, net.round, net.organisation, COMPLETE)  # a draft counts not
    session.commit()
    withheld = client.get(url, headers=reader).json()
    assert withheld == {
        "round_id": net.round.id,
        "organisation_id": net.organisation.id,
        "responses": 2,
        "min_group_size": 3,
        "shown": False,
        "dimensions": None,
        "disagreements": [],
    }
    factories.response(session, net.round, net.organisation, COMPLETE, submitted=True, scored=True)
    session.commit()
    shown = client.get(url, headers=reader).json()
    assert shown["shown"] is True
    leadership = shown["dimensions"]["leadership"]
    assert leadership["n"] == 3
    assert leadership["mean"] == (50 + 0 + 37.5) / 3  # mandate 4, 0, 3 with no budget
    assert leadership["min"] == 0
    assert leadership["max"] == 50
    problem(client.get(url, headers=bearer("responses:write")), 403, "insufficient-scope")
    other = factories.network(session)
    session.commit()
    foreign = f"/api/v1/rounds/{other.round.id}/organisations/{other.organisation.id}/profile"
    problem(client.get(foreign, headers=reader), 404, "not-found")
