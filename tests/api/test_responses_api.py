"""Responses through the API: create a draft or a complete response, read, list, replace and
amend a draft at its revision (412 stale, 428 missing), submit (422 lists what is missing),
idempotent creation and submission, closed rounds, hidden answers kept and not counted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db_types import utcnow
from app.models import AuditEvent, IdempotencyKey, Response, ResponseScore, ResponseStatus
from app.services import idempotency, respondent_data, rounds
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import COMPLETE, create, problem


def _stored(engine: Engine, public_id: str) -> Response:
    with Session(engine) as session:
        return session.exec(select(Response).where(Response.public_id == public_id)).one()


def test_a_draft_is_created_read_and_listed(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    headers = bearer("responses:write")
    created = create(
        client, net, headers, answers={"leadership.mandate": 2}, stakeholder_group="civil-society"
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft"
    assert body["revision"] == 1
    assert body["answers"] == {"leadership.mandate": 2}
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/api/v1/responses/{body['id']}"
    again = client.get(created.headers["location"], headers=headers)
    assert again.json() == body
    listed = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"stakeholder_group": "civil-society", "status": "draft"},
        headers=headers,
    ).json()
    assert listed["total"] == 1
    assert listed["items"] == [body]
    since = (utcnow() + timedelta(hours=1)).isoformat()
    later = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"updated_since": since},
        headers=headers,
    )
    assert later.json()["total"] == 0
    # a bound outside the years stored times can have is the start or end of those years
    for since, total in (("0466-01-01T00:00:00+05:00", 1), ("9999-12-31T23:59:59Z", 0)):
        bounded = client.get(
            f"/api/v1/rounds/{net.round.id}/responses",
            params={"updated_since": since},
            headers=headers,
        )
        assert bounded.status_code == 200, bounded.text
        assert bounded.json()["total"] == total
    bad = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"stakeholder_group": "Civil\x07society"},
        headers=headers,
    )
    assert bad.status_code == 422
    for filters in ({"status": "submitted"}, {"stakeholder_group": "politics"}):
        found = client.get(
            f"/api/v1/rounds/{net.round.id}/responses", params=filters, headers=headers
        )
        assert found.json()["total"] == 0


def test_a_complete_response_is_submitted_with_the_pages_scores(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, session: Session
) -> None:
    created = create(client, net, bearer("responses:write"), answers=COMPLETE, submit=True)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "submitted"
    stored = _stored(engine, created.json()["id"])
    # the same answers submitted as the respondent pages do it give the same stored scores
    page = factories.response(session, net.round, net.organisation, COMPLETE, scored=True)
    session.commit()
    with Session(engine) as reader:

        def scores(response_id: int | None) -> list[tuple[Any, ...]]:
            rows = reader.exec(
                select(ResponseScore).where(ResponseScore.response_id == response_id)
            ).all()
            return sorted((r.kind, r.target_id, r.score, r.coverage, r.band) for r in rows)

        assert scores(stored.id) == scores(page.id)
        assert len(scores(stored.id)) >= 3


def test_submission_lists_missing_required_items(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    headers = bearer("responses:write")
    refused = create(client, net, headers, answers={"leadership.mandate": 1}, submit=True)
    body = problem(refused, 422, "invalid-answers")
    missing = {(e["item_id"], e["code"]) for e in body["errors"]}
    assert missing == {("leadership.has_budget", "required"), ("services.training", "required")}
    allowed = {e["item_id"]: e["allowed"] for e in body["errors"]}
    assert allowed["leadership.has_budget"] == ["yes", "no"]
    draft = create(client, net, headers, answers={"leadership.mandate": 1}).json()
    submitted = client.post(f"/api/v1/responses/{draft['id']}/submit", headers=headers)
    assert {e["item_id"] for e in problem(submitted, 422, "invalid-answers")["errors"]} == {
        "leadership.has_budget",
        "services.training",
    }


def test_a_stale_if_match_is_412_and_keeps_the_draft(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    headers = bearer("responses:write")
    draft = create(client, net, headers, answers={"leadership.mandate": 1}).json()
    url = f"/api/v1/responses/{draft['id']}"
    amended = client.patch(
        url, json={"answers": {"services.training": 2}}, headers={**headers, "If-Match": '"1"'}
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["answers"] == {"leadership.mandate": 1, "services.training": 2}
    assert amended.headers["etag"] == '"2"'
    stale = client.put(
        url, json={"answers": {"leadership.mandate": 4}}, headers={**headers, "If-Match": '"1"'}
    )
    assert problem(stale, 412, "revision-mismatch")["current_revision"] == 2
    missing = client.put(url, json={"answers": {}}, headers=headers)
    required = problem(missing, 428, "precondition-required")
    # the message quotes the draft's own revision as its ETag gives it, not a fixed example
    assert required["current_revision"] == 2
    assert '(now "2")' in required["detail"]
    stored = _stored(engine, draft["id"])
    assert stored.answers == {"leadership.mandate": 1, "services.training": 2}
    assert stored.revision == 2
    replaced = client.put(
        url, json={"answers": {"leadership.mandate": 4}}, headers={**headers, "If-Match": '"2"'}
    )
    assert replaced.json()["answers"] == {"leadership.mandate": 4}
    removed = client.patch(
        url,
        json={"answers": {"leadership.mandate": None}},
        headers={**headers, "If-Match": 'W/"3"'},
    )
    assert removed.json()["answers"] == {}


def test_idempotent_creation_and_submission(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    headers = {**bearer("responses:write"), "Idempotency-Key": "order-1"}
    first = create(client, net, headers, answers=COMPLETE)
    retry = create(client, net, headers, answers=COMPLETE)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    # the replay answers as the first answer did: status, body and the headers that matter
    for header in ("location", "etag", "cache-control", "content-type"):
        assert retry.headers[header] == first.headers[header], header
    other = create(client, net, headers, answers={"leadership.mandate": 0})
    problem(other, 422, "idempotency-key-reused")
    with Session(engine) as session:
        assert len(session.exec(select(Response)).all()) == 1
    # another token may use the same key for its own request
    assert create(client, net, {**bearer(), "Idempotency-Key": "order-1"}).status_code == 201
    submit = f"/api/v1/responses/{first.json()['id']}/submit"
    keyed = {**headers, "Idempotency-Key": "submit-1"}
    submitted = client.post(submit, headers=keyed)
    assert submitted.status_code == 200, submitted.text
    resubmitted = client.post(submit, headers=keyed)
    assert resubmitted.json() == submitted.json()
    assert resubmitted.status_code == 200
    assert resubmitted.headers["etag"] == submitted.headers["etag"]
    assert "location" not in resubmitted.headers
    assert submitted.json()["status"] == "submitted"
    changed = client.patch(
        f"/api/v1/responses/{first.json()['id']}",
        json={"answers": {}},
        headers={**headers, "If-Match": '"2"'},
    )
    problem(changed, 409, "conflict")


def test_a_closed_round_is_409_with_its_dates(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    headers = bearer("responses:write")
    draft = create(client, net, headers).json()
    rounds.close_round(session, net.round)
    session.commit()
    refused = problem(create(client, net, headers), 409, "round-not-accepting")
    assert refused["state"] == "closed"
    assert refused["closed_at"] is not None
    assert "is closed (closed_at " in refused["detail"]
    change = client.patch(
        f"/api/v1/responses/{draft['id']}",
        json={"answers": {}},
        headers={**headers, "If-Match": '"1"'},
    )
    problem(change, 409, "round-not-accepting")
    problem(
        client.post(f"/api/v1/responses/{draft['id']}/submit", headers=headers),
        409,
        "round-not-accepting",
    )


def test_hidden_answers_are_stored_and_not_counted(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    answers = {**COMPLETE, "leadership.budget_size": 4}  # shown only with a budget: hidden
    created = create(client, net, bearer("responses:write"), answers=answers, submit=True)
    assert created.status_code == 201, created.text
    assert created.json()["not_counted"] == ["leadership.budget_size"]
    assert _stored(engine, created.json()["id"]).answers == answers


def test_another_projects_round_organisation_and_response_are_404(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    other = factories.network(session)
    foreign = factories.response(session, other.round, other.organisation)
    session.commit()
    headers = bearer()
    problem(
        client.post(
            f"/api/v1/rounds/{other.round.id}/responses",
            json={"organisation_id": other.organisation.id, "language": "en", "consent": True},
            headers=headers,
        ),
        404,
        "not-found",
    )
    outside = create(client, net, headers, organisation_id=other.organisation.id)
    problem(outside, 404, "not-found")
    url = f"/api/v1/responses/{foreign.public_id}"
    problem(client.get(url, headers=headers), 404, "not-found")
    problem(
        client.patch(url, json={"answers": {}}, headers={**headers, "If-Match": '"1"'}),
        404,
        "not-found",
    )
    problem(client.post(f"{url}/submit", headers=headers), 404, "not-found")
    problem(client.get(f"/api/v1/rounds/{other.round.id}/responses", headers=headers), 404,
             "not-found")  # fmt: skip
    # a filter naming another project's organisation: a wrong value of that parameter
    listed = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"organisation_id": other.organisation.id},
        headers=headers,
    )
    body = problem(listed, 422, "invalid-input")
    assert body["field"] == "organisation_id"
    assert body["detail"] == f"organisation_id: no organisation {other.organisation.id}"


def test_reading_and_writing_responses_needs_the_scope(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    reader = bearer("results:read")
    refused = problem(create(client, net, reader), 403, "insufficient-scope")
    assert refused["required"] == "responses:write"
    listing = client.get(f"/api/v1/rounds/{net.round.id}/responses", headers=reader)
    problem(listing, 403, "insufficient-scope")
    assert 'error="insufficient_scope"' in listing.headers["www-authenticate"]


def test_fields_a_client_must_not_set_are_refused(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    body = problem(
        create(client, net, bearer(), status="submitted", revision=9), 422, "invalid-input"
    )
    assert {tuple(e["loc"]) for e in body["errors"]} == {
        ("body", "status"),
        ("body", "revision"),
    }
    assert ResponseStatus.DRAFT == "draft"


def test_anonymous_rounds_keep_only_the_day_through_the_api(
    client: TestClient, session: Session, bearer: Bearer, engine: Engine
) -> None:
    anonymous = factories.network(session, anonymous=True)
    session.commit()
    headers = {**bearer(project=anonymous.project), "Idempotency-Key": "anon-1"}
    created = create(client, anonymous, headers, answers=COMPLETE, consent=True, submit=True)
    assert created.status_code == 201, created.text
    stored = _stored(engine, created.json()["id"])
    with Session(engine) as reader:
        key = reader.exec(select(IdempotencyKey)).one()
        events = reader.exec(select(AuditEvent.action)).all()
    for moment in (
        stored.created_at,
        stored.updated_at,
        stored.submitted_at,
        stored.consented_at,
        key.created_at,
    ):
        assert moment is not None
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert "response.create" not in events
    assert "response.submit" not in events
    # a client polling with the time of its last call, later the same day, still sees it
    since = (utcnow() - timedelta(seconds=1)).isoformat()
    polled = client.get(
        f"/api/v1/rounds/{anonymous.round.id}/responses",
        params={"updated_since": since},
        headers=bearer(project=anonymous.project),
    ).json()
    assert [item["id"] for item in polled["items"]] == [created.json()["id"]]
    tomorrow = (utcnow() + timedelta(days=1)).isoformat()
    later = client.get(
        f"/api/v1/rounds/{anonymous.round.id}/responses",
        params={"updated_since": tomorrow},
        headers=bearer(project=anonymous.project),
    ).json()
    assert later["total"] == 0


def test_two_requests_with_one_key_at_once_create_one_response(
    client: TestClient,
    net: factories.Network,
    bearer: Bearer,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Creation reads the key without a lock, so a second request with the same key may pass
    that check while the first is being written (made certain here by hiding the stored key
    from the check): the key's unique constraint refuses it whole, 409 with nothing stored,
    and its retry gets the first answer."""
    headers = {**bearer("responses:write"), "Idempotency-Key": "race-1"}
    first = create(client, net, headers, answers=COMPLETE, submit=True)
    assert first.status_code == 201, first.text
    with monkeypatch.context() as patched:
        patched.setattr(idempotency, "recall", lambda *_args, **_kwargs: idempotency.Recalled(None))
        problem(
            create(client, net, headers, answers=COMPLETE, submit=True), 409, "conflicting-data"
        )
    with Session(engine) as session:
        assert len(session.exec(select(Response)).all()) == 1
        assert len(session.exec(select(ResponseScore)).all()) > 0
    retry = create(client, net, headers, answers=COMPLETE, submit=True)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()


