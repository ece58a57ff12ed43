"""The front page lists the questionnaires in the visitor's language."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.services import questionnaires
from app.services.questionnaires import Published
from scoring import parse_definition
from tests.helpers import minimal_definition


def test_front_page_in_german_and_english(client: TestClient, loaded: list[Published]) -> None:
    german = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert "Fragebögen" in german
    assert "Interkulturelle Integration in Kommunen und Regionen" in german
    assert "1.0 (veröffentlicht)" in german
    english = client.get("/", headers={"Accept-Language": "en"}).text
    assert "Intercultural integration in municipalities and regions" in english
    assert '<html lang="en" dir="ltr">' in english


def test_front_page_without_questionnaires(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en"}).text
    assert "No questionnaires are loaded yet." in page


def test_the_kept_page_follows_publishing_and_retiring(
    client: TestClient, session: Session
) -> None:
    """The page is kept per language and listing: a version loaded, retired (here in the
    test's own unit of work, as another process would) shows on the next view."""
    english = {"Accept-Language": "en"}
    assert "No questionnaires are loaded yet." in client.get("/", headers=english).text
    questionnaires.publish(session, parse_definition(minimal_definition()))
    session.commit()
    loaded = client.get("/", headers=english).text
    assert "(mini)" in loaded
    assert "1.0 (published)" in loaded
    assert "1.0 (veröffentlicht)" in client.get("/", headers={"Accept-Language": "de"}).text
    questionnaires.retire(session, "mini", "1.0")
    session.commit()
    assert "1.0 (retired)" in client.get("/", headers=english).text
    assert "1.0 (zurückgezogen)" in client.get("/", headers={"Accept-Language": "de"}).text
    second = minimal_definition()
    second["version"] = "1.1"
    questionnaires.publish(session, parse_definition(second))
    session.commit()
    assert "1.0 (retired), 1.1 (published)" in client.get("/", headers=english).text


def test_a_kept_page_is_served_with_the_headers_and_no_query_for_texts(
    client: TestClient, loaded: list[Published]
) -> None:
    statements: list[str] = []
    first = client.get("/", headers={"Accept-Language": "en"})
    event.listen(
        client.app.state.engine,  # type: ignore[attr-defined]
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )
    again = client.get("/", headers={"Accept-Language": "en"})
    assert again.text == first.text
    [query] = [s for s in statements if s.startswith("SELECT")]  # only the listing is read
    assert "definition" not in query
    assert again.headers["content-type"] == "text/html; charset=utf-8"
    assert again.headers["x-frame-options"] == "DENY"
