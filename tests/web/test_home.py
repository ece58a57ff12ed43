"""The front page lists the questionnaires in the visitor's language."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.services.questionnaires import Published


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