@pytest.mark.parametrize("submit", [False, True])
def test_a_response_is_stored_only_with_the_respondents_consent(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, submit: bool
) -> None:
    headers = bearer("responses:write")
    refused = problem(
        create(client, net, headers, answers=COMPLETE, consent=False, submit=submit),
        422,
        "invalid-input",
    )
    assert refused["field"] == "consent"
    assert refused["allowed"] == [True]
    assert refused["detail"].startswith("consent must be true")
    missing = client.post(
        f"/api/v1/rounds/{net.round.id}/responses",
        json={"organisation_id": net.organisation.id, "language": "en", "submit": submit},
        headers=headers,
    )
    # left out: the same refusal as false (the README's form), not a bare "required"
    without = problem(missing, 422, "invalid-input")
    assert (without["field"], without["allowed"]) == ("consent", [True])
    assert without["detail"] == refused["detail"]
    with Session(engine) as session:
        assert session.exec(select(Response)).all() == []
    created = create(client, net, headers, answers=COMPLETE, submit=submit).json()
    assert created["consent_version"] == net.round.notice_version
    assert created["consented_at"] is not None


def test_a_draft_without_consent_is_neither_changed_nor_submitted(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, session: Session
) -> None:
    """A draft without consent (one the API started before the API asked for it): the
    respondent consents first, as the pages' own steps require."""
    draft = factories.response(
        session, net.round, net.organisation, COMPLETE, consented=False, created_by_api=True
    )
    session.commit()
    headers = {**bearer("responses:write"), "If-Match": '"1"'}
    url = f"/api/v1/responses/{draft.public_id}"
    for answer in (
        client.patch(url, json={"answers": {"services.training": 1}}, headers=headers),
        client.post(f"{url}/submit", headers=headers),
    ):
        assert problem(answer, 422, "invalid-input")["field"] == "consent"
    stored = _stored(engine, draft.public_id)
    assert (stored.status, stored.revision, stored.answers) == ("draft", 1, COMPLETE)


