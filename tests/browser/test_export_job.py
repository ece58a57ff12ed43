"""A background export in a browser: the export form queues it, the live server's own worker
thread runs it, and the job page refreshes itself (app/static/refresh.js) until it offers
the download, which saves an XLSX file; no console error, no request to another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.db import unit_of_work
from app.models import Project, Round
from app.services import accounts, members
from tests.browser.conftest import LiveServer, NewContext

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
XLSX_SIGNATURE = b"PK\x03\x04"  # a zip archive


def test_the_job_page_refreshes_until_the_file_is_ready(
    live_server: LiveServer, new_context: NewContext
) -> None:
    with unit_of_work(live_server.engine, write=True) as session:
        round_ = session.get_one(Round, live_server.round_id)
        project = session.get_one(Project, round_.project_id)
        user = accounts.create_user(session, "jobs@example.org", PASSWORD)
        members.add_member(session, project, user)
        path = f"/projects/{project.slug}/rounds/{round_.id}/export"
    _context, page = new_context(accept_downloads=True)
    page.goto(live_server.url + path)
    page.fill("#f-email", "jobs@example.org")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.check("input[value=xlsx]")
    page.check("input[name=background]")
    page.click("main form button.primary")
    expect(page).to_have_url(re.compile(r"/export/jobs/\d+$"))
    # the server's worker thread polls every 2 s; the page asks again every 3 s
    expect(page.get_by_text("The file is ready.")).to_be_visible(timeout=20_000)
    with page.expect_download() as info:
        page.click("#export-job button[type=submit]")
    saved = info.value.path()
    assert saved is not None
    assert Path(saved).read_bytes().startswith(XLSX_SIGNATURE)
    assert info.value.suggested_filename.endswith(f"-round-{live_server.round_id}.xlsx")
