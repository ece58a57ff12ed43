"""Background exports through the API: POST queues (202 and Location), GET follows the
status and progress, the file is fetched once done (audited), 409 before; another project's
job is 404."""

from __future__ import annotations

import io

import openpyxl
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import export_worker
from app.models import AuditEvent
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import COMPLETE, problem


def test_a_job_is_queued_followed_and_fetched(
    client: TestClient, app: FastAPI, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    for _ in range(2):
        factories.response(
            session, net.round, net.organisation, COMPLETE, submitted=True, scored=True
        )
    session.commit()
    headers = bearer("exports:read")
    queued = client.post(
        f"/api/v1/rounds/{net.round.id}/export-jobs?format=xlsx&labels=de", headers=headers
    )
    assert queued.status_code == 202, queued.text
    location = queued.headers["location"]
    assert location == f"/api/v1/rounds/{net.round.id}/export-jobs/{queued.json()['id']}"
    body = queued.json()
    assert (body["status"], body["rows_done"], body["rows_total"]) == ("queued", 0, 2)
    assert (body["format"], body["labels"], body["file"]) == ("xlsx", "de", None)
    problem(client.get(f"{location}/file", headers=headers), 409, "conflict")

    assert export_worker.run_once(app.state.engine, app.state.settings)
    done = client.get(location, headers=headers).json()
    assert (done["status"], done["rows_done"], done["error"]) == ("done", 2, None)
    assert done["file"] == f"{location}/file"
    answer = client.get(done["file"], headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{net.project.slug}-round-{net.round.id}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book["responses"].max_row == 3
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "round.export")).one()
    assert event.detail["format"] == "xlsx"
    assert event.detail["responses"] == "2"


def test_jobs_need_the_scope_and_the_tokens_project(
    client: TestClient, net: factories.Network, bearer: Bearer, session: Session
) -> None:
    queued = client.post(
        f"/api/v1/rounds/{net.round.id}/export-jobs?format=csv", headers=bearer("exports:read")
    )
    location = queued.headers["location"]
    problem(client.get(location), 401, "unauthorized")
    problem(client.get(location, headers=bearer("results:read")), 403, "insufficient-scope")
    other = factories.network(session)
    session.commit()
    foreign = bearer("exports:read", project=other.project)
    problem(client.get(location, headers=foreign), 404, "not-found")
    problem(client.get(f"{location}/file", headers=foreign), 404, "not-found")
    job = location.rsplit("/", 1)[1]
    mine = f"/api/v1/rounds/{other.round.id}/export-jobs/{job}"
    problem(client.get(mine, headers=foreign), 404, "not-found")
    problem(
        client.post(f"/api/v1/rounds/{net.round.id}/export-jobs?format=pdf", headers=foreign),
        422,
        "invalid-input",
    )