def test_a_draft_started_on_the_pages_is_the_respondents_not_the_apis(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, session: Session
) -> None:
    """The API reads a draft a respondent started through an invitation link, but never
    changes or submits it, whichever token of the project asks; its own drafts it may."""
    invitation, _token = factories.invitation(session, net.round, net.organisation)
    draft = factories.response(
        session, net.round, net.organisation, COMPLETE, invitation_=invitation
    )
    session.commit()
    headers = {**bearer("responses:write"), "If-Match": '"1"'}
    url = f"/api/v1/responses/{draft.public_id}"
    assert client.get(url, headers=headers).status_code == 200
    for answer in (
        client.patch(url, json={"answers": {"services.training": 1}}, headers=headers),
        client.put(url, json={"answers": COMPLETE}, headers=headers),
        client.post(f"{url}/submit", headers=headers),
    ):
        body = problem(answer, 409, "started-on-pages")
        assert "started on the respondent pages" in body["detail"]
    # without If-Match too: the 409 no revision mends comes before asking for one (428)
    plain = bearer("responses:write")
    for answer in (
        client.patch(url, json={"answers": {"services.training": 1}}, headers=plain),
        client.put(url, json={"answers": COMPLETE}, headers=plain),
    ):
        problem(answer, 409, "started-on-pages")
    stored = _stored(engine, draft.public_id)
    assert (stored.status, stored.revision, stored.answers) == ("draft", 1, COMPLETE)
    own = create(client, net, bearer("responses:write"), answers={"leadership.mandate": 1})
    changed = client.patch(
        own.headers["location"],
        json={"answers": {"leadership.mandate": 2}},
        headers={**bearer("responses:write"), "If-Match": '"1"'},  # another token, same project
    )
    assert changed.status_code == 200, changed.text


