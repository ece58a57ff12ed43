"""The questionnaire API: both questionnaires, both languages, ETags, problem+json errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import content_coding
from app.db import make_engine
from app.main import create_app
from app.services import questionnaires
from app.settings import Settings, get_settings
from scoring import parse_definition
from tests.helpers import minimal_definition

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


def test_gzip_for_clients_that_accept_it(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that accepts gzip gets a quarter of the bytes that decode to the same JSON, under
    an ETag of its own; one that refuses gzip (or names nothing) gets the plain bytes."""
    url = FLAGSHIP + "?lang=en"
    plain = api.get(url, headers={"Accept-Encoding": "identity"})
    packed = api.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    refused = api.get(url, headers={"Accept-Encoding": "br, gzip;q=0"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in refused.headers
    assert packed.content == plain.content == refused.content  # httpx decodes the gzip
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert packed.headers["etag"] != plain.headers["etag"]
    for answer in (plain, packed):
        again = api.get(
            url,
            headers={
                "Accept-Encoding": answer.headers.get("content-encoding", "identity"),
                "If-None-Match": answer.headers["etag"],
            },
        )
        assert again.status_code == 304
        assert "content-encoding" not in again.headers
    compressed: list[int] = []
    monkeypatch.setattr(content_coding.gzip, "compress", lambda *a, **k: compressed.append(1))
    assert api.get(url, headers={"Accept-Encoding": "gzip"}).content == plain.content
    assert compressed == [], "encoded once with the JSON, not per request"


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


def _statements(engine: Engine) -> list[str]:
    """The SQL statements the engine runs from now on (a list that grows)."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_definition_served_before_needs_no_query(api: TestClient) -> None:
    first = api.get(FLAGSHIP, params={"lang": "en"})
    statements = _statements(api.app.state.engine)  # type: ignore[attr-defined]
    again = api.get(FLAGSHIP, params={"lang": "en"})
    assert statements == []
    assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
    assert api.get(FLAGSHIP, headers={"If-None-Match": first.headers["etag"]}).status_code == 200
    german = api.get(FLAGSHIP, params={"lang": "de"})  # another language: looked up once
    assert german.json()["title"] != again.json()["title"]
    assert api.get(FLAGSHIP, params={"lang": "fr"}).status_code == 404, "still refused when kept"


def test_a_retired_version_is_served_as_before(api: TestClient, session: Session) -> None:
    before = api.get(FLAGSHIP, params={"lang": "en"})
    questionnaires.retire(session, "intercultural-integration", "1.0")
    session.commit()
    after = api.get(FLAGSHIP, params={"lang": "en"})
    assert (after.status_code, after.content) == (200, before.content)


def test_a_version_published_after_a_404_is_found(client: TestClient, session: Session) -> None:
    url = "/api/v1/questionnaires/mini/versions/1.0"
    assert client.get(url).status_code == 404
    questionnaires.publish(session, parse_definition(minimal_definition()))
    session.commit()  # as `radar questionnaires load` in another process would
    found = client.get(url, params={"lang": "en"})
    assert found.status_code == 200
    assert found.json()["slug"] == "mini"


def test_each_database_keeps_its_own_versions(
    client: TestClient, session: Session, tmp_path: Path, sqlite_template: Path
) -> None:
    """The same (slug, version) with other content in another database (another app): each
    app answers from its own database, never from what the other one kept."""
    url = "/api/v1/questionnaires/mini/versions/1.0"
    questionnaires.publish(session, parse_definition(minimal_definition()))
    session.commit()
    assert client.get(url, params={"lang": "en"}).json()["title"] != "Another mini"
    other_file = tmp_path / "other.db"
    shutil.copyfile(sqlite_template, other_file)
    other = Settings(
        database_url=f"sqlite:///{other_file}",
        data_dir=tmp_path / "other",
        secret_key="k",
        trusted_hosts=["testserver"],
    )
    changed = minimal_definition()
    changed["title"] = {"de": "Anderes Mini", "en": "Another mini"}
    engine = make_engine(other.effective_database_url)
    with Session(engine) as other_session:
        questionnaires.publish(other_session, parse_definition(changed))
        other_session.commit()
    engine.dispose()
    other_app = create_app(other)
    with TestClient(other_app) as other_client:
        assert other_client.get(url, params={"lang": "en"}).json()["title"] == "Another mini"
    other_app.state.engine.dispose()
    assert client.get(url, params={"lang": "en"}).json()["title"] != "Another mini"


def test_the_definition_format_has_a_json_schema(api: TestClient) -> None:
    """A definition editor or a generic client can check a document before sending it: the
    flagship's own version document is valid against the schema the API serves, one with an
    item type the format does not have is not."""

    answer = api.get("/api/v1/questionnaires/schema")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/schema+json"
    schema = answer.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema_rs.Draft202012Validator(schema)
    flagship = api.get(FLAGSHIP).json()
    assert validator.is_valid(flagship), [e.message for e in validator.iter_errors(flagship)]
    flagship["items"][0]["type"] = "slider"
    problems = list(validator.iter_errors(flagship))
    assert problems
    assert any("slider" in problem.message for problem in problems)
    again = api.get(
        "/api/v1/questionnaires/schema", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
