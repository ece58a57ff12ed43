"""A background XLSX export from the facilitators' export form: queued, its page shows the
progress, then the download (audited); another project's job is "not found"; large rounds
go to the background on their own; the German page shows no English."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import export_worker
from app.models import AuditEvent, ExportJob, Organisation, Project, Round, User
from app.services import accounts, members
from tests import factories
from tests.web.conftest import PASSWORD, log_in
from tests.web.pages import Page
from tests.web.test_languages import untranslated

ANSWERS = {"leadership.mandate": 2, "leadership.has_budget": "no", "services.training": 3}


def _prepare(session: Session, project: Project, round_: Round, organisation: Organisation) -> str:
    for _ in range(3):
        factories.response(session, round_, organisation, ANSWERS, submitted=True, scored=True)
    url = f"/projects/{project.slug}/rounds/{round_.id}/export"
    session.commit()
    return url


def _ask(client: TestClient, url: str, form: Page, **fields: str) -> Page:
    """Send the export form (XLSX, codes unless named) and follow to where it leads."""
    data = {"csrf_token": form.csrf, "format": "xlsx", "labels": "", **fields}
    answer = client.post(url, data=data)
    return Page(client, str(answer.url.path), answer.status_code, answer.text)


def _work(app: FastAPI) -> None:
    assert export_worker.run_once(app.state.engine, app.state.settings)


def test_a_background_export_shows_progress_then_the_file(
    client: TestClient,
    app: FastAPI,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    logged_in: Page,
    reader: Callable[[], Session],
) -> None:
    url = _prepare(session, project, round_, organisation)
    form = Page.get(client, url)
    assert "in the background" in form.text
    queued = _ask(client, url, form, background="1")
    assert queued.url.startswith(f"{url}/jobs/")
    assert "Waiting for the export to start." in queued.text
    assert "0 of 3 responses written." in queued.text
    assert "/file" not in queued.text  # no download yet
    early = client.post(f"{queued.url}/file", data={"csrf_token": queued.csrf})
    assert early.status_code == 409
    assert "not ready yet" in early.text

    _work(app)
    done = Page.get(client, queued.url)
    assert "The file is ready." in done.text
    answer = client.post(f"{queued.url}/file", data={"csrf_token": done.csrf})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith(f'-round-{round_.id}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book["responses"].max_row == 4  # the header and three responses
    with reader() as looking:
        event = looking.exec(select(AuditEvent).where(AuditEvent.action == "round.export")).one()
    assert event.actor == "ana@example.org"
    assert event.detail["format"] == "xlsx"
    assert event.detail["responses"] == "3"


def test_a_large_round_goes_to_the_background_without_asking(
    client: TestClient,
    app: FastAPI,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    logged_in: Page,
) -> None:
    url = _prepare(session, project, round_, organisation)
    app.state.settings.export_background_from = 3
    page = Page.get(client, url)
    assert _ask(client, url, page).url.startswith(f"{url}/jobs/")
    direct = client.post(url, data={"csrf_token": page.csrf, "format": "csv", "labels": ""})
    assert direct.status_code == 200  # CSV stays a direct download
    assert direct.headers["content-type"].startswith("text/csv")


def test_another_projects_job_is_not_found(
    client: TestClient,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    facilitator: User,
) -> None:
    url = _prepare(session, project, round_, organisation)
    log_in(client, "ana@example.org")
    page = _ask(client, url, Page.get(client, url), background="1")
    other = factories.network(session)
    members.add_member(
        session, other.project, accounts.create_user(session, "bo@example.org", PASSWORD)
    )
    session.commit()
    client.cookies.clear()
    log_in(client, "bo@example.org")
    job = page.url.rsplit("/", 1)[1]
    assert client.get(page.url).status_code == 404
    mine = f"/projects/{other.project.slug}/rounds/{other.round.id}/export/jobs/{job}"
    assert client.get(mine).status_code == 404  # their round's URL, not their job


def test_a_failed_job_says_so_in_german(
    client: TestClient,
    app: FastAPI,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    logged_in: Page,
) -> None:
    url = _prepare(session, project, round_, organisation)
    client.headers["Accept-Language"] = "de"
    page = Page.get(client, url)
    assert not untranslated(page.text, "de")
    queued = _ask(client, url, page, background="1")
    assert not untranslated(queued.text, "de"), untranslated(queued.text, "de")
    settings = app.state.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.exports_dir.write_text("in the way")
    _work(app)
    failed = Page.get(client, queued.url)
    assert 'lang="de"' in failed.text
    assert not untranslated(failed.text, "de"), untranslated(failed.text, "de")
    with Session(app.state.engine) as looking:
        job = looking.exec(select(ExportJob)).one()
    assert job.status == "failed"
    assert job.error is not None
    assert "cannot write the file" in job.error