def test_a_replay_answers_with_the_original_answer_after_the_draft_changed(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, session: Session
) -> None:
    """Stripe-like: a retry learns what its first request did, not the draft's state now."""
    headers = {**bearer("responses:write"), "Idempotency-Key": "order-7"}
    first = create(client, net, headers, answers={"leadership.mandate": 1})
    url = first.headers["location"]
    changed = client.patch(
        url, json={"answers": {"leadership.mandate": 4}}, headers={**headers, "If-Match": '"1"'}
    )
    assert changed.json()["revision"] == 2
    retry = create(client, net, headers, answers={"leadership.mandate": 1})
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.json()["answers"] == {"leadership.mandate": 1}
    assert retry.headers["etag"] == '"1"'
    assert retry.headers["location"] == url
    assert client.get(url, headers=headers).json()["answers"] == {"leadership.mandate": 4}
    # erasing the response erases the answer kept with its key
    respondent_data.erase(session, first.json()["id"])
    session.commit()
    with Session(engine) as reader:
        assert reader.exec(select(IdempotencyKey)).all() == []


def test_a_client_walks_a_list_by_its_next_links(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    """``next`` keeps the filters and moves the window; following it reaches every matching
    response once, and the last page says there is no next one."""
    headers = bearer("responses:write")
    wanted = {
        create(client, net, headers, stakeholder_group="civil-society").json()["id"]
        for _ in range(3)
    }
    create(client, net, headers, stakeholder_group="politics")
    address: str | None = (
        f"/api/v1/rounds/{net.round.id}/responses?stakeholder_group=civil-society&limit=2"
    )
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    while address is not None:
        page = client.get(address, headers=headers)
        assert page.status_code == 200, page.text
        pages.append(page.json())
        seen += [item["id"] for item in pages[-1]["items"]]
        address = pages[-1]["next"]
    assert sorted(seen) == sorted(wanted)
    assert [len(p["items"]) for p in pages] == [2, 1]
    assert pages[0]["previous"] is None
    assert pages[1]["previous"] == (
        f"/api/v1/rounds/{net.round.id}/responses?stakeholder_group=civil-society&limit=2&offset=0"
    )
    assert pages[0]["next"] == (
        f"/api/v1/rounds/{net.round.id}/responses?stakeholder_group=civil-society&limit=2&offset=2"
    )
