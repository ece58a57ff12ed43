"""The facilitators' export of a round: a form, then the file (audited with who asked); an
anonymous round names the organisations it leaves out; a tampered form is refused on the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import unescape

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Organisation, Project, Round, User
from app.services import rounds
from tests import factories
from tests.web.conftest import log_in
from tests.web.pages import Page

ANSWERS = {"leadership.mandate": 2, "leadership.has_budget": "no", "services.training": 3}


def _url(session: Session, project: Project, round_: Round) -> str:
    """The page's address; the transaction reading it is ended (the app needs the lock)."""
    url = f"/projects/{project.slug}/rounds/{round_.id}/export"
    session.commit()
    return url


def _respond(session: Session, round_: Round, organisation: Organisation, count: int) -> None:
    for _ in range(count):
        factories.response(session, round_, organisation, ANSWERS, submitted=True, scored=True)
    session.commit()


def test_the_form_downloads_the_file_and_audits_who_asked(
    client: TestClient,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    logged_in: Page,
    reader: Callable[[], Session],
) -> None:
    url = _url(session, project, round_)
    _respond(session, round_, organisation, 2)
    page = Page.get(client, url)
    assert page.status == 200
    assert "The file holds 2 submitted responses" in page.text
    assert 'value="de"' in page.text
    answer = client.post(url, data={"csrf_token": page.csrf, "format": "csv", "labels": "de"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="net-round-{url.split("/")[4]}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["item:leadership.has_budget"] for row in rows] == ["nein", "nein"]
    with reader() as looking:
        event = looking.exec(select(AuditEvent).where(AuditEvent.action == "round.export")).one()
    assert event.actor == "ana@example.org"
    assert event.detail == {"format": "csv", "responses": "2"}


def test_an_anonymous_round_names_who_is_left_out(
    client: TestClient,
    session: Session,
    project: Project,
    organisation: Organisation,
    round_: Round,
    facilitator: User,
) -> None:
    url = _url(session, project, round_)
    small = factories.organisation(session, project, "Small town")
    rounds.set_anonymous(session, round_, True)
    session.commit()
    _respond(session, round_, organisation, 2)  # the project's minimum is 2
    _respond(session, round_, small, 1)
    client.headers["Accept-Language"] = "de"
    log_in(client, "ana@example.org")
    page = Page.get(client, url)
    assert "Die Datei enthält 2 abgeschickte Antworten" in page.text
    assert "Diese Runde ist anonym" in page.text
    assert "Small town" in page.text
    answer = client.post(url, data={"csrf_token": page.csrf, "format": "json"})
    assert answer.status_code == 200
    assert answer.json()["withheld"] == [{"organisation": "Small town", "responses": 1}]


def test_a_tampered_form_is_refused_on_the_page(
    client: TestClient, session: Session, project: Project, round_: Round, facilitator: User
) -> None:
    url = _url(session, project, round_)
    log_in(client, "ana@example.org")
    page = Page.get(client, url)
    refused = client.post(url, data={"csrf_token": page.csrf, "format": "exe"})
    assert refused.status_code == 422
    # what was typed and what is offered
    assert "format: 'exe' is not one of csv, xlsx, json" in unescape(refused.text)
    assert "Nothing was saved" not in refused.text  # an export saves nothing
    refused = client.post(url, data={"csrf_token": page.csrf, "format": "csv", "labels": "fr"})
    assert refused.status_code == 422
    assert "labels: 'fr' is not one of de, en" in unescape(refused.text)
    both = client.post(url, data={"csrf_token": page.csrf, "format": "exe", "labels": "fr"})
    assert both.status_code == 422  # both problems at once, each beside its field
    assert '<p class="field-error" id="e-format">' in both.text
    assert '<p class="field-error" id="e-labels">' in both.text
    assert both.text.count('href="#f-') == 2
    empty = client.post(url, data={"csrf_token": page.csrf, "format": "xlsx"})
    assert empty.status_code == 200
    assert empty.content.startswith(b"PK")
    assert client.post(url, data={"format": "csv"}).status_code == 403
