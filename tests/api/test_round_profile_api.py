"""GET /api/v1/rounds/{id}/profile: the round's cohort comparison, stakeholder agreement and
similar partners as JSON numbers equal to the scoring library's; scopes; 404 across projects;
bad filters 422; an empty round."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem
from tests.cohort_data import HOSTILE, Seeded, expected, seed


@pytest.fixture
def seeded(session: Session, net: factories.Network) -> Seeded:
    made = seed(session)
    session.commit()
    return made


def _url(seeded: Seeded) -> str:
    return f"/api/v1/rounds/{seeded.round.id}/profile"


def test_the_profile_equals_the_scoring_librarys(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    answer = client.get(_url(seeded), headers=bearer("results:read", project=seeded.project))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    want = expected()
    by_name = {o["name"]: o for o in body["organisations"]}
    assert body["min_group_size"] == 3
    assert body["responses"] == 5 + 3 + 4 + 2 + 3
    for name, aggregate in want.aggregates.items():
        one = by_name[name]
        assert one["shown"] is True
        assert one["responses"] == aggregate.responses
        for key, score in aggregate.dimensions.items():
            assert one["dimensions"][key]["mean"] == pytest.approx(score.mean)
            assert one["dimensions"][key]["agreement"] == pytest.approx(score.agreement)
        assert one["overall"]["mean"] == pytest.approx(aggregate.overall.mean)
        position = want.cohort.organisations[name].dimensions["leadership"]
        assert one["standing"]["leadership"]["percentile_rank"] == position.percentile_rank
    dresden = by_name["Dresden"]
    assert dresden == {
        **dresden,
        "shown": False,
        "responses": 2,
        "dimensions": None,
        "overall": None,
        "standing": None,
        "stakeholder_groups": [],
    }
    for key, summary in want.cohort.cohort.items():
        got = body["cohort"]["dimensions"][key]
        assert (got["mean"], got["min"], got["max"]) == pytest.approx(
            (summary.mean, summary.min, summary.max)
        )
    aachen = by_name["Aachen"]
    assert [g["group"] for g in aachen["stakeholder_groups"]] == ["administration"]
    assert aachen["small_stakeholder_groups"] == 1
    assert "leadership" in aachen["disagreements"]
    assert body["similar"] is None


def test_filters_and_similar_partners(client: TestClient, seeded: Seeded, bearer: Bearer) -> None:
    reader = bearer("results:read", project=seeded.project)
    german = client.get(_url(seeded), params={"country": "DE"}, headers=reader).json()
    assert {o["name"] for o in german["organisations"]} == {"Aachen", "Dresden", HOSTILE}
    assert german["filters"]["country"] == "DE"
    chosen = client.get(
        _url(seeded),
        params=[("organisations", seeded.id("Brno")), ("organisations", seeded.id("Cork"))],
        headers=reader,
    ).json()
    assert {o["name"] for o in chosen["organisations"]} == {"Brno", "Cork"}
    similar = client.get(
        _url(seeded),
        params={"organisation": seeded.id("Aachen"), "k": 1, "attributes": "population,kind"},
        headers=reader,
    ).json()["similar"]
    assert similar["attributes"] == ["population", "kind"]
    assert [p["name"] for p in similar["partners"]] == ["Brno"]
    assert similar["left_out"] == [{"organisation_id": seeded.id(HOSTILE), "name": HOSTILE}]
    assert set(similar["percentile_within_partners"]) == {"leadership", "services", "overall"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"country": "Z1"}, 422),
        ({"kind": "castle"}, 422),
        ({"group": "a\x00b"}, 422),
        ({"k": 0, "organisation": 1}, 422),
        ({"attributes": "height", "organisation": 1}, 422),
        ({"organisations": 2**40}, 422),
    ],
)
def test_bad_parameters_are_422(
    client: TestClient, seeded: Seeded, bearer: Bearer, params: dict[str, object], status: int
) -> None:
    answer = client.get(
        _url(seeded), params=params, headers=bearer("results:read", project=seeded.project)
    )
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_similar_partners_of_an_organisation_without_attributes_is_409(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    reader = bearer("results:read", project=seeded.project)
    answer = client.get(_url(seeded), params={"organisation": seeded.id(HOSTILE)}, headers=reader)
    assert "has no population" in problem(answer, 409, "not-comparable")["detail"]
    other = client.get(_url(seeded), params={"organisation": 999_999}, headers=reader)
    body = problem(other, 422, "invalid-input")  # a query parameter, not the address
    assert body["field"] == "organisation"
    assert body["detail"] == "organisation: no organisation 999999 in this cohort"


def test_scope_and_other_projects(
    client: TestClient, seeded: Seeded, bearer: Bearer, net: factories.Network
) -> None:
    problem(
        client.get(_url(seeded), headers=bearer("responses:write", project=seeded.project)),
        403,
        "insufficient-scope",
    )
    # net's token asks for the seeded project's round: as if it did not exist
    problem(client.get(_url(seeded), headers=bearer("results:read")), 404, "not-found")


def test_an_empty_round(client: TestClient, net: factories.Network, bearer: Bearer) -> None:
    answer = client.get(f"/api/v1/rounds/{net.round.id}/profile", headers=bearer("results:read"))
    body = answer.json()
    assert answer.status_code == 200
    assert body["responses"] == 0
    assert [o["shown"] for o in body["organisations"]] == [False]
    assert body["cohort"]["dimensions"]["leadership"]["mean"] is None


def test_an_organisation_of_another_project_is_refused_without_saying_it_exists(
    client: TestClient, seeded: Seeded, bearer: Bearer, net: factories.Network
) -> None:
    reader = bearer("results:read", project=seeded.project)
    aachen = seeded.id("Aachen")
    foreign = net.organisation.id
    assert foreign is not None
    nowhere = foreign + 10_000
    details = {}
    for wrong in (foreign, nowhere):
        answer = client.get(_url(seeded), params={"organisations": [aachen, wrong]}, headers=reader)
        details[wrong] = problem(answer, 422, "invalid-input")["detail"]
        assert f"no organisation {wrong} in this project" in details[wrong]
    # the same sentence whether the id is another project's or nobody's
    assert details[foreign].replace(str(foreign), "N") == details[nowhere].replace(
        str(nowhere), "N"
    )
    assert (
        client.get(_url(seeded), params={"organisations": [aachen]}, headers=reader).status_code
        == 200
    )


def test_a_group_no_response_has_is_refused_naming_the_groups(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    """As the dashboard's filter: an empty cohort would read as "nobody answered"."""
    headers = bearer("results:read", project=seeded.project)
    refused = problem(
        client.get(_url(seeded), params={"group": "aliens"}, headers=headers), 422, "invalid-input"
    )
    assert refused["field"] == "group"
    assert refused["allowed"] == ["administration", "civil-society", "education"]
    assert refused["detail"] == (
        "group: 'aliens' is not one of administration, civil-society, education"
    )
    change = client.get(
        f"/api/v1/rounds/{seeded.round.id}/change", params={"group": "aliens"}, headers=headers
    )
    assert problem(change, 422, "invalid-input")["field"] == "group"
    kept = client.get(_url(seeded), params={"group": "education"}, headers=headers)
    assert [o["name"] for o in kept.json()["organisations"] if o["responses"]] == ["Cork"]
