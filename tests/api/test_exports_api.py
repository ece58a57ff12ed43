"""Exports through the API: the same files as the facilitators' download, behind
``exports:read``, 404 for a round of another project, audited."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import COMPLETE, problem


def _url(net: factories.Network, query: str) -> str:
    return f"/api/v1/rounds/{net.round.id}/export?{query}"


def test_each_format_streams_the_rounds_responses(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    for _ in range(2):
        factories.response(
            session, net.round, net.organisation, COMPLETE, submitted=True, scored=True
        )
    session.commit()
    headers = bearer("exports:read")

    answer = client.get(_url(net, "format=csv"), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{net.project.slug}-round-{net.round.id}.csv"'
    )
    assert answer.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["organisation"] for row in rows] == ["Saxony", "Saxony"]

    answer = client.get(_url(net, "format=xlsx&labels=de"), headers=headers)
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["responses", "scores", "organisations", "codebook"]
    assert book["responses"].max_row == 3

    answer = client.get(_url(net, "format=json"), headers=headers)
    assert answer.headers["content-type"] == "application/json"
    document = json.loads(answer.content)
    assert len(document["responses"]) == 2
    assert document["round"] == {"id": net.round.id, "name": "Baseline"}

    events = session.exec(select(AuditEvent).where(AuditEvent.action == "round.export")).all()
    assert [event.detail["format"] for event in events] == ["csv", "xlsx", "json"]
    assert {event.detail["responses"] for event in events} == {"2"}


def test_exports_need_the_scope_and_the_tokens_project(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    problem(client.get(_url(net, "format=csv")), 401, "unauthorized")
    problem(
        client.get(_url(net, "format=csv"), headers=bearer("results:read")),
        403,
        "insufficient-scope",
    )
    other = factories.project(session)
    session.commit()
    foreign = bearer("exports:read", project=other)
    problem(client.get(_url(net, "format=csv"), headers=foreign), 404, "not-found")
    problem(
        client.get("/api/v1/rounds/999999/export?format=csv", headers=foreign), 404, "not-found"
    )


def test_bad_format_and_labels(client: TestClient, net: factories.Network, bearer: Bearer) -> None:
    headers = bearer("exports:read")
    problem(client.get(_url(net, "format=pdf"), headers=headers), 422, "invalid-input")
    problem(client.get(_url(net, ""), headers=headers), 422, "invalid-input")
    problem(client.get(_url(net, "format=csv&labels=x%00"), headers=headers), 422, "invalid-input")
    refused = problem(
        client.get(_url(net, "format=csv&labels=fr"), headers=headers), 404, "language-not-offered"
    )
    assert refused["available"] == ["de", "en"]
