"""Kept answers (app.api.kept): the health probe and the definition JSON answered without
FastAPI's request handling send exactly what their endpoints send, and only when certain."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from httpx import Response

from app.api import health
from app.api.kept import KeptAnswer, KeptAnswerRoute, kept_answer
from app.api.v1 import questionnaires
from tests.api.test_questionnaires import FLAGSHIP


def _route(router: APIRouter, name: str) -> KeptAnswerRoute:
    [route] = [r for r in router.routes if getattr(r, "name", None) == name]
    assert isinstance(route, KeptAnswerRoute)
    return route


def _as_sent(response: Response) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers in order (but the request id) and body: what must be equal."""
    headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"x-request-id"]
    return response.status_code, headers, response.content


def _counting(route: KeptAnswerRoute, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per request the route's finder sees, whether it answered."""
    finder = route.finder
    assert finder is not None
    seen: list[bool] = []

    def counted(scope: Any) -> KeptAnswer | None:
        answer = finder(scope)
        seen.append(answer is not None)
        return answer

    monkeypatch.setattr(route, "finder", counted)
    return seen


def _compare(
    route: KeptAnswerRoute, monkeypatch: pytest.MonkeyPatch, ask: Callable[[], Response]
) -> bool:
    """Whether the finder answered ``ask``'s request; asserts that the endpoint alone sends
    the same."""
    finder = route.finder
    seen = _counting(route, monkeypatch)
    kept = ask()
    monkeypatch.setattr(route, "finder", None)
    alone = ask()
    monkeypatch.setattr(route, "finder", finder)
    assert _as_sent(kept) == _as_sent(alone)
    return seen == [True]


def test_healthz_sends_what_its_endpoint_sends(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = _route(health.router, "healthz")
    assert _compare(route, monkeypatch, partial(client.get, "/healthz"))
    assert _compare(route, monkeypatch, partial(client.get, "/healthz?probe=1"))
    seen = _counting(route, monkeypatch)
    assert client.post("/healthz").status_code == 405
    assert seen == [], "only GET requests are answered from what is kept"
    head = client.head("/healthz")  # the GET without its body (app.middleware.Edge)
    assert (head.status_code, head.content) == (200, b"")


@pytest.mark.parametrize("lang", [None, "en", "de"])
@pytest.mark.parametrize("encoding", [None, "gzip", "gzip;q=0, br", "*"])
def test_the_definition_sends_what_its_endpoint_sends(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str | None, encoding: str | None
) -> None:
    route = _route(questionnaires.router, "get_definition")
    params = {"lang": lang} if lang else {}
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = api.get(FLAGSHIP, params=params, headers=headers)  # looked up, then kept
    etag = first.headers["etag"]
    for if_none_match in (None, etag, "W/" + etag, '"a", *', '"other"', ""):
        sent = {**headers, "If-None-Match": if_none_match} if if_none_match is not None else headers
        ask = partial(api.get, FLAGSHIP, params=params, headers=sent)
        assert _compare(route, monkeypatch, ask)


@pytest.mark.parametrize(
    "query",
    [
        "lang=en&lang=de",  # FastAPI takes the last one
        "lang=%65n",  # percent-encoded
        "lang=en&other=1",
        "lang=",
        "lang=fr",  # not offered: a 404 problem
        "lang=EN",  # not a language code: a 422 problem
        "other=1",
    ],
)
def test_the_endpoint_answers_what_the_finder_is_not_sure_of(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    route = _route(questionnaires.router, "get_definition")
    for lang in ("en", "de"):
        api.get(FLAGSHIP, params={"lang": lang})
    assert not _compare(route, monkeypatch, partial(api.get, f"{FLAGSHIP}?{query}"))


def test_headers_sent_twice_are_read_as_the_endpoint_reads_them(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first ``If-None-Match`` and ``Accept-Encoding`` count, as for Starlette's
    ``Headers.get``."""
    route = _route(questionnaires.router, "get_definition")
    etag = api.get(FLAGSHIP, params={"lang": "en"}).headers["etag"]
    twice = [("If-None-Match", etag), ("If-None-Match", '"other"')]
    reversed_twice = twice[::-1]
    encodings = [("Accept-Encoding", "identity"), ("Accept-Encoding", "gzip")]
    for headers in (twice, reversed_twice, encodings, encodings[::-1]):
        ask = partial(api.get, FLAGSHIP, params={"lang": "en"}, headers=headers)
        assert _compare(route, monkeypatch, ask)


def test_nothing_is_kept_before_the_endpoint_answered(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = _route(questionnaires.router, "get_definition")
    seen = _counting(route, monkeypatch)
    url = "/api/v1/questionnaires/intercultural-organisation/versions/1.1"
    assert api.get(url, params={"lang": "pl"}).status_code == 200
    assert api.get(url, params={"lang": "pl"}).status_code == 200
    assert seen == [False, True]
    head = api.head(url, params={"lang": "pl"})
    assert (head.status_code, head.content) == (200, b"")


def test_a_kept_answer_needs_a_get_route() -> None:
    router = APIRouter(route_class=KeptAnswerRoute)
    with pytest.raises(ValueError, match="GET"):

        @router.post("/x")
        @kept_answer(lambda scope: None)
        def write() -> None:
            """Never registered."""
