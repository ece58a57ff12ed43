"""GET /api/v1/rounds/{id}/change: the change between rounds as JSON numbers equal to
scoring.compare_rounds on the answers' means; topics of one version named; organisations below
the minimum without numbers; incomparable versions 409 with the reason; the same round 422;
another project's round 404; the scope."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from scoring import round_score
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import problem
from tests.change_data import Seeded, expected, seed


@pytest.fixture
def seeded(session: Session, net: factories.Network) -> Seeded:
    made = seed(session)
    session.commit()
    return made


def _url(seeded: Seeded, before: int | None = None) -> str:
    query = f"?before={before}" if before is not None else ""
    return f"/api/v1/rounds/{seeded.later.id}/change{query}"


def test_the_change_equals_compare_rounds(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    answer = client.get(_url(seeded), headers=bearer("results:read", project=seeded.project))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["before_round_id"], body["after_round_id"]) == (seeded.earlier.id, seeded.later.id)
    assert (body["before_version"], body["after_version"]) == ("1.0", "1.1")
    by_name = {o["name"]: o for o in body["organisations"]}
    for name in ("Aachen", "Brno"):
        for part in ("dimensions", "areas", "indexes", "overall"):
            want = expected(name, part)
            assert want is not None
            got = by_name[name]["topics"][part]
            assert set(got) == set(want.changes)
            for key, change in want.changes.items():
                assert got[key]["before"] == pytest.approx(change.before)
                assert got[key]["after"] == pytest.approx(change.after)
                assert got[key]["change"] == round_score(change.change)
    assert by_name["Brno"]["topics"]["dimensions"]["services"] == {
        "before": None,
        "after": 50.0,
        "change": None,
        "direction": None,
        "reason_code": "missing_score",
    }
    assert by_name["Brno"]["topics"]["dimensions"]["leadership"]["direction"] == "down"
    assert by_name["Aachen"]["topics"]["dimensions"]["leadership"]["direction"] == "up"
    for name, counts in {"Cork": (2, 3), "Dresden": (3, 2), "Empty": (0, 0)}.items():
        assert by_name[name] == {
            **by_name[name],
            "shown": False,
            "topics": None,
            "responses_before": counts[0],
            "responses_after": counts[1],
        }
    assert body["incomparable"]["dimensions"] == {
        "staff": {"reason_code": "not_in_after", "reason": "not in version 1.1"},
        "networks": {"reason_code": "not_in_before", "reason": "not in version 1.0"},
    }
    assert set(body["incomparable"]["indexes"]) == {"reach"}
    assert body["cohort"]["dimensions"]["services"]["n"] == 1


def test_one_organisation_and_an_explicit_earlier_round(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    headers = bearer("results:read", project=seeded.project)
    aachen = seeded.id("Aachen")
    url = _url(seeded, seeded.earlier.id) + f"&organisations={aachen}"
    body = client.get(url, headers=headers).json()
    assert [o["organisation_id"] for o in body["organisations"]] == [aachen]
    want = expected("Aachen")
    assert want is not None
    assert body["cohort"]["dimensions"]["leadership"]["change"] == round_score(
        want.changes["leadership"].change
    )


def test_an_organisation_of_another_project_is_refused(
    client: TestClient, seeded: Seeded, bearer: Bearer, net: factories.Network
) -> None:
    headers = bearer("results:read", project=seeded.project)
    url = _url(seeded, seeded.earlier.id) + f"&organisations={net.organisation.id}"
    body = problem(client.get(url, headers=headers), 422, "invalid-input")
    assert f"no organisation {net.organisation.id} in this project" in body["detail"]


def test_incomparable_versions_are_409_with_the_reason(
    client: TestClient, seeded: Seeded, bearer: Bearer
) -> None:
    headers = bearer("results:read", project=seeded.project)
    body = problem(
        client.get(_url(seeded, seeded.other.id), headers=headers), 409, "rounds-not-comparable"
    )
    assert "change 2.0 and change 1.1" in body["detail"]
    assert "not declared comparable" in body["detail"]


def test_refusals(client: TestClient, seeded: Seeded, bearer: Bearer, session: Session) -> None:
    headers = bearer("results:read", project=seeded.project)
    problem(client.get(_url(seeded, seeded.later.id), headers=headers), 422, "invalid-input")
    backwards = f"/api/v1/rounds/{seeded.earlier.id}/change?before={seeded.later.id}"
    problem(client.get(backwards, headers=headers), 422, "invalid-input")
    # the first round has nothing earlier to compare with
    problem(
        client.get(f"/api/v1/rounds/{seeded.earlier.id}/change", headers=headers), 404, "not-found"
    )
    elsewhere = factories.round_(session, factories.project(session))
    session.commit()
    foreign = problem(client.get(_url(seeded, elsewhere.id), headers=headers), 422, "invalid-input")
    assert foreign["field"] == "before"
    assert foreign["detail"] == f"before: no round {elsewhere.id}"
    # a token of another project (the fixture network's)
    problem(client.get(_url(seeded), headers=bearer("results:read")), 404, "not-found")
    problem(
        client.get(_url(seeded), headers=bearer("responses:write", project=seeded.project)),
        403,
        "insufficient-scope",
    )
