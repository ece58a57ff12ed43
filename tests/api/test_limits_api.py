"""API parameters the database cannot hold: the same problem+json on SQLite and PostgreSQL
(issue 8.1; on PostgreSQL a NUL in a path ended in a 500)."""

from __future__ import annotations

from fastapi.testclient import TestClient

QUESTIONNAIRES = "/api/v1/questionnaires"


def _problem(api: TestClient, url: str, status: int) -> str:
    answer = api.get(url)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    detail: str = answer.json()["detail"]
    return detail


def test_names_that_cannot_be_stored_are_not_found(api: TestClient) -> None:
    assert _problem(api, f"{QUESTIONNAIRES}/a%00b/versions", 404) == "no questionnaire 'a\\x00b'"
    assert _problem(api, f"{QUESTIONNAIRES}/a%00b/versions/1.0", 404) == (
        "no version '1.0' of questionnaire 'a\\x00b'"
    )
    assert _problem(api, f"{QUESTIONNAIRES}/intercultural-integration/versions/1%000", 404) == (
        "no version '1\\x000' of questionnaire 'intercultural-integration'"
    )
    long = _problem(api, f"{QUESTIONNAIRES}/{'x' * 5000}/versions", 404)
    assert long == f"no questionnaire {'x' * 60 + '…'!r} (5000 characters)"


def test_offset_beyond_what_a_database_counts(api: TestClient) -> None:
    _problem(api, f"{QUESTIONNAIRES}?offset=2147483648", 422)
    _problem(api, f"{QUESTIONNAIRES}?offset=99999999999999999999999", 422)
    assert api.get(f"{QUESTIONNAIRES}?offset=2147483647").json()["items"] == []
