"""The questionnaire API: both questionnaires, both languages, ETags, problem+json errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.settings import get_settings

FLAGSHIP = "/api/v1/questionnaires/intercultural-integration/versions/1.0"
VERSIONS = "/api/v1/questionnaires/intercultural-organisation/versions"


def shipped(slug: str) -> list[str]:
    """The versions of ``slug`` shipped in questionnaires/, oldest first."""
    files = (get_settings().questionnaires_dir / slug).glob("*.yaml")
    return sorted((f.stem for f in files), key=lambda v: tuple(int(p) for p in v.split(".")))


def test_lists_both_questionnaires_with_languages(api: TestClient) -> None:
    body = api.get("/api/v1/questionnaires").json()
    by_slug = {q["slug"]: q for q in body["items"]}
    assert set(by_slug) == {"intercultural-integration", "intercultural-organisation"}
    for questionnaire in by_slug.values():
        assert set(questionnaire["languages"]) >= {"de", "en"}
        assert questionnaire["latest_version"] == shipped(questionnaire["slug"])[-1]
    assert body["total"] == 2


def test_list_is_paginated(api: TestClient) -> None:
    body = api.get("/api/v1/questionnaires", params={"limit": 1, "offset": 1}).json()
    assert (len(body["items"]), body["total"], body["offset"]) == (1, 2, 1)
    assert api.get("/api/v1/questionnaires", params={"limit": 10_000}).status_code == 422


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "0"),
        ("limit", "201"),
        ("limit", "-1"),
        ("limit", "abc"),
        ("limit", "1.5"),
        ("limit", str(2**63)),
        ("offset", "-1"),
        ("offset", str(2**31)),
        ("offset", str(2**63)),
        ("offset", "1e3"),
        ("offset", ""),
    ],
)
def test_a_window_out_of_range_is_a_422_problem(client: TestClient, name: str, value: str) -> None:
    response = client.get(VERSIONS, params={name: value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", name]


def test_the_largest_window_is_served(api: TestClient) -> None:
    body = api.get(VERSIONS, params={"limit": 200, "offset": 2**31 - 1}).json()
    versions = shipped("intercultural-organisation")
    assert (body["items"], body["total"], body["offset"]) == ([], len(versions), 2**31 - 1)
    first = api.get(VERSIONS, params={"limit": 1}).json()
    [only] = first["items"]
    assert only["version"] in versions


def test_versions(api: TestClient) -> None:
    body = api.get("/api/v1/questionnaires/intercultural-organisation/versions").json()
    assert sorted(v["version"] for v in body["items"]) == shipped("intercultural-organisation")
    for version in body["items"]:
        assert version["status"] == "published"
        assert len(version["content_hash"]) == 64


@pytest.mark.parametrize("lang", ["de", "en"])
def test_definition_in_one_language(api: TestClient, lang: str) -> None:
    full = api.get(FLAGSHIP).json()
    narrowed = api.get(FLAGSHIP, params={"lang": lang}).json()
    assert narrowed["title"] == full["title"][lang]
    first_item = narrowed["items"][0]
    assert first_item["text"] == full["items"][0]["text"][lang]
    assert 10 <= len(narrowed["dimensions"]) <= 12
    assert narrowed["languages"] == full["languages"]


def test_etag_and_not_modified(api: TestClient) -> None:
    first = api.get(FLAGSHIP)
    etag = first.headers["etag"]
    assert api.get(FLAGSHIP, headers={"If-None-Match": etag}).status_code == 304
    german = api.get(FLAGSHIP, params={"lang": "de"})
    assert german.headers["etag"] != etag, "each language is its own representation"
    assert api.get(FLAGSHIP, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/questionnaires/nope/versions", "no questionnaire 'nope'"),
        ("/api/v1/questionnaires/nope/versions/1.0", "no version '1.0' of questionnaire 'nope'"),
        ("/api/v1/questionnaires/intercultural-integration/versions/7.0", "no version '7.0'"),
    ],
)
def test_unknown_slug_or_version_is_a_problem(api: TestClient, url: str, detail: str) -> None:
    response = api.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Not found"
    assert detail in body["detail"]


def test_a_language_the_version_does_not_offer_is_a_404(api: TestClient) -> None:
    response = api.get(FLAGSHIP, params={"lang": "fr"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/language-not-offered"
    assert response.json()["available"] == ["de", "en"]


@pytest.mark.parametrize("lang", ["english", "EN", "e", "de_DE", "en-gb", "<b>", " en"])
def test_what_is_not_a_language_code_is_a_422(client: TestClient, lang: str) -> None:
    response = client.get(FLAGSHIP, params={"lang": lang})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "lang"]


def test_the_openapi_document_declares_the_language_code(client: TestClient) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/questionnaires/{slug}/versions/{version}"
    ]["get"]
    [lang] = [p for p in operation["parameters"] if p["name"] == "lang"]
    [code] = [s for s in lang["schema"]["anyOf"] if s["type"] == "string"]
    assert code["pattern"] == "^[a-z]{2,3}(-[A-Z]{2})?$"


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/questionnaires/{slug}/versions/{version}" in paths
