"""The page's script gets JSON for every refusal, wherever it happens (before the route too).

One rule in the error mapping, not per route: a request whose Accept header prefers JSON (what
respond.js sends) gets RFC 9457 problem+json in the reader's language; the same request from a
browser navigation gets the error page. Script-only routes (autosave) answer JSON whatever the
request accepts (issue 9.5), server errors included.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from app.services import responses
from tests.web.pages import Page

AUTOSAVE = "/respond/step/1/autosave"
PAGE = "/respond/step/1"
SCRIPT = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _problem(response: Response, status: int, type_slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "content-security-policy" in response.headers
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"/problems/{type_slug}"
    assert "Traceback" not in response.text
    return dict(body)


@pytest.fixture
def stranger(app: FastAPI) -> Iterator[TestClient]:
    """A browser without a session (never opened a link, or the session ended)."""
    with TestClient(app) as other:
        other.headers["Accept-Language"] = "en"
        yield other


def test_no_session_is_a_json_401(stranger: TestClient) -> None:
    response = stranger.post(AUTOSAVE, data={"revision": "1"}, headers=SCRIPT)
    body = _problem(response, 401, "unauthorized")
    assert "could not be saved" in str(body["detail"])
    assert "open your personal link again" in str(body["detail"])
    _problem(stranger.post(AUTOSAVE, data={"revision": "1"}, headers=BROWSER), 401, "unauthorized")
    page = stranger.post(PAGE, data={"revision": "1"}, headers=BROWSER)
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")


def test_wrong_csrf_token_is_a_json_403(client: TestClient, started: Page) -> None:
    fields = started.hidden()
    data = {"revision": fields["revision"], "leadership.mandate": "3"}
    response = client.post(AUTOSAVE, data=data, headers={**SCRIPT, "X-CSRF-Token": "wrong"})
    body = _problem(response, 403, "forbidden")
    assert "did not come from this website" in str(body["detail"])


def test_refusal_speaks_the_readers_language(stranger: TestClient) -> None:
    headers = {**SCRIPT, "Accept-Language": "de"}
    body = _problem(
        stranger.post(AUTOSAVE, data={"revision": "1"}, headers=headers), 401, "unauthorized"
    )
    assert body["title"] == "Anmeldung erforderlich"
    assert "persönlichen Link" in str(body["detail"])


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_body_too_large_is_a_json_413(client: TestClient, started: Page, declared: bool) -> None:
    body = b"comment=" + b"x" * 2_000_000
    headers = {**SCRIPT, "Content-Type": "application/x-www-form-urlencoded"}
    content = body if declared else iter([body[:500_000], body[500_000:]])
    response = client.post(AUTOSAVE, content=content, headers=headers)
    problem = _problem(response, 413, "payload-too-large")
    assert problem["max_bytes"] == 1_000_000
    assert "Nothing was saved" in str(problem["detail"])


def test_malformed_multipart_form_is_a_json_400(client: TestClient, started: Page) -> None:
    headers = {**SCRIPT, "Content-Type": "multipart/form-data; boundary=xyz"}
    response = client.post(AUTOSAVE, content=b"garbage, not a multipart body", headers=headers)
    _problem(response, 400, "bad-request")
    page = client.post(
        PAGE,
        content=b"garbage, not a multipart body",
        headers={**BROWSER, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")


def test_unknown_step_is_a_json_404_and_a_bad_step_a_json_422(
    client: TestClient, started: Page
) -> None:
    fields = started.hidden()
    headers = {**SCRIPT, "X-CSRF-Token": fields["csrf_token"]}
    _problem(
        client.post("/respond/step/99/autosave", data=fields, headers=headers), 404, "not-found"
    )
    invalid = client.post("/respond/step/one/autosave", data=fields, headers=headers)
    assert _problem(invalid, 422, "invalid-input")["errors"]


ACCEPTS = ("*/*", "", "text/html", "nonsense;;q=x", "application/json;q=0.5, text/html")


def test_a_browser_that_accepts_anything_gets_pages(stranger: TestClient) -> None:
    for accept in ACCEPTS:
        response = stranger.post(PAGE, data={"revision": "1"}, headers={"Accept": accept})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("text/html"), accept


def test_autosave_answers_json_whatever_is_accepted(
    client: TestClient, started: Page, stranger: TestClient
) -> None:
    for accept in ACCEPTS:
        headers = {"Accept": accept}
        _problem(
            stranger.post(AUTOSAVE, data={"revision": "1"}, headers=headers), 401, "unauthorized"
        )
        wrong = {**headers, "X-CSRF-Token": "wrong"}
        _problem(client.post(AUTOSAVE, data={"revision": "1"}, headers=wrong), 403, "forbidden")
        _problem(client.get(AUTOSAVE, headers=headers), 405, "method-not-allowed")
        token = {**headers, "X-CSRF-Token": started.csrf}
        unknown = client.post("/respond/step/99/autosave", data=started.hidden(), headers=token)
        _problem(unknown, 404, "not-found")
        too_large = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        big = b"comment=" + b"x" * 2_000_000
        _problem(client.post(AUTOSAVE, content=big, headers=too_large), 413, "payload-too-large")
        saved = client.post(
            AUTOSAVE,
            data={**started.hidden(), "leadership.mandate": "2"},
            headers={**headers, "X-CSRF-Token": started.csrf},
        )
        assert saved.headers["content-type"] == "application/json"
        started = Page.get(client, PAGE)


def test_a_server_error_in_autosave_is_json(
    client: TestClient, started: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault nobody expected")

    monkeypatch.setattr(responses, "save_page", broken)
    fields = started.hidden()
    response = client.post(
        AUTOSAVE, data=fields, headers={**BROWSER, "X-CSRF-Token": fields["csrf_token"]}
    )
    body = _problem(response, 500, "internal-error")
    assert "a fault nobody expected" not in response.text
    assert body["detail"] == "Something went wrong on the server. Please try again later."
