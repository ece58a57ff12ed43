"""The one middleware layer (app.middleware.Edge) keeps every behaviour of the five it replaced:
a route's own security header wins and is not doubled, the request id is echoed (a proxy's
plain one kept, anything else replaced), a body streamed without a declared length is cut at
the limit, paths stay linked the same way (kept route paths), and the host verdicts it keeps
stay bounded."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from app import links
from app.middleware import _HOST_VERDICTS_KEPT, CONTENT_SECURITY_POLICY, Edge
from tests.helpers import run_coroutine


def _own_policy() -> PlainTextResponse:
    return PlainTextResponse("own", headers={"Content-Security-Policy": "default-src 'none'"})


async def _echo_length(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


def _link(request: Request) -> PlainTextResponse:
    return PlainTextResponse(
        links.path_for(request, "respond.step", step=int(request.query_params["step"]))
    )


def _id_link(request: Request) -> PlainTextResponse:
    token = request.query_params["token"]
    quick = links.path_with_id(request, "respond.invitation", token=token)
    return PlainTextResponse(f"{quick}\n{request.url_for('respond.invitation', token=token).path}")


@pytest.fixture
def edged(app: FastAPI) -> Iterator[TestClient]:
    app.add_api_route("/test/own-policy", _own_policy, methods=["GET"])
    app.add_api_route("/test/echo-length", _echo_length, methods=["POST"])
    app.add_api_route("/test/link", _link, methods=["GET"])
    app.add_api_route("/test/id-link", _id_link, methods=["GET"])
    with TestClient(app) as client:
        client.headers["Accept-Language"] = "en"
        yield client


def test_a_routes_own_security_header_wins_once(edged: TestClient) -> None:
    response = edged.get("/test/own-policy")
    assert response.headers.get_list("content-security-policy") == ["default-src 'none'"]
    assert response.headers["x-frame-options"] == "DENY"  # the others are still added
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-request-id"])


def test_every_answer_has_the_headers_once(edged: TestClient) -> None:
    for path in ("/", "/healthz", "/no-such-page", "/api/v1/questionnaires"):
        response = edged.get(path)
        assert response.headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]
        assert len(response.headers.get_list("x-request-id")) == 1


def test_the_request_id_of_a_proxy_is_kept_only_when_plain(edged: TestClient) -> None:
    assert (
        edged.get("/healthz", headers={"X-Request-ID": "lb-42.a_b"}).headers["x-request-id"]
        == "lb-42.a_b"
    )
    forged = edged.get("/healthz", headers={"X-Request-ID": "a b\tc"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", forged)
    ids = {edged.get("/healthz").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_a_streamed_body_over_the_limit_is_refused(edged: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the body arrives chunked
        for _ in range(30):
            yield b"x" * 100_000

    refused = edged.post("/test/echo-length", content=chunks())
    assert refused.status_code == 413
    assert refused.headers["connection"] == "close"
    assert refused.headers["x-content-type-options"] == "nosniff"
    small = edged.post("/test/echo-length", content=iter([b"abc", b"de"]))
    assert (small.status_code, small.text) == (200, "5")
    declared = edged.post("/test/echo-length", content=b"x" * 1000)
    assert (declared.status_code, declared.text) == (200, "1000")


def test_a_garbled_content_length_is_refused(edged: TestClient) -> None:
    response = edged.post("/test/echo-length", content=b"abc", headers={"Content-Length": "3x"})
    assert response.status_code == 413


def test_kept_route_paths_are_the_routes_paths(edged: TestClient, app: FastAPI) -> None:
    for step in (1, 2, 1, 12):
        assert edged.get(f"/test/link?step={step}").text == app.url_path_for(
            "respond.step", step=step
        )
    kept = app.router._radar_route_paths  # type: ignore[attr-defined]
    assert set(kept.values()) == {f"/respond/step/{n}" for n in (1, 2, 12)}


def test_kept_route_paths_follow_the_root_path(app: FastAPI) -> None:
    app.add_api_route("/test/link", _link, methods=["GET"])
    app.add_api_route("/test/id-link", _id_link, methods=["GET"])
    with TestClient(app, root_path="/radar") as client:
        assert client.get("/test/link?step=3").text == "/radar/respond/step/3"
    with TestClient(app) as client:
        assert client.get("/test/link?step=3").text == "/respond/step/3"


async def _ok(scope: object, receive: object, send: object) -> None:
    """Never called: the hosts below are checked only."""


def test_host_verdicts_are_bounded() -> None:
    edge = Edge(_ok, allowed_hosts=["radar.example"], open_paths=[], max_bytes=10)

    async def check() -> None:
        assert await edge._host_allowed(b"radar.example")
        assert not await edge._host_allowed(b"evil.example")
        assert not await edge._host_allowed(None)
        for n in range(_HOST_VERDICTS_KEPT * 2):
            assert not await edge._host_allowed(f"h{n}.example".encode())
        assert len(edge._host_verdicts) <= _HOST_VERDICTS_KEPT
        assert await edge._host_allowed(b"radar.example:8000")

    run_coroutine(check())


@pytest.mark.parametrize("root_path", ["", "/radar"])
def test_paths_with_ids_are_the_routes_paths(app: FastAPI, root_path: str) -> None:
    """The path built from a kept template equals the route's own path for every id, plain or
    not (those are looked up), behind a root path too; the kept paths do not grow per id."""
    app.add_api_route("/test/id-link", _id_link, methods=["GET"])
    with TestClient(app, root_path=root_path) as client:
        for token in ("a1b2", "c3d4", "x-y_z", "ä ö", "radar-stand-in-token"):
            quick, expected = client.get("/test/id-link", params={"token": token}).text.split("\n")
            assert quick == expected
            assert quick.startswith(f"{root_path}/r/")
    kept = app.router._radar_route_paths  # type: ignore[attr-defined]
    assert len(kept) <= 3  # the template, and the two ids that are not plain


@pytest.mark.parametrize("path", ["/healthz", "/", "/api/v1/questionnaires"])
def test_head_is_the_get_without_its_body(client: TestClient, path: str) -> None:
    """Load balancers and link previews ask with HEAD; the routes declare GET only."""
    got = client.get(path)
    head = client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    for name in ("content-type", "content-length", "content-security-policy", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert client.head("/respond/submit").status_code == 405  # a POST-only address stays so
